#!/usr/bin/env bash
# Builds the playground if needed and runs its tests (www/test/*.test.mjs): node --test
# with playwright-core driving Debian's headless Chromium (installed here when missing and
# running as root) against www/serve.mjs on an OS-chosen port. Screenshots go to
# www/test-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "Node 20 or newer is needed (found $(node --version))" >&2
  exit 1
fi

if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  step "installing chromium"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

step "building the playground"
scripts/playground.sh --build-only

step "playground tests (www/test)"
cd www
node --test --test-concurrency=1 test/*.test.mjs
