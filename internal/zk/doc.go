// Package zk implements Publius's verifiable-membership proofs: a
// Semaphore-style Groth16 circuit on BN254 (gnark), the matching native
// hashes, and stable encodings for identities, field elements, proofs and
// keys. It is pure cryptography: no I/O except key files, no HTTP, no DB.
//
// # Hash definitions
//
// All hashing inside the circuit is Poseidon2 over the BN254 scalar field
// with width t=2, 6 full rounds, 50 partial rounds, S-box x^5, round
// constants from gnark-crypto's bn254/fr/poseidon2.NewParameters(2, 6, 50)
// (the library default). P denotes that permutation. The 2-to-1
// compression function is gnark's feed-forward Compress:
//
//	H2(a, b) = P([a, b])[1] + b
//
// From it:
//
//	HashNode(left, right)  = H2(left, right)                 Merkle nodes
//	Commitment(s)          = H2(TagCommitment, s)            leaf, "H1"
//	Nullifier(s, scope)    = H2(s, scope)
//	Scope(group, purpose)  = H2(TagScope, S("publius/zk/scope/v1", group, purpose))
//	MessageHash(parts...)  = S("publius/zk/message/v1", parts...)
//
// where S(tag, p1..pn) = SHA-256(tag || 0x00 || for each part:
// uint64-big-endian(len(part)) || part), read as a 256-bit big-endian
// integer and reduced mod r, and Tag(name) = SHA-256("publius/zk/tag/" +
// name) mod r, with TagCommitment = Tag("commitment") and TagScope =
// Tag("scope"). Putting the tag on the left of the commitment and the
// secret on the left of the nullifier keeps the two apart for every scope
// (they could only coincide if s == TagCommitment, which NewIdentity and
// Prove refuse). The empty leaf is 0 and the empty subtree at level i+1
// is HashNode(Z_i, Z_i) with Z_0 = 0.
//
// # Circuit
//
// Public inputs, in this order: Root, Nullifier, Scope, Message.
// Private: Secret, Siblings[Depth], PathBits[Depth] (bit i = bit i of the
// leaf index; bit 0 selects at the leaf level, 0 = current node is the
// left child). Constraints: leaf = Commitment(Secret); leaf != 0; folding
// the path from leaf yields Root; Nullifier = H2(Secret, Scope);
// Message*Message is computed so Message is bound to the proof.
//
// # Encodings
//
// Field elements (EncodeElement, commitments, nullifiers, roots, scopes):
// exactly 64 lowercase hex characters, the 32-byte big-endian canonical
// value (< r). Identity files: "publius-identity-v1:" followed by the
// secret as a field element encoding, optionally followed by a newline.
// Proofs: base64url without padding of 128 bytes, Ar (G1 compressed, 32)
// || Bs (G2 compressed, 64) || Krs (G1 compressed, 32), the gnark-crypto
// compressed point encodings. Key files: see WriteKeys.
//
// Groth16 proofs are malleable (anyone can re-randomise a valid proof), so
// proof bytes are not unique; uniqueness comes from the nullifier.
package zk
