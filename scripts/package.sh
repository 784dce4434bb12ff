#!/usr/bin/env bash
# Packages a gatecheck binary for a release:
#
#   scripts/package.sh TARGET_TRIPLE BINARY OUTDIR
#
# writes OUTDIR/gatecheck-VERSION-TRIPLE.tar.gz (.zip for a Windows triple), holding one
# directory gatecheck-VERSION-TRIPLE/ with the binary (gatecheck, or gatecheck.exe), README.md,
# LICENSE-MIT and LICENSE-APACHE, and OUTDIR/gatecheck-VERSION-TRIPLE.tar.gz.sha256 in
# sha256sum's format ("HASH  NAME"). VERSION is the workspace version in Cargo.toml (or
# $GATECHECK_VERSION). Prints the archive's path.
#
# The release workflow runs it for every target; tests/packaging.rs runs it on the host build and
# installs the result with scripts/install.sh from a local server. Needs bash, tar and gzip, and
# for Windows zip, 7z or Python; sha256sum or shasum.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 TARGET_TRIPLE BINARY OUTDIR" >&2
  exit 2
fi
triple=$1
binary=$2
outdir=$3
root=$(cd "$(dirname "$0")/.." && pwd)

case "$triple" in
  *[!A-Za-z0-9_.-]* | "") echo "package.sh: not a target triple: $triple" >&2; exit 2 ;;
esac
if [ ! -f "$binary" ]; then
  echo "package.sh: no binary at $binary" >&2
  exit 2
fi

version=${GATECHECK_VERSION:-$(awk '
  /^\[workspace\.package\]/ { section = 1; next }
  /^\[/ { section = 0 }
  section && $1 == "version" { gsub(/"/, "", $3); print $3; exit }
' "$root/Cargo.toml")}
if [ -z "$version" ]; then
  echo "package.sh: no version in $root/Cargo.toml [workspace.package]" >&2
  exit 2
fi

name="gatecheck-$version-$triple"
case "$triple" in
  *windows*) exe=gatecheck.exe; archive="$name.zip" ;;
  *) exe=gatecheck; archive="$name.tar.gz" ;;
esac

mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$binary" "$stage/$name/$exe"
chmod 755 "$stage/$name/$exe"
for f in README.md LICENSE-MIT LICENSE-APACHE; do
  cp "$root/$f" "$stage/$name/$f"
  chmod 644 "$stage/$name/$f"
done

rm -f "$outdir/$archive" "$outdir/$archive.sha256"
case "$archive" in
  *.zip)
    if command -v zip >/dev/null 2>&1; then
      (cd "$stage" && zip -qr "$outdir/$archive" "$name")
    elif command -v 7z >/dev/null 2>&1; then
      (cd "$stage" && 7z a -tzip -bd "$outdir/$archive" "$name" >/dev/null)
    else
      python=$(command -v python3 || command -v python)
      (cd "$stage" && "$python" -m zipfile -c "$outdir/$archive" "$name")
    fi
    ;;
  *)
    # Owner and group are not the builder's.
    if tar --version 2>/dev/null | grep -q GNU; then
      (cd "$stage" && tar --owner=0 --group=0 --numeric-owner -czf "$outdir/$archive" "$name")
    else
      (cd "$stage" && tar -czf "$outdir/$archive" "$name")
    fi
    ;;
esac

if command -v sha256sum >/dev/null 2>&1; then
  (cd "$outdir" && sha256sum "$archive" >"$archive.sha256")
else
  (cd "$outdir" && shasum -a 256 "$archive" >"$archive.sha256")
fi
echo "$outdir/$archive"
