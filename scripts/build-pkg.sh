#!/usr/bin/env bash
# Builds the npm package in pkg/: the engine for wasm32, the wasm-bindgen glue
# (--target web: browsers, bundlers and Node), then wasm-opt -Oz. Offline except for
# the package registries: installs the wasm32 target, the wasm-bindgen CLI of exactly
# the crate's wasm-bindgen version and the npm `binaryen` package when missing.
#
#   scripts/build-pkg.sh              build pkg/wasm/ (default features: with JSONata)
#   scripts/build-pkg.sh --sizes      also build without JSONata and print both sizes
#                                     and twiggy's top contributors (installs twiggy)
#   scripts/build-pkg.sh --no-jsonata build pkg/wasm/ without the JSONata feature
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

sizes=false
features=()
for arg in "$@"; do
  case "$arg" in
    --sizes) sizes=true ;;
    --no-jsonata) features=(--no-default-features) ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
  rustup target add wasm32-unknown-unknown
fi
want=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)
if [ -z "$want" ]; then
  echo "Cargo.toml does not pin wasm-bindgen (wasm-bindgen = \"=X.Y.Z\")" >&2
  exit 1
fi
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "installing wasm-bindgen-cli $want (found: ${have:-none}); takes a few minutes"
  cargo install wasm-bindgen-cli --version "$want"
fi
tools=scripts/npm-tools
if [ ! -x "$tools/node_modules/.bin/wasm-opt" ]; then
  (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error)
fi
wasm_opt=$root/$tools/node_modules/.bin/wasm-opt
wasm-bindgen --version
"$wasm_opt" --version

# wasm features rustc enables for wasm32-unknown-unknown; wasm-opt must accept them.
opt_flags=(-Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)

# build OUT_DIR [cargo flags...]: the package's wasm and glue into OUT_DIR.
build() {
  local out=$1
  shift
  # `|| return 1` on each step: callers test this function, which turns off `set -e`.
  cargo build --release --locked --target wasm32-unknown-unknown --lib "$@" || return 1
  rm -rf "$out"
  wasm-bindgen --target web --out-dir "$out" --out-name statelab \
    target/wasm32-unknown-unknown/release/statelab.wasm || return 1
  "$wasm_opt" "${opt_flags[@]}" "$out/statelab_bg.wasm" -o "$out/statelab_bg.wasm" || return 1
  # Lets the wrapper replace an instance that an engine bug trapped (pkg/lib/engine.js).
  cat >>"$out/statelab.js" <<'EOF'

/** statelab: forget the current instance so that `initSync` creates a fresh one. */
export function __statelab_forget_instance() {
    wasm = undefined;
}
EOF
}

report() {
  local label=$1 file=$2
  local raw gz
  raw=$(wc -c <"$file")
  gz=$(gzip -9 -c "$file" | wc -c)
  awk -v l="$label" -v r="$raw" -v g="$gz" 'BEGIN { printf "%-26s %9d bytes raw (%.0f KB) %9d bytes gzipped (%.0f KB)\n", l, r, r / 1024, g, g / 1024 }'
}

step "cargo build --release --target wasm32-unknown-unknown ${features[*]:-}"
build pkg/wasm "${features[@]}"
report "pkg/wasm/statelab_bg.wasm" pkg/wasm/statelab_bg.wasm

if $sizes; then
  step "sizes: with and without JSONata"
  variants=target/pkg-sizes
  mkdir -p "$variants"
  if ! command -v twiggy >/dev/null; then
    cargo install twiggy
  fi
  built=()
  for v in jsonata no-jsonata; do
    flags=()
    [ "$v" = no-jsonata ] && flags=(--no-default-features)
    # Each variant: the shipped file (optimized, stripped) and a copy with its name
    # section for twiggy.
    if ! build "$variants/$v" "${flags[@]}"; then
      echo "the $v variant does not build: no size for it"
      continue
    fi
    wasm-bindgen --target web --keep-debug --out-dir "$variants/$v-named" --out-name statelab \
      target/wasm32-unknown-unknown/release/statelab.wasm
    "$wasm_opt" "${opt_flags[@]}" --debuginfo "$variants/$v-named/statelab_bg.wasm" \
      -o "$variants/$v-named/statelab_bg.wasm"
    built+=("$v")
  done
  for v in "${built[@]}"; do
    step "twiggy top ($v; the name section is not in the shipped file)"
    twiggy top -n 20 "$variants/$v-named/statelab_bg.wasm"
  done
  step "sizes of the shipped file"
  for v in "${built[@]}"; do
    report "$v" "$variants/$v/statelab_bg.wasm"
  done
  # pkg/wasm stays the default build (made above, before the variants).
fi

step "pkg/ is ready"
ls -l pkg/wasm
