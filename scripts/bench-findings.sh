#!/usr/bin/env bash
# The first-adoption measurement of docs/performance.md (issue 17): N component configurations
# (default 10,000, written by tests/monorepo.rs with GATECHECK_CONFIGS_ONLY: kubelet configs,
# static Pods, kubeadm and kind configs, 16 gate settings each, all of them findings at 1.33),
# read on one core by a bare parse with gatecheck's YAML reader, by gatecheck in JSON and human
# output, and by yamllint on a sample (its time scaled to N); peak memory with GNU time.
# Needs hyperfine and time (apt-get install hyperfine time), and yamllint (pip install yamllint).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
SAMPLE=${2:-500}
dir="$PWD/target/configs"
cargo build --release -q
cargo build --release -q -p gatecheck-yaml --example parse_files
if [ ! -f "$dir/.files-$N" ]; then
  rm -rf "$dir" && mkdir -p "$dir"
  GATECHECK_MONOREPO_DIR="$dir" GATECHECK_MONOREPO_FILES="$N" GATECHECK_CONFIGS_ONLY=1 \
    cargo test -q --release --test monorepo -- --ignored --exact write_monorepo >/dev/null
  touch "$dir/.files-$N"
fi
gc="$PWD/target/release/gatecheck"
parse="$PWD/target/release/examples/parse_files"
one="taskset -c 0"
cd "$dir"
find clusters -type f -name '*.yaml' | sort | sed -n "1,${SAMPLE}p" > ../configs-sample.txt
# The file names are expanded by the shell hyperfine starts (too many for one argument).
hyperfine --warmup 1 --runs 5 -i --export-markdown ../bench-findings.md \
  "$one $parse clusters/*/*.yaml clusters/*/*/*.yaml" \
  "$one $gc --target 1.33 --format json ." \
  "$one $gc --target 1.33 ." \
  "$one $gc --target 1.33 --format sarif ."
if command -v yamllint >/dev/null; then
  hyperfine --runs 1 -i "$one xargs yamllint -d relaxed < ../configs-sample.txt" \
    --export-markdown ../bench-findings-yamllint.md
  echo "(yamllint on $SAMPLE of $N files: scale by $((N / SAMPLE)))"
fi
for fmt in json human; do
  /usr/bin/time -o /tmp/gc-time.txt -f "%M" $one "$gc" --target 1.33 --format $fmt . >/dev/null 2>&1 || true
  echo "peak RSS ($fmt, $N files): $(tail -1 /tmp/gc-time.txt) KiB"
done
"$gc" --target 1.33 --format json . 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print("findings", len(d["findings"]))' || true
