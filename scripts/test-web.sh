#!/usr/bin/env bash
# The web app's browser tests: builds the app and the server, installs Debian's Chromium when it
# is missing, and runs the Playwright tests (web/tests) against a real vault-server on localhost.
# Screenshots go to web/test-artifacts (or RUGZAK_WEB_ARTIFACTS).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

ensure_chromium
./scripts/build-web.sh
cargo build --locked -p vault-server
cargo build --locked -p tests --example fill_vault
export RUGZAK_SERVER_BIN="$CARGO_TARGET_DIR/debug/vault-server"
export RUGZAK_FILL_BIN="$CARGO_TARGET_DIR/debug/examples/fill_vault"
export CHROMIUM="$(command -v chromium)"
cd web && node --test --test-concurrency=1 tests/
