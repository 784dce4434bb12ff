#!/usr/bin/env bash
# Re-transcribes data/upstream/registries/ from the public repositories that vendor each
# Kubernetes release's features packages at a pinned version (facts only; no Go code is kept).
# Needs each repository's git history locally: MIRRORS=DIR holding OWNER+NAME/repo git dirs
# (for example, as the search tool's `fetch` lays them out). The importer reads the result:
# `cargo run -p gatecheck-import`.
set -euo pipefail
cd "$(dirname "$0")/.."
MIRRORS=${MIRRORS:-../.mirror}  # relative to the repository root (the line above cds there)
cargo build -q -p gatecheck-import
bin=target/debug/gatecheck-import
# version  repository  commit (its vendor/modules.txt pins that exact release). At most two
# repositories per release; where two read the same package, the importer requires them to agree.
# Rejected, because their vendored content does not match the release their modules.txt names
# (found by comparing every repository at the same release): harvester/harvester (its
# "v1.21.0" carries 1.22 gates; "v1.23.6" differs on JobTrackingWithFinalizers) and
# kubernetes-sigs/blob-csi-driver (its "v1.30.3" and "v1.31.1" carry 1.29-era specs).
rm -f data/upstream/registries/v*.yaml
while read -r version repo commit extra; do
  [[ -z "$version" || "$version" == \#* ]] && continue
  dir="$MIRRORS/${repo/\//+}/repo"
  out="data/upstream/registries/v$version-${repo/\//+}.yaml"
  args=(transcribe --git "$dir" --commit "$commit" --repo "$repo")
  if [[ -n "${extra:-}" ]]; then args+=(--version "$version" --dev "$extra"); fi
  "$bin" "${args[@]}" > "$out.tmp"
  mv "$out.tmp" "$out"
done <<'TABLE'
1.18.0 kubernetes-csi/csi-driver-nfs bfdc82f398cba3ff5656d26653c22d8ae02a57d9
1.18.0 kubeedge/kubeedge b34b9be7282e1b8495f8abf85c614d47e9a71143
1.18.1 kubernetes-csi/csi-driver-smb 30ade799998f2f79b847fc35cddf9bcc3bb5290d
1.18.5 fluid-cloudnative/fluid b0a49ea59bad0af60c037b49b782a7859085e0b4
1.18.6 kubeedge/kubeedge 68a9a17f411d829d04f1796bee91f0c3b5e19d63
1.18.10 kubernetes-sigs/aws-efs-csi-driver 9dd3313752f1d534abf83630880f4bea9ea0e484
1.19.0 kubernetes-csi/csi-driver-nfs fb1955674933b7f44bea9cb920f17f12df98495b
1.19.1 kubeedge/kubeedge 9f0a4c7b3d078ecc6ba3b1d93f05179427b1d643
1.19.2 kubeedge/kubeedge ab0e35e792b19b8364363beaf505574d8ee12217
1.19.3 kubeedge/kubeedge 92fde6573b6bb628bad14d5d12653b104399f408
1.19.4 kubernetes-csi/csi-driver-iscsi c1df1db08537bc6f8849cb95047a200c88dbc576
1.19.10 kubeedge/kubeedge e61822e40cdc6a6516ebfb0db12457f1de93fdd2
1.20.0 ceph/ceph-csi 83559144b10eb9616f13c38cb7042554239d43aa
1.20.4 Mirantis/cri-dockerd b68acf4025844f06b3d1b9e77bacd6259ee7f130
1.20.10 fluid-cloudnative/fluid 1a6ab9db8a8b8db496949911312c8c5848ddb561
1.20.11 Mirantis/cri-dockerd 5ed9439b0b04256d2a343d69142f61ff3d9042c5
1.20.12 fluid-cloudnative/fluid 740eda618d8fed13f1fb3dfa5f00219b885f535b
1.21.0 kubernetes-csi/csi-driver-nfs fd5bac469226733d981cbb5e54161c51279c36cd
1.21.0 kubernetes-csi/csi-driver-smb f6f104f10e1038a48623f5d6b33a071fba0f17f0
1.21.1 kubernetes-csi/csi-driver-iscsi 25b5f050af77ae5f3f3b5cd04cd3c45f4058da7d
1.21.4 kubeedge/kubeedge 4caf549b6cae17a95f48d219b76a84c309581c81
1.22.0 ceph/ceph-csi aa698bc3e16c7e578a8485b8b372281059c9c8c1
1.22.1 kubernetes-sigs/aws-efs-csi-driver 6ae114bc43ea5b4bdb9962ff786c08ca1eeddbf4
1.22.2 kubernetes-sigs/aws-efs-csi-driver 9e23a162a7a58323c2954d81ef7e259f1be3f3ba
1.22.3 kubernetes-csi/csi-driver-nfs e34d2b0af04ddff8e270942cb1ab0e5b721e128f
1.22.3 kubernetes-sigs/aws-efs-csi-driver 1d8f52f75ed4d80cea69adb8ba0b4ff0d43e30dc
1.22.6 kubeedge/kubeedge 5eb05b6dec6b8f6751820f1c5c7d58e7d469091b
1.22.16 kubernetes-sigs/aws-efs-csi-driver a562d1f227eb901f1834bbc3e96b70bb27c9525a
1.23.0 kubernetes-csi/csi-driver-nfs 9cf4719a9743670f036b3ef04e89b3d8a1a23f09
1.23.0 kubernetes-csi/csi-driver-smb 45e550847c925d2592e9a880b3b4d17fa9592fcf
1.23.3 ceph/ceph-csi f19ca4a473400845704762c92972a917caa8ba3a
1.23.3 kubernetes-csi/csi-driver-nfs 90f207afdd5347030fa9715ad3ff8fd0e41c0a72
1.23.4 ceph/ceph-csi 4f0bb2315bb1229b89ab43fed6bcc3114073692b
1.23.5 ceph/ceph-csi b11951a710e990116b0796849b8693b41b253083
1.23.6 ceph/ceph-csi 6a5758c34665ab7226e19e960a6b5eda65ff9718
1.23.9 openshift-kni/scheduler-plugins c452dc8ca8c247ebf3620b0cf3d465748f7133b1
1.23.14 kubernetes-csi/csi-driver-nfs c236c9b3443e03a5d6de0f74fae2c1f20b400dc2
1.24.0 ceph/ceph-csi 386cd7f20ebb2cbecfa2517f15b5418b2afbbd4c
1.24.0 kubernetes-csi/csi-driver-iscsi 34fe01b6e47a6c4f4d4f383e8f102f5fa0d4dab8
1.24.1 ceph/ceph-csi af0cd0fd80db35bb3011ca7455a9f5f49e4b2e87
1.24.2 ceph/ceph-csi 48dc0c95a6e74848d0581994a8a121646dc4d675
1.24.3 ceph/ceph-csi 483181aec284f2859dc7182dda89763cb9a36af5
1.24.3 openshift-kni/scheduler-plugins 47d369c55de91edba44717dbad44dd47055042c5
1.24.4 ceph/ceph-csi 3d05ef0585257743187bcab180e1adf4ff2d39bf
1.24.9 openshift-kni/scheduler-plugins 6df0b5e406333c8a90c82755b4dbff112af62ba8
1.24.15 kubernetes-csi/csi-driver-nfs 29330cf27e901a56e697634102a9266d377d29cf
1.25.0 ceph/ceph-csi 10550c87f6e678744427dee6be9110216504d4af
1.25.0 kubernetes-csi/csi-driver-iscsi f1b3ef37590adf5a4d1f4d114d12c948d821eb89
1.25.3 ceph/ceph-csi 1ac0a17f5cebe91542bd76856f229a222c98afec
1.25.4 ceph/ceph-csi 00b94da38ab893632713a258292382a83f7bab70
1.25.5 openshift-kni/scheduler-plugins 861393b9e0494aae8e88f73bf0fb5693e3f7fad2
1.25.6 kubernetes-sigs/aws-efs-csi-driver 3e32348dab200763bf2ae7c8d97abe7f49acdfd1
1.25.7 openshift-kni/scheduler-plugins bc9480d3132a50a6c233bd1fff77df03c86f68a2
1.26.0 kubernetes-sigs/azurefile-csi-driver 88b91f9352befe931a7044401af433fe5a9f2a74
1.26.0 kubernetes-sigs/azuredisk-csi-driver 0053ba0f42deb9dce2eeb60ea42c4e8c65b4a9fd
1.26.1 ceph/ceph-csi ba40da7e36db699d8c7a95e8117c7990e8310454
1.26.2 ceph/ceph-csi 57a4fcbaa36ade1c1066199daa94feeb03717478
1.26.2 openshift-kni/scheduler-plugins 679a09e8044d1fe6046c8206c14e6338e5661458
1.26.3 openshift-kni/scheduler-plugins 0b1cd9c4387ff2ae68dc24eae7a00195ae0ec331
1.26.7 openshift-kni/scheduler-plugins 4afb5ee8184022b189864a561cee877ab09c3085
1.26.7 kubernetes-csi/csi-driver-iscsi 2fbcfc2b26000bdfdc0b6b29edaa60b49604c0ee
1.26.9 kubernetes-csi/csi-driver-nfs 86a4704669845372fc915faa57af5301b98df4e2
1.26.10 kubernetes-sigs/aws-efs-csi-driver 8bf61b7fd529c94ef5035188c6066162a897134e
1.26.11 kubernetes-csi/csi-driver-nfs 0f67321d4cd62bf902d545efb1a13ca830563218
1.26.11 kubernetes-csi/csi-driver-iscsi b54d78666b1f8e5de1cff13990b3e7ece4d7623a
1.27.1 kubernetes-sigs/azurefile-csi-driver 79f70bad2258830ce4c80b5391b0416620d864ff
1.27.1 kubernetes-sigs/azuredisk-csi-driver e341b7ce621511c49859c60d70eaef1bd5acf835
1.27.2 ceph/ceph-csi 6b3fdc4e39be33dbd38963de597943ad14a2e1b8
1.27.3 kubernetes-sigs/azurefile-csi-driver c27a67cdc9ff068ec4931c955e697e4fc9164d81
1.27.3 kubernetes-sigs/azuredisk-csi-driver 96e48f1017a2728e3d57962b3cf32ab2c2ad7f69
1.27.4 ceph/ceph-csi b2fdc269c313144a3059e412d29ee34c5fe74623
1.27.4 kubernetes-sigs/azurefile-csi-driver 9ebb12eef13a199539d16bd04a473560497cf1cb
1.27.6 openshift-kni/scheduler-plugins 03d59af2d570fc6be7b7e9b6c1ca6e783bc6e124
1.27.7 kubernetes-csi/csi-driver-smb 1c7945728b2d1db527d759e2b2279038d125d719
1.27.7 openshift-kni/scheduler-plugins 76b044c231c2b494e6860e52b14313f8674630f2
1.27.8 kubernetes-csi/csi-driver-smb 4e5e40ee1610e7234c9c51de2e74a1ba8d6b23fd
1.27.8 openshift-kni/scheduler-plugins 0e03378661b7c23e1140b7432935e999071722b9
1.27.13 kubernetes-csi/csi-driver-iscsi ece8a6c733678e3b956d472029d4c998c101d12a
1.27.16 kubernetes-csi/csi-driver-iscsi 3c9db064d7f4d1e5d265c8e3e76a625d97df11a9
1.27.16 kubernetes-sigs/aws-efs-csi-driver fd067aaa17cf4c92f7890965607d54bd779125a1
1.28.0 ceph/ceph-csi ef84a109109fed300ae84b74d36421184335c16e
1.28.1 kubernetes-sigs/azurefile-csi-driver 2c5346e208e76f2985083363ef6a55eeceac4f57
1.28.1 kubernetes-sigs/azuredisk-csi-driver 247cb4678eac8bdc09a1a2068692b5dbd4ad860f
1.28.2 ceph/ceph-csi 3a61f24c1d5ffb47fae9bab3ddedba17f416a55e
1.28.3 ceph/ceph-csi 593d9c3b605adc742940a012736184662315983d
1.28.4 kubernetes-sigs/azuredisk-csi-driver 1d9f913fca8b65e4df6c2341ea83191a7fd38e59
1.28.4 kubernetes-csi/csi-driver-nfs a3258d63b412b3034315cc9ba715de7201a78c6d
1.28.8 openshift-kni/scheduler-plugins 0cb2c9130aad6a4cc0c6828671c27d9089c2cea9
1.28.9 kubernetes-csi/csi-driver-nfs d4830c4085773181c3b00e3cc9b9b83dfe65af0c
1.28.9 kubernetes-csi/csi-driver-smb d2d91714276bff028dcc5fb3ae3bde63a1398a33
1.28.12 kubernetes-csi/csi-driver-smb 644ebe42db13f984b458bbc8f8152a0f2e4045a7
1.28.12 kubernetes-csi/csi-driver-iscsi 2239a1598e24cb019ebeec161069b268e1a15ab6
1.28.15 kubernetes-sigs/aws-efs-csi-driver 712578b368d0aee8f519d4c244eb323aa5e0d60d
1.29.0 ceph/ceph-csi f578798f0162c63c511fadbb39ad82729c9802da
1.29.0 kubernetes-sigs/azurefile-csi-driver 3685a077e5ae11ef95863fe247d962168ca7df37
1.29.1 ceph/ceph-csi 3749b5c470380a99db3aefb459d658d91b430a31
1.29.2 ceph/ceph-csi 6f0d9a5d59d825bbb7e4ec28b8d3bd9ff3039a72
1.29.3 ceph/ceph-csi c1ee11261ee8b02de1c54eae9d9d3728281b1852
1.29.4 kubernetes-sigs/azuredisk-csi-driver 1504e7c052a64b0cd26cadeb473e25f095b5fa77
1.29.4 openshift-kni/scheduler-plugins 3ed401ca793a77310f770d31225e76527c5c7242
1.29.5 fluid-cloudnative/fluid a7d170fed7f82c5c4f5f0152f77605f7029db72c
1.29.7 kubernetes-sigs/azuredisk-csi-driver 63b2df08ca040d7ab60ee3587b6700b9425de132
1.29.7 openshift-kni/scheduler-plugins 369b4ff4d624c4c38763250b690a11e51907335d
1.29.10 Mirantis/cri-dockerd 1a22d098e89af7e4763fd199fd4cbbddfbdef9e8
1.29.14 kubernetes-csi/csi-driver-nfs d4a9444335c5b1ae9c5a4587c5c949b32ad055b6
1.29.14 kubernetes-csi/csi-driver-smb 2fafbb8e16126f9ab07d830b4867c231c2510159
1.29.15 Mirantis/cri-dockerd 246bd65780eb7a9ed294192474d6015330aa8048
1.29.15 fluid-cloudnative/fluid c61cb081a6eaac2e034543eab10449901c4e3bbe
1.30.0 ceph/ceph-csi a8e9d66009b0c364279507e1a90ea9e2391174ed
1.30.1 ceph/ceph-csi 5b00a95b5ea39a7466259615750c778c9893b1e3
1.30.2 ceph/ceph-csi c875483f8aa1b1a139e04837be3f9d0216d88742
1.30.2 longhorn/longhorn-manager 06abbf365711197302e724da484e00c08a7518da
1.30.3 ceph/ceph-csi fb9403e82065c3a90459bc9f7d7d28e476770374
1.30.3 longhorn/longhorn-manager c99b453691b3a6a99e00f51ee6561552d62618c8
1.30.4 openshift-kni/scheduler-plugins 37b7888ae048e2f8772a5e7d34e609418ab3a91c
1.30.6 openshift-kni/scheduler-plugins da60eee33f665d7e057f0a117fd24ba05436bba0
1.30.10 kubernetes-csi/csi-driver-nfs 54aba4667a0156295d3fef4c2f32740cdfa1ae7b
1.31.0 ceph/ceph-csi 77f8c3f8f394eb767c64e852506d5fece7f2919b
1.31.0 longhorn/longhorn-manager b50c016ae48f031437abd88a6de51972bd1fe201
1.31.1 ceph/ceph-csi 52fcb7b00c3d586c12c05593b1c73ad2c42b171f
1.31.1 longhorn/longhorn-manager 4d157f8162eef2db4a719eaad6d73ef12f2e17dd
1.31.2 longhorn/longhorn-manager 3150a016504e601fa1b7ee646ffde45055bcd800
1.31.2 kubernetes-sigs/azuredisk-csi-driver 1956f1e777c91938f3b35ae2a22bbac110779084
1.31.3 longhorn/longhorn-manager ce8d9f3f89a4be09a684712b7e4dd9b035772177
1.31.6 kubernetes-csi/csi-driver-nfs 75e5a879a579cc09b5a3940c205cd0a68b0d5134
1.31.8 openshift-kni/scheduler-plugins d732734a7afed75bc8ad27c027ef492194230e8c
1.31.12 kubernetes-csi/csi-driver-nfs e7bb1e7fcb449a981b3af1c976b56bad4a53fc4c
1.31.12 kubernetes-csi/csi-driver-smb ac3d329199c8f40ff3825132372b3c533d2e26b8
1.32.0 longhorn/longhorn-manager 17f76d1c227ff47a681bff56e5e7220435685ae6
1.32.0 kubernetes-sigs/azurefile-csi-driver da051165fedf1cebda6057063232886095d9a186
1.32.1 longhorn/longhorn-manager b7700c2f84ced8338b6eb8b08335023734b32d13
1.32.2 longhorn/longhorn-manager 00407f18288faa6f6603dfb088aa1382557ba2e9
1.32.3 longhorn/longhorn-manager 4b075199b5c3b4d36cacf484cf70b3c91cf846e7
1.32.5 openshift-kni/scheduler-plugins 626961baa8c6ecf4edcc16b9cb013131d7038b94
1.32.10 kubernetes-csi/csi-driver-nfs 533c01336d01767008ff42b93db525140520e683
1.32.10 kubernetes-csi/csi-driver-smb b091a08006def92d5efc8f0c8a1f9522843b5385
1.33.0 longhorn/longhorn-manager 2ecaa61b985073c9114266989535daa3682229b9
1.33.1 longhorn/longhorn-manager 6ded50f2c92302ed15a286a3386f039a4f4b2916
1.33.2 longhorn/longhorn-manager d4b39310f5e299b39d2676083565a33de1811c44
1.33.2 kubernetes-sigs/azurefile-csi-driver 90fbe05d97ce464276296151d298145b5b2042c8
1.33.3 longhorn/longhorn-manager 0be1ae364a49e34f68aa9c7374432211f8f384e3
1.33.3 kubernetes-sigs/azuredisk-csi-driver d39c6fb0cc2a6a581644cca756cc7c3523c703d0
1.33.4 longhorn/longhorn-manager dcc2dd1507e5fc213d2ecbd2ef2047e98ec5756c
1.33.4 kubernetes-sigs/azurefile-csi-driver 56811d7b2b7102cbc2ec532ea67c7d4e5e1180d6
1.34.0 longhorn/longhorn-manager a01e36f94ef0bfe8912caf547caa9476d20655b5
1.34.1 longhorn/longhorn-manager 903c960cbe8b6249fb78373cdeee395d7a872a3e
1.34.1 kubernetes-sigs/azurefile-csi-driver 92e08b93f10889bcb0cbe945ea32a1c00983c7d1
1.34.2 longhorn/longhorn-manager 6a80869cceb16ea1045482ccb922ab2c6b7991c2
1.34.3 longhorn/longhorn-manager 498942cec21c6524226a396ce039cacb60a0434b
1.35.0 longhorn/longhorn-manager 0469081aff47f8975315d2a35f74b9e0a4402ce7
1.35.0 kubernetes-sigs/azurefile-csi-driver 21138f259516452943d3ffe2fe4243ee94be2307
1.35.1 longhorn/longhorn-manager de959fbbaf1e48971ab88dbf75f8728f238346cb
1.35.2 longhorn/longhorn-manager ec7aad42a47b0d0831784cdf6fa9f83b2908ae2e
1.35.3 longhorn/longhorn-manager 5475b3ceee3fcc1cd9f171dc08356b357cc04f82
1.35.4 longhorn/longhorn-manager 03282ecb81d1bbcc418a93d54ac39ec07921b1f6
1.35.4 openshift-kni/scheduler-plugins 4495d2058964d9ad1ce6e7f9cf553a2d623a3613
1.36.0 longhorn/longhorn-manager f796a23ebbd6230f8d662c3b88dec15178242590
1.36.1 longhorn/longhorn-manager b649ae6572baa87c886fb1180a0dbf53b6ff5407
1.36.2 longhorn/longhorn-manager 58f620639e3039125e00454c008840b76e270cd9
1.36.3 longhorn/longhorn-manager ed11defe2c85a2c0db42459ade494504851f8757
1.37.0-dev kubernetes-sigs/provider-aws-test-infra 16cebb9ac38e84fc3286bb1d281c2354015ffb05 Kubernetes master of 2026-07-29 (late in the 1.37 cycle; not the v1.37.0 release)
TABLE
ls data/upstream/registries/v*.yaml | wc -l
