#!/usr/bin/env bash
# Builds the web app into web/dist, which vault-server serves at / (--web-dir web/dist):
# the Rust client core as WebAssembly (rugzak-web, profile `wasm`), its JavaScript glue from
# wasm-bindgen-cli at exactly the version in Cargo.lock (installed by cargo when missing), and
# the TypeScript app bundled by esbuild (npm ci). Needs nothing outside crates.io and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

rustup target add wasm32-unknown-unknown >/dev/null
version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)"
tools="$HOME/.cache/rugzak/tools"
if [ "$("$tools/bin/wasm-bindgen" --version 2>/dev/null | awk '{print $2}')" != "$version" ]; then
  echo "installing wasm-bindgen-cli $version (once)"
  # Not --locked: the tool's own lock file names a webpki-roots release (1.0.11) that the crates.io
  # index here does not hold; its version constraints still hold (only the tool, not our code).
  cargo install --quiet --root "$tools" wasm-bindgen-cli --version "$version"
fi

cargo build --locked --profile wasm --target wasm32-unknown-unknown -p rugzak-web
rm -rf web/dist
mkdir -p web/dist/pkg
# RUGZAK_WEB_NAMES=1 keeps the function names, for a profile (scripts/bench-web.sh with
# RUGZAK_BENCH_PROFILE=1); the shipped module leaves them out.
names="--remove-name-section"
[ "${RUGZAK_WEB_NAMES:-0}" = 1 ] && names=""
"$tools/bin/wasm-bindgen" --target web $names --remove-producers-section --out-dir web/dist/pkg \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm/rugzak_web.wasm"

(cd web && { [ -d node_modules/esbuild ] && [ node_modules -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; } \
  && npx tsc --noEmit -p app && npm run --silent build)
cp web/app/static/* web/dist/
echo "web app built in web/dist ($(gzip -9c web/dist/pkg/rugzak_web_bg.wasm | wc -c) bytes of gzipped WebAssembly)"
