#!/usr/bin/env bash
# Pins the dumper to one Kubernetes release and runs it.
#
#   tools/registry-dump/pin.sh v1.37.2 [OUT]
#
# Rewrites go.mod so that k8s.io/kubernetes is required at VERSION and every staging module that
# VERSION's own go.mod replaces with ./staging/... (k8s.io/api, k8s.io/apiserver, ...) is replaced by
# the same module at v0.Y.Z (the tag published with the release), runs `go mod tidy`, then
# `go run . VERSION` and writes its JSON to OUT (default: stdout). The staging module list is read
# with `go mod edit -json` from VERSION's go.mod (module metadata, not gate facts). Works on a
# copy of this directory so the committed go.mod stays as it is.
set -euo pipefail
version=${1:?usage: pin.sh vX.Y.Z[-pre] [out]}
out=${2:-}
case "$version" in v1.*) ;; *) echo "pin.sh: version must look like v1.Y.Z, got $version" >&2; exit 2;; esac
staging="v0.${version#v1.}"
here="$(cd "$(dirname "$0")" && pwd)"
export GOFLAGS=-mod=mod
work="${REGISTRY_DUMP_WORK:-$(mktemp -d)}"; mkdir -p "$work"
[ -n "${REGISTRY_DUMP_WORK:-}" ] || trap 'rm -rf "$work"' EXIT
cp "$here"/*.go "$work/"
rm -rf "$work/internal"; cp -r "$here/internal" "$work/"
cd "$work"
cat > go.mod <<MOD
module gatecheck.dev/registry-dump

go $(go env GOVERSION | sed 's/^go//')

require k8s.io/kubernetes $version
MOD
# (`go mod download` fails when the release needs a newer Go than this one, but still names its
# go.mod, which says which Go it needs.)
gomod="$( (go mod download -json "k8s.io/kubernetes@$version" || true) | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')"
[ -n "$gomod" ] || { echo "pin.sh: k8s.io/kubernetes@$version is not served" >&2; exit 1; }
meta="$(go mod edit -json "$gomod" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d.get("Go", ""))
for r in d.get("Replace") or []:
    if r["New"]["Path"].startswith("./staging/"):
        print(r["Old"]["Path"])
')"
needs_go="$(echo "$meta" | head -1)"
modules="$(echo "$meta" | tail -n +2)"
# A release that needs a newer Go than the local one is built with that Go (the go command
# fetches the toolchain as a module).
if [ -n "$needs_go" ] && [ "$(printf '%s\n%s\n' "$needs_go" "$(go env GOVERSION | sed 's/^go//')" | sort -V | tail -1)" != "$(go env GOVERSION | sed 's/^go//')" ]; then
  export GOTOOLCHAIN="go$needs_go"
  echo "pin.sh: $version needs go $needs_go: GOTOOLCHAIN=$GOTOOLCHAIN" >&2
  go mod edit -go="$needs_go"
fi
if [ -z "$modules" ] && ! grep -q '^require' "$gomod"; then
  # Before 1.15 k8s.io/kubernetes has no go.mod of its own and its staging modules were not
  # published for the release: their code is inside the release's own module, under
  # staging/src/k8s.io/. Each is copied beside this go.mod with a go.mod naming it and used
  # through a directory replace, so the code built is the release's own. (Third-party modules
  # that code imports, such as pflag and klog, are resolved by the go command; they carry no
  # gate facts.)
  go mod download "k8s.io/kubernetes@$version"
  dir="$(go list -m -f '{{.Dir}}' "k8s.io/kubernetes@$version" 2>/dev/null || true)"
  [ -n "$dir" ] || dir="$(go env GOMODCACHE)/k8s.io/kubernetes@$version"
  [ -d "$dir/staging/src/k8s.io" ] || { echo "pin.sh: $version has neither a go.mod nor staging/src/k8s.io" >&2; exit 1; }
  mkdir -p staging
  for d in "$dir"/staging/src/k8s.io/*/; do
    m="k8s.io/$(basename "$d")"
    cp -r "$d" "staging/$(basename "$d")"; chmod -R u+w "staging/$(basename "$d")"
    printf 'module %s\n' "$m" > "staging/$(basename "$d")/go.mod"
    go mod edit -replace "$m=./staging/$(basename "$d")" -require "$m@v0.0.0"
    modules="$modules $m"
  done
  echo "pin.sh: $version has no go.mod: its staging modules are taken from its own staging/src/k8s.io" >&2
