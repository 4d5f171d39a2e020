// Package deps pins the project's dependencies until real code imports them all.
package deps

import (
	_ "github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	_ "github.com/consensys/gnark/backend/groth16"
	_ "github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	_ "github.com/consensys/gnark/frontend/cs/r1cs"
	_ "github.com/consensys/gnark/std/permutation/poseidon2"
	_ "github.com/consensys/gnark/std/hash/poseidon2"
	_ "github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/spf13/cobra"
	_ "golang.org/x/crypto/argon2"
	_ "golang.org/x/term"
	_ "modernc.org/sqlite"
)
