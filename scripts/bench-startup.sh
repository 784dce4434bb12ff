#!/usr/bin/env bash
# Whole-process start-up of the release binary on a shipped fixture (gatecheck runs on every
# commit as a hook, so this is the number that matters). Needs hyperfine (apt-get install hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
hyperfine --warmup 5 -N \
  'target/release/gatecheck --target 1.33 fixtures/good/kubelet-config.yaml' \
  'target/release/gatecheck --target 1.33 fixtures/bad'
