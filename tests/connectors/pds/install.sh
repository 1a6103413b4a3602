#!/usr/bin/env bash
# Installs the local Bluesky PDS used by tests/connectors/test_bluesky_pds.py, outside the repository.
# Needs Node 20 and npm (with access to the npm registry). About a minute and 230 MB.
#   ELSHI_PDS_DIR  where to install (default: ~/.cache/elshi/pds); the test reads the same variable.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${ELSHI_PDS_DIR:-$HOME/.cache/elshi/pds}"
mkdir -p "$dir"
cp "$here/package.json" "$here/package-lock.json" "$dir/"
cd "$dir"
if [ -f node_modules/.package-lock.json ] && cmp -s package-lock.json node_modules/.elshi-lock; then
  echo "PDS packages already installed in $dir"
  exit 0
fi
npm ci --no-audit --no-fund
cp package-lock.json node_modules/.elshi-lock
echo "PDS packages installed in $dir"
