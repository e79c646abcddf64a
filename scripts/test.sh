#!/usr/bin/env bash
# Runs every test of Rugzak on a fresh machine: installs what it needs, then checks format, lints,
# the wasm32 build of the sans-IO crates, the whole test suite (unit, vectors, integration, end to end),
# and the web app in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

# Each step prints the minutes since the start, so a slow cold run shows where its time went.
step() { printf '\n== %s (at %d min %02d s) ==\n' "$*" $((SECONDS / 60)) $((SECONDS % 60)); }

step "disk: free space where builds go (a full disk fails builds with os error 28)"
mkdir -p "$HOME/.cache/rugzak" && df -h "$HOME/.cache/rugzak" .

step "system packages: OpenSSL headers for webauthn-rs"
if ! pkg-config --exists openssl 2>/dev/null; then
  apt-get update -qq && apt-get install -y -qq libssl-dev pkg-config
fi

step "toolchain: rustfmt, clippy, wasm32 target"
rustup component add rustfmt clippy >/dev/null
rustup target add wasm32-unknown-unknown >/dev/null

step "python: FHIR validator for the questionnaire tests"
python3 -m venv "$RUGZAK_VENV" >/dev/null
"$RUGZAK_VENV/bin/pip" install --quiet --disable-pip-version-check -r scripts/requirements-test.txt

step "rage: the stock age CLI that must open our exports"
command -v rage >/dev/null || cargo install rage --locked --quiet

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "supply chain: cargo deny (licences, duplicate crates, sources, advisories from a local copy)"
./scripts/deny.sh

step "cargo test"
cargo test --workspace --locked

# The web app's build compiles the sans-IO crates (crypto, questionnaires, the client core, the
# texts) for wasm32 through rugzak-web, so they are proven to build there too.
step "web app: WebAssembly build, size, and the journey in Chromium (Playwright)"
./scripts/test-web.sh

step "release behaviour: the test-only knobs are compiled out without debug assertions"
cargo test --locked -p rugzak-cli --lib --config 'profile.dev.package.rugzak-cli.debug-assertions=false' release_build
cargo test --locked -p vault-server --bin vault-server --config 'profile.dev.package.vault-server.debug-assertions=false' only_in_debug
step "fuzzing: every parser of untrusted bytes, 10 s a target (the long run: scripts/fuzz.sh 600)"
./scripts/fuzz.sh 10
step "done"
