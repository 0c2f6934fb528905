#!/usr/bin/env bash
# Installs the independent OBv3 verifiers (Python: pyld, PyJWT, jwcrypto,
# joserfc, jsonschema; Node: Digital Bazaar vc, jose, ajv) that the interop
# tests run on credentials our code issued. Idempotent: re-running only
# reinstalls what changed. Everything goes under target/ (gitignored).
#
#   scripts/setup-verifiers.sh            # uses $MM_SHARED_DIR or ../shared
#
# Layout (the verifier scripts find contexts at ../obv3 and their packages in
# ./node_modules, so they are copied next to their node_modules):
#   target/verifiers/.venv/                       python venv
#   target/verifiers/standards/verify/*.py|*.mjs  copies of shared/standards/verify
#   target/verifiers/standards/verify/node_modules
#   target/verifiers/standards/{obv3,jsonresume}  symlinks into shared/standards
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${MM_SHARED_DIR:-$(cd "$root/.." && pwd)/shared}"
src="$shared/standards/verify"
dest="${MM_VERIFIERS_DIR:-$root/target/verifiers}"
if [ ! -f "$src/requirements.txt" ]; then
  echo "setup-verifiers: $src not found (set MM_SHARED_DIR)" >&2
  exit 1
fi
mkdir -p "$dest/standards/verify"
ln -sfn "$shared/standards/obv3" "$dest/standards/obv3"
ln -sfn "$shared/standards/jsonresume" "$dest/standards/jsonresume"
for f in "$src"/*.py "$src"/*.mjs "$src/package.json" "$src/requirements.txt"; do
  install -m 0644 "$f" "$dest/standards/verify/"
done

stamp() { sha256sum "$1" | cut -d' ' -f1; }

# Python venv
if [ ! -x "$dest/.venv/bin/python" ]; then
  echo "setup-verifiers: creating venv"
  python3 -m venv "$dest/.venv"
fi
want="$(stamp "$src/requirements.txt")"
if [ "$(cat "$dest/.venv/.mm-requirements" 2>/dev/null)" != "$want" ]; then
  echo "setup-verifiers: pip install -r requirements.txt"
  "$dest/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$src/requirements.txt"
  echo "$want" > "$dest/.venv/.mm-requirements"
fi

# Node packages
want="$(stamp "$src/package.json")"
if [ "$(cat "$dest/standards/verify/node_modules/.mm-package" 2>/dev/null)" != "$want" ]; then
  echo "setup-verifiers: npm install"
  (cd "$dest/standards/verify" && npm install --no-audit --no-fund --silent)
  echo "$want" > "$dest/standards/verify/node_modules/.mm-package"
fi
echo "setup-verifiers: ready in $dest"
