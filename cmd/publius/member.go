package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"publius/internal/api/publius"
	"publius/internal/membership"
	"publius/internal/membership/merkle"
	"publius/internal/store"
	"publius/internal/zk"
)

func init() {
	adminCommands = append(adminCommands, newAdminZKCommand, newAdminGroupCommand)
	extraCommands = append(extraCommands, newIDCommand, newGroupCommand, newBadgeCommand, newVerifyCommand)
}

// operator stands for the admin CLI, which acts with full rights on the
// data directory.
var operator = &store.Account{Admin: true}

func newAdminZKCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "zk", Short: "Membership proof keys"}
	cmd.AddCommand(&cobra.Command{
		Use:   "setup",
		Short: "Create this deployment's Groth16 proving and verifying keys in DATA/zk (single-party setup)",
		Long: "Create the proving and verifying keys for membership proofs. Whoever runs this setup could\n" +
			"forge proofs if they kept its randomness (it is not kept); replace the keys with the output of a\n" +
			"multi-party ceremony for stronger guarantees. Existing keys are never overwritten: replacing them\n" +
			"invalidates every proof made so far. Restart the server afterwards.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, cfg, err := openAdminStore(cmd)
			if err != nil {
				return err
			}
			st.Close()
			if _, err := os.Stat(filepath.Join(cfg.DataDir, zk.VerifyingKeyFile)); err == nil {
				return fmt.Errorf("keys already exist in %s: replacing them would invalidate every proof", filepath.Join(cfg.DataDir, "zk"))
			}
			pk, vk, err := zk.Setup()
			if err != nil {
				return err
			}
			if err := zk.WriteKeys(cfg.DataDir, pk, vk); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s and %s\nverifying key sha256 %s\nrestart the server to enable membership proofs\n",
				filepath.Join(cfg.DataDir, zk.ProvingKeyFile), filepath.Join(cfg.DataDir, zk.VerifyingKeyFile), vk.Fingerprint())
			return nil
		},
	})
	return cmd
}

func newAdminGroupCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "group", Short: "Create membership groups and appoint their verifiers"}
	var name, desc string
	create := &cobra.Command{
		Use:   "create SLUG",
		Short: "Create a group (members are added later by its verifiers)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, cfg, err := openAdminStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			if name == "" {
				return errors.New("--name is required")
			}
			g, err := membership.NewService(st, nil, cfg.RootsKept, nil).CreateGroup(cmd.Context(), operator,
				membership.NewGroup{Slug: args[0], Name: name, Description: desc})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "created group %s (%s)\n", g.Slug, g.Name)
			return nil
		},
	}
	create.Flags().StringVar(&name, "name", "", "display name, e.g. \"USCIS employees\"")
	create.Flags().StringVar(&desc, "description", "", "how membership is checked, who verifies")
	addVerifier := &cobra.Command{
		Use:   "add-verifier SLUG @HANDLE",
		Short: "Let an account add and remove the group's members",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, cfg, err := openAdminStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			a, err := membership.NewService(st, nil, cfg.RootsKept, nil).AddVerifier(cmd.Context(), operator, args[0], args[1])
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "@%s is a verifier of %s\n", a.Handle, args[0])
			return nil
		},
	}
	cmd.AddCommand(create, addVerifier)
	return cmd
}

// identityPath is --identity, else configDir/identity.
func identityPath(cmd *cobra.Command) (string, error) {
	if p, _ := cmd.Flags().GetString("identity"); p != "" {
		return p, nil
	}
	dir, err := configDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "identity"), nil
}

func identityFlag(cmd *cobra.Command) {
	cmd.Flags().String("identity", "", "identity secret file (default: CONFIG/publius/identity)")
}

func loadIdentity(cmd *cobra.Command) (zk.Identity, error) {
	p, err := identityPath(cmd)
	if err != nil {
		return zk.Identity{}, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return zk.Identity{}, fmt.Errorf("no identity at %s: create one with `publius id new`", p)
	}
	if err != nil {
		return zk.Identity{}, err
	}
	return zk.ParseIdentity(string(b))
}

func newIDCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "id", Short: "Your membership identity (a secret kept only on this machine)"}
	newCmd := &cobra.Command{
		Use:   "new",
		Short: "Create an identity secret (file mode 0600) and print its commitment for your group's verifier",
		Long: "Create a random identity secret on this machine and print its public commitment. Give the\n" +
			"commitment (never the file) to the group's verifier. The secret is never sent anywhere: proofs are\n" +
			"computed here. Use one identity per group if you do not want verifiers of different groups to\n" +
			"see the same commitment.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, _ := cmd.Flags().GetString("file")
			if p == "" {
				dir, err := configDir()
				if err != nil {
					return err
				}
				p = filepath.Join(dir, "identity")
			}
			id, err := zk.NewIdentity()
			if err != nil {
				return err
			}
			text, _ := id.MarshalText()
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				return err
			}
			f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%s exists; refusing to overwrite an identity (choose another --file)", p)
			}
			if err != nil {
				return err
			}
			if _, err := f.Write(append(text, '\n')); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "identity secret written to %s (keep it; back it up privately)\n", p)
			fmt.Fprintln(cmd.OutOrStdout(), zk.EncodeElement(id.Commitment()))
			return nil
		},
	}
	newCmd.Flags().String("file", "", "where to write the secret (default: CONFIG/publius/identity)")
	show := &cobra.Command{
		Use:   "commitment",
		Short: "Print the commitment of an identity",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := loadIdentity(cmd)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), zk.EncodeElement(id.Commitment()))
			return nil
		},
	}
	identityFlag(show)
	cmd.AddCommand(newCmd, show)
	return cmd
}

func newGroupCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "group", Short: "Verifier commands: add and remove group members"}
	add := &cobra.Command{
		Use:   "add-member GROUP COMMITMENT",
		Short: "Add a member's commitment to the group (verifiers only)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiSession(cmd)
			if err != nil {
				return err
			}
			var out publius.ChangeJSON
			if err := c.do(cmd.Context(), "POST", "/api/v1/publius/groups/"+url.PathEscape(args[0])+"/members",
				map[string]string{"commitment": strings.TrimSpace(args[1])}, &out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "added as leaf %d; the group now has %d members (root %s)\n", out.Index, out.Root.AnonymitySet, out.Root.Root)
			return nil
		},
	}
	remove := &cobra.Command{
		Use:   "remove-member GROUP INDEX",
		Short: "Remove the member at leaf INDEX (verifiers only); proofs against older roots expire after K changes",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := strconv.ParseUint(args[1], 10, 32); err != nil {
				return fmt.Errorf("INDEX must be a leaf number, got %q", args[1])
			}
			c, err := apiSession(cmd)
			if err != nil {
				return err
			}
			var out publius.ChangeJSON
			if err := c.do(cmd.Context(), "DELETE", "/api/v1/publius/groups/"+url.PathEscape(args[0])+"/members/"+args[1], nil, &out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "removed leaf %d; the group now has %d members (root %s)\n", out.Index, out.Root.AnonymitySet, out.Root.Root)
			return nil
		},
	}
	sessionFlags(add)
	sessionFlags(remove)
	cmd.AddCommand(add, remove)
	return cmd
}

// membershipWitness is what a member computes locally to prove.
type membershipWitness struct {
	group publius.GroupJSON
	path  zk.MerklePath
	root  publius.RootJSON
}

// syncLeaves downloads all of a group's leaves, page by page, in the
// compact binary form.
func syncLeaves(ctx context.Context, c *apiClient, slug string) ([]zk.Element, error) {
	var out []zk.Element
	for {
		body, err := c.rawAccept(ctx, fmt.Sprintf("/api/v1/publius/groups/%s/leaves?from=%d&limit=%d",
			url.PathEscape(slug), len(out), membership.MaxLeavesPage), publius.LeavesBinary)
		if err != nil {
			return nil, err
		}
		if len(body)%32 != 0 || len(body) > 32*membership.MaxLeavesPage {
			return nil, fmt.Errorf("leaves page of %d bytes is malformed", len(body))
		}
		for i := 0; i < len(body); i += 32 {
			var e zk.Element
			if err := e.SetBytesCanonical(body[i : i+32]); err != nil {
				return nil, fmt.Errorf("leaf %d: %w", len(out), err)
			}
			out = append(out, e)
		}
		if len(body) < 32*membership.MaxLeavesPage {
			return out, nil
		}
	}
}

