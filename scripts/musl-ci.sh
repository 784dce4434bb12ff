#!/usr/bin/env bash
# The Linux release build, for CI: the binary for x86_64-unknown-linux-musl (static, as the
# release archives carry it, with the program's own memcpy linked in: crates/cli/build.rs) must
# say of every fixture what the host's build says, byte for byte, in JSON and human output and
# as a fix. It needs the musl target and musl-tools; where they are missing it says so and does
# nothing (the release workflow builds it regardless).
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-unknown-linux-musl
if [ "$(uname -m)" != x86_64 ] || ! command -v musl-gcc >/dev/null 2>&1 \
  || ! rustup target list --installed 2>/dev/null | grep -q "^$target\$"; then
  echo "musl-ci: no $target target or musl-tools here: the release build was not checked"
  exit 0
fi
cargo build --release --quiet --locked --bin gatecheck --target "$target"
cargo build --quiet --locked --bin gatecheck
musl="target/$target/release/gatecheck"
host="target/debug/gatecheck"
runs=0
same() {
  a=$("$musl" "$@" 2>&1; echo "exit $?")
  b=$("$host" "$@" 2>&1; echo "exit $?")
  runs=$((runs + 1))
  if [ "$a" != "$b" ]; then
    echo "musl-ci: gatecheck $* differs between the musl and the host build"
    diff <(echo "$b") <(echo "$a") | head -20
    exit 1
  fi
}
# Output and exit codes both: each fixture directory at three targets in four forms, and every
# fixture on its own in JSON and as a fix.
for args in "--format json" "--format human" "--format sarif" "--diff --unsafe-fixes"; do
  for t in 1.29 1.33 1.37; do
    for dir in fixtures/*/; do
      # shellcheck disable=SC2086 # the arguments are words
      same --target "$t" $args "$dir"
    done
  done
done
for file in $(find fixtures -type f | sort); do
  same --target 1.33 --format json "$file"
  same --target 1.33 --diff --unsafe-fixes "$file"
done
echo "musl-ci: the static musl build agrees with the host build on $runs runs"
