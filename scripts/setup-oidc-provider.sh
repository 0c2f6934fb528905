#!/usr/bin/env bash
# Installs the OpenID provider the team server's single sign-on test starts:
# panva's oidc-provider (OpenID Certified) from the npm registry, pinned by
# crates/server/tests/oidc/package-lock.json, with the test's provider script
# beside it. Idempotent: re-running installs only when the lock changed.
# Everything goes under target/ (gitignored) unless MM_OIDC_PROVIDER_DIR says.
#
#   scripts/setup-oidc-provider.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/crates/server/tests/oidc"
dest="${MM_OIDC_PROVIDER_DIR:-$root/target/oidc-provider}"
mkdir -p "$dest"
for f in package.json package-lock.json provider.mjs; do
  install -m 0644 "$src/$f" "$dest/"
done
want="$(sha256sum "$src/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$dest/node_modules/.mm-lock" 2>/dev/null)" != "$want" ]; then
  echo "setup-oidc-provider: npm ci"
  (cd "$dest" && npm ci --no-audit --no-fund --silent)
  echo "$want" > "$dest/node_modules/.mm-lock"
fi
echo "setup-oidc-provider: ready in $dest"
