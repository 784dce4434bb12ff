#!/usr/bin/env bash
# Hostile inputs up to the 16 MiB limit, generated here (never committed): each is run through the
# release binary on one core in human and JSON output, and the wall time, peak memory and exit code
# are printed as a Markdown table. The target (issue 9, docs/performance.md): every input finishes
# in under 2 s on one core, without a panic (exit 101) or a hang. Needs python3 and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
bin="$PWD/target/release/gatecheck"
dir="${TMPDIR:-/tmp}/gatecheck-hostile"
rm -rf "$dir" && mkdir -p "$dir"

python3 - "$dir" <<'PY'
import os, sys
d = sys.argv[1]
LIMIT = 16 * 1024 * 1024 - 4096
head = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"

def write(name, text):
    with open(os.path.join(d, name), "w" if isinstance(text, str) else "wb") as f:
        f.write(text)

def fill(prefix, item, sep, suffix=""):
    parts, size, i = [prefix], len(prefix) + len(suffix), 0
    while True:
        s = item(i) + sep
        if size + len(s) > LIMIT:
            break
        parts.append(s); size += len(s); i += 1
    parts.append(suffix)
    return "".join(parts)

# One --feature-gates flag on a single 16 MiB line, every gate unknown.
write("flags-line.env", fill("KUBELET_EXTRA_ARGS=--feature-gates=", lambda i: f"Gate{i}=true", ",", "\n"))
# A block map of unknown gates (about 800,000 findings in one file).
write("many-gates.yaml", fill(head + "featureGates:\n", lambda i: f"  Gate{i}: true", "\n"))
# The same as a flow map on one line.
write("flow-map.yaml", fill(head + "featureGates: {", lambda i: f"Gate{i}: true", ", ", "X: true}\n"))
# Deep nesting: flow sequences and block maps.
write("deep-flow.yaml", "featureGates: " + "[" * 2_000_000 + "]" * 2_000_000 + "\n")
write("deep-block.yaml", "".join("  " * i + f"k{i}:\n" for i in range(3000)))
# Billion laughs.
lol = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
for i in range(1, 12):
    lol.append(f"a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 9) + "]")
write("alias-bomb.yaml", head + "\n".join(lol) + "\nfeatureGates: *a11\n")
# Nested anchors: every level anchors the one below.
write("nested-anchors.yaml", head + "featureGates: " + "".join(f"&x{i} [" for i in range(50_000)) + "]" * 50_000 + "\n")
# Merge keys: one anchor merged into many maps.
write("merge-keys.yaml", fill(head + "base: &b {ServerSideApply: true, NodeSwap: true}\nfeatureGates:\n  <<: *b\nitems:\n",
                              lambda i: f"  m{i}: {{<<: *b, k: v}}", "\n"))
# kind: many kubeadmConfigPatches, each aliasing a large anchor.
kind = ["kind: Cluster", "apiVersion: kind.x-k8s.io/v1alpha4", "kubeadmConfigPatches:"]
for i in range(2000):
    kind.append(f"- |\n  kind: KubeletConfiguration\n  featureGates: {{Gate{i}: true, ServerSideApply: true}}")
write("kind-patches.yaml", "\n".join(kind) + "\n")
# One 16 MiB scalar, random bytes, NUL bytes, invalid UTF-8.
write("huge-scalar.yaml", head + "featureGates:\n  G: \"" + "x" * (LIMIT - 200) + "\"\n")
write("random.bin.yaml", os.urandom(LIMIT))
write("nul.yaml", b"\0" * LIMIT)
write("bad-utf8.yaml", head.encode() + b"featureGates:\n  G\xff\xfe: true\n" * 200_000)
PY

printf '| Input | Size | Human: time, peak memory, exit | JSON: time, peak memory, exit |\n|---|---|---|---|\n'
for f in "$dir"/*; do
  row="| $(basename "$f") | $(( $(stat -c %s "$f") / 1024 )) KiB |"
  for fmt in human json; do
    set +e
    /usr/bin/time -f '%e %M' -o "$dir.time" timeout 60 taskset -c 0 "$bin" --target 1.33 --format "$fmt" "$f" >/dev/null 2>&1
    rc=$?
    set -e
    read -r secs kb < <(tail -n 1 "$dir.time") || true
    [ "$rc" = 124 ] && secs="timeout (60 s)"
    row="$row ${secs} s, $(( ${kb:-0} / 1024 )) MiB, exit $rc |"
  done
  echo "$row"
done
[ -n "${KEEP:-}" ] || rm -rf "$dir" "$dir.time"
