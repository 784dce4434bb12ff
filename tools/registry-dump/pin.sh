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
for m in $modules; do
  go mod edit -replace "$m=$m@$staging"
done
# The optional packages (and functions) this release has: each optional_*.go file is built only
# where its function exists (checked with `go doc`, which resolves the API, not gate facts).
tags=""
have() { go doc "$1" "$2" >/dev/null 2>&1; }
# (tidy considers every build tag, so -e: an optional package a release lacks is not an error.)
# A module the proxy refuses (403: "not available", e.g. the dead vanity host vbom.ml) that only
# the module graph names (older releases' go.mod files, which are not pruned) is replaced by an
# empty local module: that satisfies the graph, and a package really built from it would fail
# to compile, so nothing is silently substituted. Each is said on stderr.
for _ in $(seq 1 20); do
  go mod tidy -e > tidy.log 2>&1 && break
  refused="$(grep -oE '[^ 	]+@v[^ :]+: reading https?://[^ ]+: 403' tidy.log | sed 's/: reading.*//' | sort -u || true)"
  [ -n "$refused" ] || { cat tidy.log >&2; exit 1; }
  for mv in $refused; do
    m="${mv%@*}"
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
