#!/usr/bin/env bash
# Idempotent: a Python venv with DuckDB, the independent engine that runs
# docs/market.sql over `mm market analyse --parquet` output in the CLI's
# market_parquet test. The venv lives in target/ (gitignored); the test finds
# it there (or via MM_DUCKDB_PYTHON).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${MM_DUCKDB_VENV:-target/duckdb-venv}"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import duckdb" 2>/dev/null; then
  echo "duckdb venv ready: $venv"
  exit 0
fi
mkdir -p "$(dirname "$venv")"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check duckdb==1.4.2
"$venv/bin/python" -c "import duckdb"
echo "duckdb venv ready: $venv"
