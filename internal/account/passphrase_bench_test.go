package account

import "testing"

// BenchmarkHashPassphrase times one argon2id hash with Publius's parameters
// (m=19 MiB, t=2, p=1); the README quotes it.
func BenchmarkHashPassphrase(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassphrase("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyPassphrase is the cost of one login attempt.
func BenchmarkVerifyPassphrase(b *testing.B) {
	h, err := HashPassphrase("correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if !VerifyPassphrase("correct horse battery staple", h) {
			b.Fatal("passphrase did not verify")
		}
	}
}
