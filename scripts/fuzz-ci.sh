#!/usr/bin/env bash
# A bounded fuzzing run of every cargo-fuzz target (fuzz/), for CI: each target starts from the
# shipped fixtures and runs FUZZ_SECONDS (default 20) with 64 KiB inputs and a 10 s limit per
# input, so a panic, a hang or a leaked control character fails CI. It needs a nightly toolchain
# (libFuzzer); where there is none it says so and does nothing. The long runs of the README's
# "Fuzzing" section are done by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "fuzz-ci: no nightly toolchain here: the fuzz targets were not run"
  exit 0
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install --locked --quiet cargo-fuzz
fi
seconds=${FUZZ_SECONDS:-20}
for target in lint_yaml lint_flags render; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  cp fixtures/*/*.yaml fixtures/*/*.env "$corpus/" 2>/dev/null || true
  log="target/fuzz-$target.log"
  mkdir -p target
  # A failure (a crash, or a target that does not build) shows its last lines, not only the stats.
  if ! (cd fuzz && cargo +nightly fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -print_final_stats=1) >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz-ci: $target failed (log: $log)"
    exit 1
  fi
  tail -n 3 "$log"
done
