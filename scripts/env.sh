# Shared environment for the project's scripts (sourced, not run).
# Builds go to a folder outside the clone so repeated runs on one machine reuse them. The folder is
# per checkout, and must stay so: cargo decides that an artifact is fresh by comparing the
# modification times of its sources with the last build, not their contents. With one folder for
# two checkouts, a build in checkout B reuses what checkout A built last whenever B's differing
# files are older than that build (e.g. A edited and built after both were checked out), so B
# would silently run A's code. (Test binaries no longer bake in their checkout's path: they read
# `CARGO_MANIFEST_DIR` at run time, so a reused test binary would at least find the right files.)
checkout_key="$(pwd -P | sha256sum | cut -c1-12)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rugzak/target-$checkout_key}"
export RUGZAK_VENV="${RUGZAK_VENV:-$HOME/.cache/rugzak/venv}"
export PATH="$RUGZAK_VENV/bin:$PATH"

# Debian's Chromium for the browser tests and the web benchmark, installed when missing.
ensure_chromium() {
  if ! command -v chromium >/dev/null; then
    apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  fi
}
