# Shared environment for the project's scripts (sourced, not run).
# Builds go to a folder outside the clone so repeated runs on one machine reuse them. The folder is
# per checkout: test binaries bake in their checkout's path (`env!("CARGO_MANIFEST_DIR")`), and
# cargo would reuse a binary built from another checkout with identical sources.
checkout_key="$(pwd -P | sha256sum | cut -c1-12)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rugzak/target-$checkout_key}"
export RUGZAK_VENV="${RUGZAK_VENV:-$HOME/.cache/rugzak/venv}"
export PATH="$RUGZAK_VENV/bin:$PATH"
