#!/bin/sh
# Installs a released gatecheck binary, verified against its SHA-256 checksum:
#
#   curl -fsSL https://github.com/gatecheck-k8s/gatecheck/releases/latest/download/install.sh | sh
#   sh install.sh [--version 0.2.0] [--to DIR] [--target TRIPLE] [--print-target]
#
# It picks the archive for this machine (Linux x86_64/aarch64: the static musl build; macOS
# x86_64/arm64; Windows x86_64 under Git Bash, MSYS2 or Cygwin), downloads it and its .sha256
# from the release, refuses it unless the checksum matches, and copies the binary to DIR
# (default: $GATECHECK_INSTALL_DIR, else ~/.local/bin). Nothing is installed on any failure.
#
# Environment (the options win over it):
#   GATECHECK_VERSION       the release to install, with or without the v (default: the latest)
#   GATECHECK_INSTALL_DIR   where to put the binary
#   GATECHECK_TARGET        the target triple, instead of detecting it
#   GATECHECK_RELEASES_URL  where releases are (default below): the archive of version V is
#                           fetched from $GATECHECK_RELEASES_URL/download/vV/, and the latest
#                           version is read from $GATECHECK_RELEASES_URL/latest/download/VERSION
#                           (a file every release carries). A mirror, or a local server in tests.
#
# POSIX sh; needs curl or wget, tar (unzip or tar for Windows' .zip), and sha256sum, shasum or
# openssl.
set -eu

releases=${GATECHECK_RELEASES_URL:-https://github.com/gatecheck-k8s/gatecheck/releases}
version=${GATECHECK_VERSION:-}
dir=${GATECHECK_INSTALL_DIR:-}
target=${GATECHECK_TARGET:-}
print_target=

say() { printf 'install.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || die "--version needs a value"; version=$2; shift 2 ;;
    --to) [ $# -ge 2 ] || die "--to needs a value"; dir=$2; shift 2 ;;
    --target) [ $# -ge 2 ] || die "--target needs a value"; target=$2; shift 2 ;;
    --print-target) print_target=1; shift ;;
    -h | --help) sed -n '2,23p' "$0" 2>/dev/null | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac
done

detect_target() {
  os=$(uname -s)
  arch=$(uname -m)
  case "$arch" in
    x86_64 | amd64 | AMD64) arch=x86_64 ;;
    aarch64 | arm64 | ARM64) arch=aarch64 ;;
    *) die "no release is built for the $arch processor: build from source with cargo install" ;;
  esac
  case "$os" in
    Linux) echo "$arch-unknown-linux-musl" ;;
    Darwin) echo "$arch-apple-darwin" ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT)
      [ "$arch" = x86_64 ] || die "no release is built for Windows on $arch"
      echo "x86_64-pc-windows-msvc" ;;
    *) die "no release is built for $os: build from source with cargo install" ;;
  esac
}

[ -n "$target" ] || target=$(detect_target)
case "$target" in
  *[!A-Za-z0-9_.-]*) die "not a target triple: $target" ;;
esac
if [ -n "$print_target" ]; then
  echo "$target"
  exit 0
fi

# fetch URL FILE: downloads, failing on an HTTP error.
fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl --proto '=https,http' -fsSL --retry 3 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    die "needs curl or wget to download"
  fi
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  elif command -v openssl >/dev/null 2>&1; then
    openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
  else
    die "needs sha256sum, shasum or openssl to verify the download"
  fi
}

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t gatecheck)
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ -z "$version" ]; then
  fetch "$releases/latest/download/VERSION" "$tmp/VERSION" ||
    die "cannot find the latest release at $releases (set GATECHECK_VERSION)"
  version=$(tr -d ' \r\n' <"$tmp/VERSION")
fi
version=${version#v}
case "$version" in
  "" | *[!A-Za-z0-9.+-]*) die "not a version: $version" ;;
esac

name="gatecheck-$version-$target"
case "$target" in
  *windows*) archive="$name.zip"; exe=gatecheck.exe ;;
  *) archive="$name.tar.gz"; exe=gatecheck ;;
esac
url="$releases/download/v$version"

say "downloading $url/$archive"
fetch "$url/$archive" "$tmp/$archive" || die "cannot download $url/$archive"
fetch "$url/$archive.sha256" "$tmp/$archive.sha256" ||
  die "cannot download $url/$archive.sha256: not installing an unverified binary"

want=$(cut -d ' ' -f 1 <"$tmp/$archive.sha256" | tr -d '\r\n' | tr 'A-F' 'a-f')
got=$(sha256 "$tmp/$archive")
case "$want" in
  *[!0-9a-f]* | "") die "$archive.sha256 holds no SHA-256 checksum: not installing" ;;
esac
[ "${#want}" -eq 64 ] || die "$archive.sha256 holds no SHA-256 checksum: not installing"
if [ "$want" != "$got" ]; then
  die "checksum mismatch for $archive (expected $want, got $got): not installing"
fi
say "checksum verified ($got)"

mkdir "$tmp/x"
case "$archive" in
  *.zip)
    if command -v unzip >/dev/null 2>&1; then
      unzip -q "$tmp/$archive" -d "$tmp/x"
    else
      tar -xf "$tmp/$archive" -C "$tmp/x"
    fi
    ;;
  *) tar -xzf "$tmp/$archive" -C "$tmp/x" ;;
esac
[ -f "$tmp/x/$name/$exe" ] || die "$archive has no $name/$exe"

if [ -z "$dir" ]; then
  [ -n "${HOME:-}" ] || die "HOME is not set: pass --to DIR"
  dir="$HOME/.local/bin"
fi
mkdir -p "$dir"
# Copied next to its place and renamed over it: a running gatecheck is never half-written.
cp "$tmp/x/$name/$exe" "$dir/.$exe.new"
chmod 755 "$dir/.$exe.new"
mv -f "$dir/.$exe.new" "$dir/$exe"
say "installed gatecheck $version ($target) to $dir/$exe"
case ":${PATH:-}:" in
  *":$dir:"*) ;;
  *) say "$dir is not on PATH: add it, or run $dir/$exe" ;;
esac
