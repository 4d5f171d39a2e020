#!/usr/bin/env bash
# Runs every test Publius has, on a fresh machine: static checks, the Go
# suite (unit, integration, durability, disclosure surface), and the
# browser end-to-end tests (installs Debian's chromium and the npm
# packages they need). Long soaks stay behind PUBLIUS_SOAK=1.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== gofmt"
unformatted=$(gofmt -l cmd internal bench 2>/dev/null || true)
if [ -n "$unformatted" ]; then
	echo "gofmt needed on:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== go test"
go test -timeout 20m -count=1 ./...

echo "== browser end-to-end"
bash e2e/run.sh
