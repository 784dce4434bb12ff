#!/usr/bin/env bash
# The first-adoption measurement of docs/performance.md (issue 17): N component configurations
# (default 10,000, written by tests/monorepo.rs with GATECHECK_CONFIGS_ONLY: kubelet configs,
# static Pods, kubeadm and kind configs, 16 gate settings each from a pool of 40, set true or
# false, almost every one a finding at 1.33; hardly two files alike),
# read on one core by a bare parse with gatecheck's YAML reader (which walks the directory and
# reads every file itself, as gatecheck does), by gatecheck in JSON, human and SARIF output, and by
# yamllint, with its default rules and with `relaxed`, on a sample (its time scaled to N); then
# gatecheck on all cores in every format against yamllint over all N files; peak memory with GNU
# time. The commands run without a shell (hyperfine -N), so no glob expansion is
# timed.
# Needs hyperfine and time (apt-get install hyperfine time), and yamllint (pip install yamllint).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
SAMPLE=${2:-500}
dir="$PWD/target/configs"
cargo build --release -q
cargo build --release -q -p gatecheck-yaml --example parse_files
# The marker names the generator: configurations of varied gates and values since 2026-12-05.
if [ ! -f "$dir/.files-$N-varied" ]; then
  rm -rf "$dir" && mkdir -p "$dir"
  GATECHECK_MONOREPO_DIR="$dir" GATECHECK_MONOREPO_FILES="$N" GATECHECK_CONFIGS_ONLY=1 \
    cargo test -q --release --test monorepo -- --ignored --exact write_monorepo >/dev/null
  touch "$dir/.files-$N-varied"
fi
gc="$PWD/target/release/gatecheck"
parse="$PWD/target/release/examples/parse_files"
one="taskset -c 0"
cd "$dir"
find clusters -type f -name '*.yaml' | sort | sed -n "1,${SAMPLE}p" > ../configs-sample.txt
hyperfine -N --warmup 1 --runs 8 -i --output=null --export-markdown ../bench-findings.md \
  "$one $parse ." \
  "$one $gc --target 1.33 --format json ." \
  "$one $gc --target 1.33 ." \
  "$one $gc --target 1.33 --format sarif ."
if command -v yamllint >/dev/null; then
  # The sample's names are passed as arguments (xargs would split them over several runs).
  mapfile -t sample < ../configs-sample.txt
  hyperfine -N --runs 2 -i --output=null --export-markdown ../bench-findings-yamllint.md \
    -n "yamllint, $SAMPLE files" "$one yamllint ${sample[*]}" \
    -n "yamllint -d relaxed, $SAMPLE files" "$one yamllint -d relaxed ${sample[*]}"
  echo "(yamllint on $SAMPLE of $N files: scale by $((N / SAMPLE)))"
fi
# Against yamllint in every format: gatecheck on all cores, yamllint over every file (it has
# no parallel mode) once before and once after, unless YAMLLINT_FULL=0.
hyperfine -N --warmup 1 --runs 8 -i --output=null --export-markdown ../bench-findings-all-cores.md \
  "$gc --target 1.33 --format json ." \
  "$gc --target 1.33 ." \
  "$gc --target 1.33 --format sarif ." \
  "$gc --target 1.33 --format github ." \
  "$gc --target 1.33 --format gitlab ." \
  "$gc --target 1.33 --format junit ." \
  "$gc --target 1.33 --format markdown ."
if command -v yamllint >/dev/null && [ "${YAMLLINT_FULL:-1}" != 0 ]; then
  hyperfine -N --runs 2 -i --output=null --export-markdown ../bench-findings-yamllint-full.md \
    -n "yamllint, all $N files" "yamllint ."
fi
for fmt in json human; do
  /usr/bin/time -o /tmp/gc-time.txt -f "%M" $one "$gc" --target 1.33 --format $fmt . >/dev/null 2>&1 || true
  echo "peak RSS ($fmt, $N files): $(tail -1 /tmp/gc-time.txt) KiB"
done
"$gc" --target 1.33 --format json . 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print("findings", len(d["findings"]))' || true
