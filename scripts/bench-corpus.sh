#!/usr/bin/env bash
# The whole-run measurements of docs/performance.md: gatecheck over a generated corpus in each
# output format, on one core and on all cores, against a bare parse of the same files with
# gatecheck's YAML reader and against yamllint; peak memory with GNU time.
# Needs hyperfine and time (apt-get install hyperfine time) and, for the comparison, yamllint
# (pip install yamllint).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
cargo build --release -q
cargo build --release -q -p gatecheck-yaml --example parse_files
scripts/gen-corpus.sh "$N" target/corpus
files=(target/corpus/*/*.yaml)
gc=target/release/gatecheck
parse=target/release/examples/parse_files
one="taskset -c 0"
hyperfine --warmup 1 --runs 5 -N -i \
  "$one $parse ${files[*]:0:1}" >/dev/null 2>&1 || true
hyperfine --warmup 1 --runs 10 -i --export-markdown target/bench-corpus.md \
  "$one $parse target/corpus/*/*.yaml" \
  "$one $gc --target 1.33 --format json target/corpus" \
  "$one $gc --target 1.33 target/corpus" \
  "$gc --target 1.33 --format json target/corpus" \
  "$gc --target 1.33 target/corpus" \
  "$gc --target 1.33 --format sarif target/corpus" \
  "$gc --target 1.33 --format github target/corpus" \
  "$gc --target 1.33 --format markdown target/corpus" \
  "$gc --target 1.33 --format junit target/corpus"
if command -v yamllint >/dev/null; then
  hyperfine --runs 1 -i "yamllint -d relaxed target/corpus" | tee -a target/bench-corpus.md
fi
cat target/bench-corpus.md
for fmt in json human sarif github markdown junit; do
  /usr/bin/time -o /tmp/gc-time.txt -f "%M" $gc --target 1.33 --format $fmt target/corpus >/dev/null 2>&1 || true
  echo "peak RSS ($fmt, $N files): $(tail -1 /tmp/gc-time.txt) KiB"
done
