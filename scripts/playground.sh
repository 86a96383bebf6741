#!/usr/bin/env bash
# The playground on a fresh clone: builds pkg/ when its engine is missing
# (scripts/build-pkg.sh), installs www/'s packages when needed (npm ci), builds the site
# (www/build.mjs) and serves it on 127.0.0.1 (www/serve.mjs; --port N or PORT, default
# 8080, a free port when taken).
#
#   scripts/playground.sh [--port N]     build and serve
#   scripts/playground.sh --build-only   build, do not serve
set -euo pipefail
cd "$(dirname "$0")/.."

serve=true
args=()
for arg in "$@"; do
  case "$arg" in
    --build-only) serve=false ;;
    *) args+=("$arg") ;;
  esac
done

if [ ! -f pkg/wasm/statelab_bg.wasm ]; then
  scripts/build-pkg.sh
fi
if [ ! -d www/node_modules/esbuild ] || [ www/package-lock.json -nt www/node_modules/.package-lock.json ]; then
  (cd www && npm ci --no-audit --no-fund --loglevel=error)
fi
(cd www && node build.mjs)
if $serve; then
  exec node www/serve.mjs "${args[@]}"
fi