// locate syncs the leaves, finds id's leaf and computes its path and the
// root locally, then checks that root is one of the group's recent roots.
// The server never learns which leaf is ours.
func locate(ctx context.Context, c *apiClient, slug string, id zk.Identity) (*membershipWitness, error) {
	commitment := id.Commitment()
	for attempt := 0; ; attempt++ {
		var w membershipWitness
		if err := c.do(ctx, "GET", "/api/v1/publius/groups/"+url.PathEscape(slug), nil, &w.group); err != nil {
			return nil, err
		}
		leaves, err := syncLeaves(ctx, c, slug)
		if err != nil {
			return nil, err
		}
		idx := -1
		for i := range leaves {
			if leaves[i].Equal(&commitment) {
				idx = i
				break
			}
		}
		if idx < 0 {
			return nil, fmt.Errorf("your commitment %s is not a member of %s: give it to the group's verifier (or it was removed)",
				zk.EncodeElement(commitment), slug)
		}
		path, root, err := merkle.PathFromLeaves(leaves, uint64(idx))
		if err != nil {
			return nil, err
		}
		var roots []publius.RootJSON
		err = c.do(ctx, "GET", "/api/v1/publius/groups/"+url.PathEscape(slug)+"/roots?root="+zk.EncodeElement(root), nil, &roots)
		var ae *apiError
		if err == nil && len(roots) == 1 && roots[0].Seq > w.group.Version-int64(w.group.RootsKept) {
			w.path, w.root = path, roots[0]
			return &w, nil
		}
		if err != nil && !(errors.As(err, &ae) && ae.Status == 404) {
			return nil, err
		}
		if attempt > 0 {
			return nil, errors.New("the leaves this server sent do not match any recent root of the group; try again later")
		}
		// The group changed while we synced; once more.
	}
}

// keys returns the server's verifying key and a matching proving key,
// cached in the config dir under the verifying key's fingerprint.
func keysFrom(ctx context.Context, c *apiClient) (*zk.ProvingKey, *zk.VerifyingKey, error) {
	var info struct {
		VerifyingKey string `json:"verifying_key"`
	}
	if err := c.do(ctx, "GET", "/api/v1/publius/zk", nil, &info); err != nil {
		return nil, nil, err
	}
	raw, err := base64.StdEncoding.DecodeString(info.VerifyingKey)
	if err != nil {
		return nil, nil, fmt.Errorf("verifying key: %w", err)
	}
	vk, err := zk.DecodeVerifyingKey(raw)
	if err != nil {
		return nil, nil, err
	}
	dir, err := configDir()
	if err != nil {
		return nil, nil, err
	}
	// The cache holds the key uncompressed (fast to load), written only
	// after a fully checked decode of the downloaded file.
	cache := filepath.Join(dir, "zk", vk.Fingerprint()+".proving.raw")
	if b, err := os.ReadFile(cache); err == nil {
		if pk, err := zk.DecodeProvingKeyRaw(b); err == nil {
			return pk, vk, nil
		}
	}
	b, err := c.raw(ctx, "GET", "/api/v1/publius/zk/proving_key", nil)
	if err != nil {
		return nil, nil, err
	}
	pk, err := zk.DecodeProvingKey(b)
	if err != nil {
		return nil, nil, err
	}
	if raw, err := pk.MarshalRaw(); err == nil && os.MkdirAll(filepath.Dir(cache), 0o700) == nil {
		os.WriteFile(cache, raw, 0o600) // failing to cache only costs a download next time
	}
	return pk, vk, nil
}

// anonymityGate refuses proofs whose anonymity set is below
// MinAnonymitySet unless forced, and always says how large it is.
func anonymityGate(cmd *cobra.Command, w *membershipWitness, force bool) error {
	n := w.root.AnonymitySet
	fmt.Fprintf(cmd.ErrOrStderr(), "anonymity set: you are one of %d members of %s at this root\n", n, w.group.Slug)
	if n < membership.MinAnonymitySet && !force {
		return fmt.Errorf("refusing: the group has only %d members at its current root, so a proof would narrow you down to one of %d people; "+
			"wait until at least %d members have joined, or pass --force if you accept the risk", n, n, membership.MinAnonymitySet)
	}
	return nil
}

const timingWarning = "timing: a verifier who enrolled you and an operator who sees this proof can compare the two moments;\n" +
	"proving right after your enrolment lets them guess who you are. Prefer waiting until more members have joined.\n"

