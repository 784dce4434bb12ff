#!/usr/bin/env bash
# Hostile inputs up to the 16 MiB limit, generated here (never committed): each is run through the
# release binary on one core in human and JSON output, and the wall time, peak memory and exit code
# are printed as a Markdown table. The target (issue 9, docs/performance.md): every input finishes
# in under 2 s on one core, without a panic (exit 101) or a hang. Needs GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
bin="$PWD/target/release/gatecheck"
dir="${TMPDIR:-/tmp}/gatecheck-hostile"
rm -rf "$dir" && mkdir -p "$dir"

# The inputs are the ones tests/hostile.rs runs in CI at 2 MiB, written here at the full size.
GATECHECK_HOSTILE_DIR="$dir" cargo test -q --test hostile -- --ignored --exact write_inputs >/dev/null

printf '| Input | Size | Human: time, peak memory, exit | JSON: time, peak memory, exit |\n|---|---|---|---|\n'
for f in "$dir"/*; do
  row="| $(basename "$f") | $(( $(stat -c %s "$f") / 1024 )) KiB |"
  for fmt in human json; do
    set +e
    /usr/bin/time -f '%e %M' -o "$dir.time" timeout 60 taskset -c 0 "$bin" --target 1.33 --format "$fmt" "$f" >/dev/null 2>&1
    rc=$?
    set -e
    read -r secs kb < <(tail -n 1 "$dir.time") || true
    [ "$rc" = 124 ] && secs="timeout (60 s)"
    row="$row ${secs} s, $(( ${kb:-0} / 1024 )) MiB, exit $rc |"
  done
  echo "$row"
done
[ -n "${KEEP:-}" ] || rm -rf "$dir" "$dir.time"
