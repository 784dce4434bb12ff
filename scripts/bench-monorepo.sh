#!/usr/bin/env bash
# The monorepo measurement of docs/performance.md (issue 17): a generated GitOps tree of N files
# (default 100,000; tests/monorepo.rs writes it: 1 in 100 a component config with 16 gate
# settings, 1 in 10 a Helm template, the rest manifests, values and kustomizations), read by
# gatecheck on both cores against `rg -l -i 'feature.?gates'` and `cat` over the same tree; peak
# memory with GNU time; and the files with findings that configure no component (must be none).
# Needs hyperfine, ripgrep and time (apt-get install hyperfine ripgrep time).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
dir="$PWD/target/monorepo"
cargo build --release -q
if [ ! -f "$dir/.files-$N" ]; then
  rm -rf "$dir" && mkdir -p "$dir"
  GATECHECK_MONOREPO_DIR="$dir" GATECHECK_MONOREPO_FILES="$N" \
    cargo test -q --release --test monorepo -- --ignored --exact write_monorepo >/dev/null
  touch "$dir/.files-$N"
fi
gc="$PWD/target/release/gatecheck"
cd "$dir"
hyperfine --warmup 1 --runs 5 -i --export-markdown "$dir/../bench-monorepo.md" \
  "rg -l -i 'feature.?gates' ." \
  "find . -type f -name '*.yaml' -exec cat {} + > /dev/null" \
  "$gc --target 1.33 --format json ." \
  "$gc --target 1.33 ."
/usr/bin/time -f 'peak memory, JSON: %M KiB' "$gc" --target 1.33 --format json . > "$dir/../monorepo.json" || true
python3 - "$dir/../monorepo.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
noisy = sorted({f["file"] for f in d["findings"] if "clusters/" not in f["file"]})
print(f"files {d['files']['checked']}, findings {len(d['findings'])}, files with findings that configure no component: {len(noisy)}")
PY
