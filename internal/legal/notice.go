package legal

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"publius/internal/account"
	"publius/internal/store"
	"publius/internal/timeline"
)

// SystemHandle is the account that sends legal notices.
const SystemHandle = "legal"

// systemAccount returns @legal, creating it on first need. Its passphrase
// is random and never kept, and the stored hash is then made unusable, so
// nobody can log in as it.
func (r *Registry) systemAccount(ctx context.Context) (*store.Account, error) {
	a, err := r.store.AccountByHandle(ctx, SystemHandle)
	if err == nil {
		return a, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	a, err = r.accounts.Register(ctx, account.Registration{Handle: SystemHandle, Passphrase: randomPassphrase(), AllowReserved: true})
	if errors.Is(err, account.ErrHandleTaken) {
		return r.store.AccountByHandle(ctx, SystemHandle) // another node made it first
	}
	if err != nil {
		return nil, fmt.Errorf("legal: create @%s: %w", SystemHandle, err)
	}
	name, note, bot := "Legal notices", "Tells you when this server receives a legal demand that names your account.", true
	if err := r.store.UpdateProfile(ctx, a.ID, store.Profile{DisplayName: &name, Note: &note, Bot: &bot}); err != nil {
		return nil, err
	}
	if err := r.store.SetPassphraseHash(ctx, a.ID, "!"+randomPassphrase()); err != nil {
		return nil, err
	}
	return r.store.AccountByID(ctx, a.ID)
}

// NotifyDue sends every notice that is due: for each demand and each
// targeted account not yet told, unless a gag order is in force today. It
// returns how many accounts were notified.
func (r *Registry) NotifyDue(ctx context.Context) (int, error) {
	list, err := r.store.Demands(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	var errs []error
	for _, d := range list {
		n, err := r.notify(ctx, d)
		sent += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	return sent, errors.Join(errs...)
}

// notifyLogged notifies one demand's targets; failures are logged and
// retried by the periodic notifier.
func (r *Registry) notifyLogged(ctx context.Context, demandID string) {
	d, err := r.store.Demand(ctx, demandID)
	if err == nil {
		_, err = r.notify(ctx, d)
	}
	if err != nil {
		r.log.Error("legal notice failed; the notifier will retry", "demand", demandID, "err", err)
	}
}

func (r *Registry) notify(ctx context.Context, d *store.Demand) (int, error) {
	today := r.Today()
	if gagInForce(d, today) {
		return 0, nil
	}
	done := map[string]bool{}
	for _, n := range d.Notices {
		done[n.AccountID] = true
	}
	sent := 0
	for _, t := range d.Targets {
		if done[t.AccountID] {
			continue
		}
		target, err := r.store.AccountByID(ctx, t.AccountID)
		if err != nil {
			return sent, err
		}
		// A suspended account cannot read it now; it is told once unsuspended.
		if target.Deleted || target.Suspended || target.Handle == SystemHandle {
			continue
		}
		first, err := r.sendNotice(ctx, d, target)
		if err != nil {
			return sent, err
		}
		err = r.store.RecordDemandNotice(ctx, d.ID, store.DemandNotice{AccountID: target.ID, SentOn: today, StatusID: first})
		if err != nil && !errors.Is(err, store.ErrConflict) {
			return sent, err
		}
		if err == nil {
			sent++
		}
	}
	return sent, nil
}

// sendNotice posts the notice as a thread of direct statuses from @legal.
// Each part has an idempotency key, so a crash between posting and
// recording, or two nodes notifying at once, never sends it twice.
func (r *Registry) sendNotice(ctx context.Context, d *store.Demand, target *store.Account) (string, error) {
	sys, err := r.systemAccount(ctx)
	if err != nil {
		return "", err
	}
	var holdings string
	if r.Holdings != nil {
		holdings, err = r.Holdings(ctx, target.ID)
	} else {
		var x *Export
		if x, err = Disclose(ctx, r.store, target.ID); err == nil {
			holdings = x.Summary()
		}
	}
	if err != nil {
		return "", err
	}
	parts := NoticeParts(d, target.Handle, holdings)
	first, prev := "", ""
	for i, text := range parts {
		st, err := r.timelines.Post(ctx, sys, timeline.NewStatus{Text: text, Visibility: store.VisibilityDirect, InReplyToID: prev},
			fmt.Sprintf("legal-notice:%s:%s:%d", d.ID, target.ID, i), true)
		if err != nil {
			return "", fmt.Errorf("legal: post notice: %w", err)
		}
		if first == "" {
			first = st.ID
		}
		prev = st.ID
	}
	return first, nil
}

// defang keeps operator-written text from mentioning or tagging anyone:
// a word joiner after @ and # breaks the pattern without changing how it reads.
func defang(s string) string {
	return strings.NewReplacer("@", "@\u2060", "#", "#\u2060").Replace(s)
}

// NoticeParts writes the notice for handle as one or more statuses, each
// under the status length limit and each mentioning handle.
func NoticeParts(d *store.Demand, handle, holdings string) []string {
	from := d.Agency
	if d.Office != "" {
		from += ", " + d.Office
	}
	if d.Agent != "" {
		from += " (" + d.Agent + ")"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "This server received a legal demand that names your account.\n\n")
	fmt.Fprintf(&b, "From: %s\nAuthority cited: %s\nType: %s\nReceived: %s\n", defang(from), defang(d.Authority),
		Label(d.ProcessType), formatDay(d.ReceivedOn))
	if !d.DeadlineOn.IsZero() {
		fmt.Fprintf(&b, "Deadline to produce: %s\n", formatDay(d.DeadlineOn))
	}
	fmt.Fprintf(&b, "Status: %s", Label(d.Status))
	sections := []string{b.String()}
	if strings.TrimSpace(d.DataRequested) != "" {
		sections = append(sections, "What was asked, verbatim: "+defang(strings.TrimSpace(d.DataRequested)))
	}
	sections = append(sections, holdings+"\n\nYou may want legal advice; the operator can tell you how to reach them.")
	prefix := "@" + handle + " "
	limit := timeline.MaxChars - utf8.RuneCountInString(prefix) - len(" (99/99)")
	var chunks []string
	for _, s := range sections {
		chunks = append(chunks, split(s, limit)...)
	}
	out := make([]string, len(chunks))
	for i, c := range chunks {
		out[i] = prefix + c
		if len(chunks) > 1 {
			out[i] += fmt.Sprintf(" (%d/%d)", i+1, len(chunks))
		}
	}
	return out
}

// split cuts s into pieces of at most limit runes, at spaces when it can.
func split(s string, limit int) []string {
	var out []string
	for utf8.RuneCountInString(s) > limit {
		runes := []rune(s)
		cut := limit
		for i := limit; i > limit/2; i-- {
			if runes[i] == ' ' || runes[i] == '\n' {
				cut = i
				break
			}
		}
		out = append(out, strings.TrimSpace(string(runes[:cut])))
		s = strings.TrimSpace(string(runes[cut:]))
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// RunNotifier sends due notices now and then every interval until ctx ends,
// so a gag order's notice goes out soon after its end date passes.
func (r *Registry) RunNotifier(ctx context.Context, every time.Duration) {
	for {
		if n, err := r.NotifyDue(ctx); err != nil && ctx.Err() == nil {
			r.log.Error("legal notifier", "err", err)
		} else if n > 0 {
			r.log.Info("legal notices sent", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}
