#!/usr/bin/env bash
# Re-transcribes data/upstream/registries/ from the public repositories that vendor each
# Kubernetes release's features packages at a pinned version (facts only; no Go code is kept).
# Needs each repository's git history locally: MIRRORS=DIR holding OWNER+NAME/repo git dirs
# (for example, as the search tool's `fetch` lays them out). The importer reads the result:
# `cargo run -p gatecheck-import`.
set -euo pipefail
cd "$(dirname "$0")/.."
MIRRORS=${MIRRORS:-/work/.mirror}
cargo build -q -p gatecheck-import
bin=target/debug/gatecheck-import
# release  repository                               commit (vendor/modules.txt pins the release)
while read -r release repo commit extra; do
  [[ -z "$release" || "$release" == \#* ]] && continue
  dir="$MIRRORS/${repo/\//+}/repo"
  args=(transcribe --git "$dir" --commit "$commit" --repo "$repo")
  if [[ -n "${extra:-}" ]]; then args+=(--version "$release.0-dev" --dev "$extra"); fi
  "$bin" "${args[@]}" > "data/upstream/registries/v$release.yaml.tmp"
  mv "data/upstream/registries/v$release.yaml.tmp" "data/upstream/registries/v$release.yaml"
  echo "v$release: $repo@${commit:0:8}"
done <<'TABLE'
1.18 ceph/ceph-csi 34fc1d847e99219c20017dba1de54870fcd3ac3d
1.19 kubernetes-csi/csi-driver-nfs 1238d27bad30e3360b732174cf17c3baaffe4371
1.20 ceph/ceph-csi 83559144b10eb9616f13c38cb7042554239d43aa
1.21 ceph/ceph-csi 1b23d781131725e64847a7e201045d1d2468494b
1.22 ceph/ceph-csi aa698bc3e16c7e578a8485b8b372281059c9c8c1
1.23 ceph/ceph-csi 5762da3e9195e394369138a5988a225f38029899
1.24 ceph/ceph-csi c4f79d455fec571db5673f30bfde8d93f4fb7f8a
1.25 ceph/ceph-csi e3bf375035275e6d8aa7501ba8d7e1d2d9ec5dac
1.26 ceph/ceph-csi 9c8de9471e1a0cbe627cf2e075aa48d462b2ac25
1.27 kubernetes-sigs/azurefile-csi-driver 22f111a380f0dda0a3f0c27c0eeb1229323b5701
1.28 ceph/ceph-csi ff3e84ad6723dd595ee2fa910381d25d806914ea
1.29 ceph/ceph-csi 44561ddbee0f72fc8675d5ee755b9a5cff5e46a1
1.30 ceph/ceph-csi e727bd351efec4912ce01e0e73f5dd5d3e249427
1.31 ceph/ceph-csi f1379e4cc4cc923773c84beefcc4793ba4964579
1.32 longhorn/longhorn-manager ca356c4bcc9d813cfe8cec7a4bb200b3a1b027fb
1.33 longhorn/longhorn-manager 6f38545c59caa37d0a68ae594460e0fddd0d5e06
1.34 longhorn/longhorn-manager 09f045b403f4fc4b82897a4ce3432256ab7079e3
1.35 longhorn/longhorn-manager 6e91d22f095bd617dbcd8f7d086fcc48af6b7255
1.36 longhorn/longhorn-manager 8bc4f91a6722eed0b82ee462c9d41eda24a0ceaa
1.37 kubernetes-sigs/provider-aws-test-infra 16cebb9ac38e84fc3286bb1d281c2354015ffb05 kubernetes master vendored 2026-07-29 (late 1.37 cycle; not the v1.37.0 release)
TABLE
