#!/usr/bin/env bash
# Installs the OpenID Provider (panva's oidc-provider) used by tests/foundation/test_sso_provider.py,
# outside the repository. Needs Node 20 and npm (with access to the npm registry). Seconds and ~5 MB.
#   ELSHI_OIDC_DIR  where to install (default: ~/.cache/elshi/oidc); the tests read the same variable.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${ELSHI_OIDC_DIR:-$HOME/.cache/elshi/oidc}"
mkdir -p "$dir"
cp "$here/package.json" "$here/package-lock.json" "$dir/"
cd "$dir"
if [ -f node_modules/.package-lock.json ] && cmp -s package-lock.json node_modules/.elshi-lock; then
  echo "OpenID Provider packages already installed in $dir"
  exit 0
fi
npm ci --no-audit --no-fund
cp package-lock.json node_modules/.elshi-lock
echo "OpenID Provider packages installed in $dir"
