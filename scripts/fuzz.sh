#!/usr/bin/env bash
# Fuzzes every parser of untrusted bytes (fuzz/, cargo-fuzz with libFuzzer, stable toolchain, no
# sanitizer). Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]
#   scripts/fuzz.sh          10 s each: the short run in the test command
#   scripts/fuzz.sh 600      the long run (10 min each) before a release; see fuzz/README.md
# Seeds come from spec/vectors (fuzz/seeds.py); fuzz/regressions/<target>/ holds what the fuzzers
# found once and is replayed by every run. A crash, a hang (10 s) or more than 2 GB memory fails.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

SECONDS_EACH="${1:-10}"
shift || true
CARGO_FUZZ_VERSION=0.13.2
if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  cargo install cargo-fuzz --locked --quiet --version "$CARGO_FUZZ_VERSION"
fi
python3 fuzz/seeds.py >/dev/null

FUZZ_TARGET_DIR="$CARGO_TARGET_DIR/fuzz"
CORPUS="$CARGO_TARGET_DIR/fuzz-corpus"
cd fuzz
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || mapfile -t TARGETS < <(cargo fuzz list)
# One build for every target (release, with coverage instrumentation and debug assertions).
cargo fuzz build -s none --target-dir "$FUZZ_TARGET_DIR"
summary=()
for t in "${TARGETS[@]}"; do
  mkdir -p "$CORPUS/$t" "artifacts/$t" "regressions/$t"
  log="$FUZZ_TARGET_DIR/$t.log"
  if ! cargo fuzz run -s none --target-dir "$FUZZ_TARGET_DIR" "$t" "$CORPUS/$t" "seeds/$t" "regressions/$t" -- \
      -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="artifacts/$t/" -print_final_stats=1 >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz target $t FAILED: the input is in fuzz/artifacts/$t/; fix it, then keep it in fuzz/regressions/$t/" >&2
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  summary+=("$t: $runs runs in ${SECONDS_EACH} s")
done
printf '%s\n' "${summary[@]}"