// prove builds and locally verifies a proof for id.
func prove(cmd *cobra.Command, c *apiClient, slug string, id zk.Identity, force bool, scope func(slug string) zk.Element, message zk.Element) (*membershipWitness, map[string]any, error) {
	ctx := cmd.Context()
	w, err := locate(ctx, c, slug, id)
	if err != nil {
		return nil, nil, err
	}
	if err := anonymityGate(cmd, w, force); err != nil {
		return nil, nil, err
	}
	fmt.Fprint(cmd.ErrOrStderr(), timingWarning)
	pk, vk, err := keysFrom(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	root, err := zk.DecodeElement(w.root.Root)
	if err != nil {
		return nil, nil, err
	}
	proof, pub, err := zk.ProveRoot(pk, id, w.path, root, scope(w.group.Slug), message)
	if err != nil {
		return nil, nil, err
	}
	if err := zk.Verify(vk, proof, pub); err != nil {
		return nil, nil, fmt.Errorf("the server's proving and verifying keys do not match: %w", err)
	}
	return w, map[string]any{"proof": zk.EncodeProof(proof), "root": zk.EncodeElement(pub.Root),
		"nullifier": zk.EncodeElement(pub.Nullifier)}, nil
}

type whoAmI struct {
	ID   string `json:"id"`
	Acct string `json:"acct"`
}

// memberSession loads the member's identity and the logged-in account a
// proof will be bound to.
func memberSession(cmd *cobra.Command) (zk.Identity, *apiClient, whoAmI, error) {
	var me whoAmI
	id, err := loadIdentity(cmd)
	if err != nil {
		return id, nil, me, err
	}
	c, err := apiSession(cmd)
	if err != nil {
		return id, nil, me, err
	}
	err = c.do(cmd.Context(), "GET", "/api/v1/accounts/verify_credentials", nil, &me)
	return id, c, me, err
}

func newBadgeCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "badge", Short: "Verified-member badges on your account"}
	var force bool
	claim := &cobra.Command{
		Use:   "claim GROUP",
		Short: "Prove you are one of GROUP's members and show it on your account, without revealing which member",
		Long: "Sync the group's public leaves, compute your Merkle path locally, prove membership in zero\n" +
			"knowledge bound to your account, and submit the proof. One member can hold one badge per group.\n" +
			"Refuses when the group has fewer than 10 members (use --force to accept being one of fewer).\n\n" + timingWarning,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, c, me, err := memberSession(cmd)
			if err != nil {
				return err
			}
			_, body, err := prove(cmd, c, args[0], id, force, membership.BadgeScope, membership.BadgeMessage(me.ID))
			if err != nil {
				return err
			}
			var b struct {
				GroupName    string `json:"group_name"`
				AnonymitySet int64  `json:"anonymity_set"`
			}
			if err := c.do(cmd.Context(), "POST", "/api/v1/publius/groups/"+url.PathEscape(args[0])+"/badge", body, &b); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "@%s now shows a verified badge: member of %s (one of %d members)\n", me.Acct, b.GroupName, b.AnonymitySet)
			return nil
		},
	}
	claim.Flags().BoolVar(&force, "force", false, "claim even if the anonymity set is below 10")
	identityFlag(claim)
	sessionFlags(claim)
	cmd.AddCommand(claim)
	return cmd
}

// postAsMember posts text with a proof that its author is one of group's
// members. Each post uses a fresh random scope, so proofs on different
// posts cannot be linked to each other or to a badge.
func postAsMember(cmd *cobra.Command, group string, force bool, post map[string]any) error {
	id, c, me, err := memberSession(cmd)
	if err != nil {
		return err
	}
	var nb [membership.NonceLen / 2]byte
	if _, err := rand.Read(nb[:]); err != nil {
		return err
	}
	nonce := hex.EncodeToString(nb[:])
	text, _ := post["status"].(string)
	w, body, err := prove(cmd, c, group, id, force,
		func(slug string) zk.Element { return membership.PostScope(slug, nonce) }, membership.PostMessage(me.ID, text))
	if err != nil {
		return err
	}
	body["group"], body["scope_nonce"] = w.group.Slug, nonce
	post["publius_proof"] = body
	var st struct {
		URL string `json:"url"`
	}
	if err := c.do(cmd.Context(), "POST", "/api/v1/publius/statuses", post, &st); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s\nsigned as one of %d members of %s\n", st.URL, w.root.AnonymitySet, w.group.Name)
	return nil
}

var statusIDPattern = regexp.MustCompile(`^[0-9]{1,19}$`)

