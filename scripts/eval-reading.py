#!/usr/bin/env python3
"""Scores gatecheck's reading of fixtures/eval (see its README): for every hand-listed gate
setting (EXPECTED.tsv), whether gatecheck's verdict at a target equals the verdict the same
setting gets when written plainly for its component (the rules are exact; the question is
reading). Usage: scripts/eval-reading.py BINARY TARGET... (VERBOSE=1 lists what is wrong)."""
import json, subprocess, sys, os, tempfile, collections

binary, targets = sys.argv[1], sys.argv[2:]
here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'fixtures', 'eval')
rows = [l.rstrip('\n').split('\t') for l in open(os.path.join(here, 'EXPECTED.tsv'))][1:]

def run(args, stdin=None):
    out = subprocess.run([binary, *args, '--format', 'json'], input=stdin, capture_output=True, text=True)
    try:
        return json.loads(out.stdout)
    except Exception:
        return {'findings': [], 'errors': [{'message': 'no JSON: ' + out.stderr[:200]}]}

def plain(component, gate, value):
    c = component.split('(')[-1].split(',')[0].rstrip(')') if component.startswith('several') else component
    if c == 'kubelet':
        return f"apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  {gate}: {value}\n"
    if c == 'kube-proxy':
        return f"apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nfeatureGates:\n  {gate}: {value}\n"
    if c == 'kubeadm':
        return f"apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nfeatureGates:\n  {gate}: {value}\n"
    return f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: x\n    image: x\n    command:\n    - {c}\n    - --feature-gates={gate}={value}\n"

def serious(findings, gate=None, line=None):
    return sorted({f['code'] for f in findings if f['severity'] in ('error', 'warning')
                   and (gate is None or f.get('gate') == gate) and (line is None or f['line'] == line)})

cache = {}
for target in targets:
    score = collections.Counter()
    wrong = []
    reports = {}
    for f in sorted({r[0] for r in rows} | set(os.listdir(os.path.join(here, 'files')))):
        reports[f] = run(['--target', target, os.path.join(here, 'files', f)])
    for file, line, component, gate, value, kind in rows:
        line = int(line)
        fs = reports[file]['findings']
        if kind == 'literal':
            key = (component, gate, value, target)
            if key not in cache:
                cache[key] = serious(run(['--target', target, '-'], plain(component, gate, value))['findings'], gate)
            truth = cache[key]
            got = serious(fs, gate, line)
            ok = got == truth
            score['literal'] += 1
            score['literal ok'] += ok
            if truth:
                score['literal with a problem'] += 1
                score['literal problem found'] += got == truth
            if not ok:
                wrong.append(f"{file}:{line} {gate}={value} want {truth} got {got}")
        elif kind == 'templated':
            score['templated'] += 1
            said = any(x['line'] == line for x in fs)
            score['templated said'] += said
            if not said:
                wrong.append(f"{file}:{line} templated, nothing said")
        elif kind == 'foreign':
            score['foreign'] += 1
            ok = not serious(fs, None, line)
            score['foreign quiet'] += ok
            if not ok:
                wrong.append(f"{file}:{line} foreign {gate} judged as Kubernetes")
    listed = {(r[0], int(r[1])) for r in rows}
    noise = [(f, x['line'], x['code'], x.get('gate')) for f, rep in reports.items() for x in rep['findings']
             if x['severity'] in ('error', 'warning') and (f, x['line']) not in listed]
    errors = [(f, e) for f, rep in reports.items() for e in rep.get('errors', [])]
    print(f"target {target}: literal {score['literal ok']}/{score['literal']} correct "
          f"(problems found {score['literal problem found']}/{score['literal with a problem']}); "
          f"templated said {score['templated said']}/{score['templated']}; foreign quiet {score['foreign quiet']}/{score['foreign']}; "
          f"other error/warning findings {len(noise)}; unreadable files {len(errors)}")
    if os.environ.get('VERBOSE'):
        for w in wrong: print('  wrong:', w)
        for n in noise: print('  noise:', n)
        for e in errors: print('  error:', e)
