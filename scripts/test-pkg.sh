#!/usr/bin/env bash
# Builds the npm package (scripts/build-pkg.sh) and runs its tests:
#   1. the Node tests of pkg/test/ (node --test), which import the built package as users do,
#      and a strict TypeScript check of the hand-written types (pkg/test/types);
#   2. the wasm tests (tests/wasm_*.rs) under wasm-bindgen-test in Node: the bindings, the
#      AWS-recorded conformance corpus (when ../shared is present) and the validation fixtures;
#   3. end to end: `npm pack` installed into a fresh project, the npm README's examples run
#      in Node and in a page served to headless Chromium (Debian's chromium, installed here
#      when missing and running as root).
# Installs what it needs from the package registries only.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "Node 20 or newer is needed (found $(node --version))" >&2
  exit 1
fi

scripts/build-pkg.sh

step "node tests (pkg/test)"
(cd pkg && node --test test/*.test.mjs)

step "types: tsc --strict over pkg/test/types/usage.ts"
if [ ! -x scripts/npm-tools/node_modules/.bin/tsc ]; then
  (cd scripts/npm-tools && npm ci --no-audit --no-fund --loglevel=error)
fi
scripts/npm-tools/node_modules/.bin/tsc -p pkg/test/types/tsconfig.json

step "wasm tests under wasm-bindgen-test (Node)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --locked --target wasm32-unknown-unknown --test wasm_bindings --test wasm_conformance

step "end to end: npm pack, README examples in Node and headless Chromium"
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -d scripts/npm-tools/node_modules/playwright-core ]; then
  (cd scripts/npm-tools && npm ci --no-audit --no-fund --loglevel=error)
fi
node --test pkg/test/e2e/package.e2e.mjs