// parsePostURL accepts https://host/@handle/ID, .../statuses/ID and
// .../api/v1/statuses/ID.
func parsePostURL(s string) (server, id string, err error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", "", fmt.Errorf("%q is not a post URL (https://host/@handle/ID)", s)
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	id = parts[len(parts)-1]
	if len(parts) < 2 || !statusIDPattern.MatchString(id) {
		return "", "", fmt.Errorf("%q is not a post URL (https://host/@handle/ID)", s)
	}
	return u.Scheme + "://" + u.Host, id, nil
}

func newVerifyCommand() *cobra.Command {
	var keyFile, pin string
	cmd := &cobra.Command{
		Use:   "verify POST-URL",
		Short: "Check a post's membership proof yourself, without trusting the server's word",
		Long: "Fetch the post, the group's root history and the verifying key; recompute the scope and the\n" +
			"message from the author's account ID and the text; check the root is in the group's history and\n" +
			"that the proof verifies. Pin the key with --key-sha256 or --verifying-key to not trust the\n" +
			"server for it either. Exits non-zero when anything does not check out.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			server, id, err := parsePostURL(args[0])
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			c := newAPIClient(server, "")
			var st struct {
				Account struct {
					ID   string `json:"id"`
					Acct string `json:"acct"`
				} `json:"account"`
				Publius *publius.PostProofJSON `json:"publius"`
			}
			if err := c.do(ctx, "GET", "/api/v1/statuses/"+id, nil, &st); err != nil {
				return err
			}
			p := st.Publius
			if p == nil || p.Proof == "" {
				return errors.New("FAIL: this post carries no membership proof")
			}
			vk, err := verifyingKey(ctx, c, keyFile)
			if err != nil {
				return err
			}
			if pin != "" && !strings.EqualFold(pin, vk.Fingerprint()) {
				return fmt.Errorf("FAIL: the verifying key's sha256 is %s, not the pinned %s", vk.Fingerprint(), pin)
			}
			if !membership.ValidNonce(p.ScopeNonce) {
				return errors.New("FAIL: the proof's scope nonce is malformed")
			}
			// Recompute what the proof must be bound to rather than read it.
			scope := membership.PostScope(p.Group, p.ScopeNonce)
			if zk.EncodeElement(scope) != p.Scope {
				return errors.New("FAIL: the scope is not this post's own scope for the group")
			}
			message := membership.PostMessage(st.Account.ID, p.Text)
			root, err1 := zk.DecodeElement(p.Root)
			nullifier, err2 := zk.DecodeElement(p.Nullifier)
			proof, err3 := zk.DecodeProof(p.Proof)
			if err := errors.Join(err1, err2, err3); err != nil {
				return fmt.Errorf("FAIL: %w", err)
			}
			var roots []publius.RootJSON
			if err := c.do(ctx, "GET", "/api/v1/publius/groups/"+url.PathEscape(p.Group)+"/roots?root="+p.Root, nil, &roots); err != nil || len(roots) != 1 {
				return fmt.Errorf("FAIL: the proof's root is not in group %s's root history", p.Group)
			}
			if err := zk.Verify(vk, proof, zk.PublicInputs{Root: root, Nullifier: nullifier, Scope: scope, Message: message}); err != nil {
				return fmt.Errorf("FAIL: the proof does not verify for @%s and this text: %w", st.Account.Acct, err)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "OK: @%s's post was written by one of the %d members of %q (%s) at root %s (#%d, %s)\n",
				st.Account.Acct, roots[0].AnonymitySet, p.GroupName, p.Group, p.Root[:16], roots[0].Seq, roots[0].CreatedAt)
			fmt.Fprintf(out, "verifying key sha256 %s\nthe proof binds exactly this text:\n%s\n", vk.Fingerprint(), p.Text)
			return nil
		},
	}
	cmd.Flags().StringVar(&keyFile, "verifying-key", "", "verify with this verifying key file instead of the server's")
	cmd.Flags().StringVar(&pin, "key-sha256", "", "require the verifying key to have this SHA-256")
	return cmd
}

func verifyingKey(ctx context.Context, c *apiClient, file string) (*zk.VerifyingKey, error) {
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, 1<<16))
		if err != nil {
			return nil, err
		}
		return zk.DecodeVerifyingKey(b)
	}
	var info struct {
		VerifyingKey string `json:"verifying_key"`
	}
	if err := c.do(ctx, "GET", "/api/v1/publius/zk", nil, &info); err != nil {
		return nil, err
	}
	raw, err := base64.StdEncoding.DecodeString(info.VerifyingKey)
	if err != nil {
		return nil, fmt.Errorf("verifying key: %w", err)
	}
	return zk.DecodeVerifyingKey(raw)
}
