#!/usr/bin/env bash
# Generates a corpus of N configuration files (default 10,000) under DIR (default
# target/corpus) for scripts/bench-corpus.sh: copies of the shipped fixtures (good, bad and real
# public files) in realistic proportions, each renamed and given a different comment line so no
# two files are identical. About one file in five has findings, as in a real GitOps repository.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
DIR=${2:-target/corpus}
rm -rf "$DIR"
mkdir -p "$DIR"
mapfile -t good < <(ls fixtures/good/*.yaml fixtures/real/*/*.yaml | grep -v -e templates -e kubezero)
mapfile -t bad < <(ls fixtures/bad/*.yaml | grep -v malformed)
for ((i = 0; i < N; i++)); do
  if ((i % 5 == 0)); then src=${bad[$((i / 5 % ${#bad[@]}))]}; else src=${good[$((i % ${#good[@]}))]}; fi
  sub="$DIR/d$((i / 500))"
  mkdir -p "$sub"
  { echo "# corpus file $i"; cat "$src"; } > "$sub/f$i.yaml"
done
echo "$N files in $DIR ($(du -sh "$DIR" | cut -f1))"
