# Shared environment for the project's scripts (sourced, not run).
# Builds go to a folder outside the clone so repeated runs on one machine reuse them.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rugzak/target}"
export RUGZAK_VENV="${RUGZAK_VENV:-$HOME/.cache/rugzak/venv}"
export PATH="$RUGZAK_VENV/bin:$PATH"
