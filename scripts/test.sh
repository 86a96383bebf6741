#!/usr/bin/env bash
# Runs every check and test: formatting, clippy on the host and on wasm32, the native
# test suite (engine, CLI, conformance corpus when ../shared is present, fuzz
# regressions), the npm package and the playground's browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
cargo --version
if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  rustup target add wasm32-unknown-unknown
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (host)"
cargo clippy --all-targets --locked -- -D warnings

step "cargo clippy (wasm32)"
cargo clippy --lib --target wasm32-unknown-unknown --locked -- -D warnings

step "cargo clippy (without the jsonata feature)"
cargo clippy --lib --no-default-features --locked -- -D warnings

step "cargo test"
cargo test --locked

step "npm package: build, Node tests, wasm tests, npm pack end to end (scripts/test-pkg.sh)"
scripts/test-pkg.sh

step "playground: build, browser tests in headless Chromium (scripts/test-www.sh)"
scripts/test-www.sh