else
  for m in $modules; do
    go mod edit -replace "$m=$m@$staging"
  done
fi
# The optional packages (and functions) this release has: each optional_*.go file is built only
# where its function exists (checked with `go doc`, which resolves the API, not gate facts).
tags=""
# (Only in a staging module of this release: the go command would otherwise resolve a module the
# release does not have at its latest version.)
have() {
  case " $(echo $modules) " in *" $(echo "$1" | cut -d/ -f1-2) "*) ;; *) return 1;; esac
  go doc "$1" "$2" >/dev/null 2>&1
}
# (tidy considers every build tag, so -e: an optional package a release lacks is not an error.)
# A module the proxy refuses (403: "not available", e.g. the dead vanity host vbom.ml) that only
# the module graph names (older releases' go.mod files, which are not pruned) is replaced by an
# empty local module: that satisfies the graph, and a package really built from it would fail
# to compile, so nothing is silently substituted. Each is said on stderr.
for _ in $(seq 1 20); do
  ok=0; go mod tidy -e > tidy.log 2>&1 || ok=$?
  # (Only module files (.mod) the graph needs; a refused .zip is a package that cannot be loaded,
  # which matters only if the build needs it: an optional package then stays off.)
  refused="$(grep -oE '[^ 	]+@v[^ :]+: reading https?://[^ ]+\.(mod|info): 403' tidy.log | sed 's/: reading.*//' | sort -u || true)"
  grep -oE '[^ 	]+@v[^ :]+: reading https?://[^ ]+\.zip: 403' tidy.log | sed 's/: reading.*/: the proxy refuses its zip/' | sort -u | sed 's/^/pin.sh: /' >&2 || true
  if [ -z "$refused" ]; then
    [ "$ok" = 0 ] || { cat tidy.log >&2; exit 1; }
    break
  fi
  for mv in $refused; do
    m="${mv%@*}"
    case "$m" in k8s.io/*) echo "pin.sh: the proxy refuses $mv, a Kubernetes module $version needs" >&2; cat tidy.log >&2; exit 1;; esac
    echo "pin.sh: the proxy refuses $mv, which only the module graph needs: replaced by an empty module" >&2
    mkdir -p "stub/$m"; echo "module $m" > "stub/$m/go.mod"
    go mod edit -replace "$mv=./stub/$m"
  done
done
# Where the shared gate and its types live: component-base's versioned gate (1.31 on), its
# plain gate (1.16-1.30), or k8s.io/apiserver/pkg/util/feature's (1.14-1.15 with
# DefaultMutableFeatureGate, 1.10-1.13 with DefaultFeatureGate only).
shared_doc="$(go doc k8s.io/apiserver/pkg/util/feature 2>/dev/null || true)"
case "$shared_doc" in
  *"DefaultMutableFeatureGate featuregate.MutableVersionedFeatureGate"*) tags="$tags,rd_versioned";;
  *"DefaultMutableFeatureGate featuregate.MutableFeatureGate"*) ;;
  *"DefaultMutableFeatureGate MutableFeatureGate"*) tags="$tags,rd_gate14";;
  *"DefaultFeatureGate FeatureGate"*) tags="$tags,rd_gate10";;
  *) echo "pin.sh: cannot tell where $version's shared feature gate lives" >&2; exit 1;;
esac
have k8s.io/component-base/logs/api/v1 AddFeatureGates && tags="$tags,rd_logs"
have k8s.io/component-base/metrics/features AddFeatureGates && tags="$tags,rd_metrics"
have k8s.io/component-base/zpages/features AddFeatureGates && tags="$tags,rd_zpages"
have k8s.io/controller-manager/pkg/features SetupCurrentKubernetesSpecificFeatureGates && tags="$tags,rd_ccm"
have k8s.io/client-go/features AddFeaturesToExistingFeatureGates && tags="$tags,rd_clientgo"
tags="${tags#,}"
echo "pin.sh: $version with build tags: ${tags:-none}" >&2
go run -tags "$tags" . "$version" $modules > dump.json
if [ -n "$out" ]; then cp dump.json "$out"; else cat dump.json; fi
