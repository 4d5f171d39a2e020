#!/usr/bin/env bash
# run.sh runs the browser end-to-end tests on a fresh machine: it installs
# Debian's chromium and the pinned playwright-core if missing, builds
# publius into a temporary directory and runs `node --test e2e/`.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"

if [ ! -x /usr/bin/chromium ]; then
	sudo=""
	if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
	$sudo apt-get update
	$sudo apt-get install -y chromium
fi

# Reinstall when any pinned package is missing (a checkout from before it was added).
need_install=""
for pkg in playwright-core masto megalodon; do
	[ -d "$root/e2e/node_modules/$pkg" ] || need_install=1
done
if [ -n "$need_install" ]; then
	(cd "$root/e2e" && npm ci --no-audit --no-fund)
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && go build -o "$tmp/publius" ./cmd/publius)

cd "$root"
PUBLIUS_BIN="$tmp/publius" node --test e2e/
