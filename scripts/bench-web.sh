#!/usr/bin/env bash
# Measures the web app in Chromium: first load, and opening a rugzak of 10,000 notes
# (RUGZAK_BENCH_ITEMS, RUGZAK_BENCH_RUNS). Prints JSON; the figures are kept in web/README.md ("Performance").
# RUGZAK_BENCH_PROFILE=1 also prints where the time goes (CPU profile, a module with function names;
# rebuild with ./scripts/build-web.sh afterwards for the shipped one).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

ensure_chromium
[ "${RUGZAK_BENCH_PROFILE:-0}" = 1 ] && export RUGZAK_WEB_NAMES=1
./scripts/build-web.sh
cargo build --locked --release -p vault-server
cargo build --locked --release -p tests --example fill_vault
export RUGZAK_SERVER_BIN="$CARGO_TARGET_DIR/release/vault-server"
export RUGZAK_FILL_BIN="$CARGO_TARGET_DIR/release/examples/fill_vault"
export CHROMIUM="$(command -v chromium)"
cd web && node bench/open-10k.mjs
