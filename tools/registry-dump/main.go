// Command registry-dump prints, as JSON, every feature gate that one Kubernetes release
// registers, as that release's own featuregate package evaluates it.
//
// It is built against Kubernetes' modules pinned at one exact release (see pin.sh, which
// writes go.mod and runs it). Nothing is read from source files: the gates are what the
// features packages register when their init functions run, read back through the feature
// gate's own API (GetAllVersioned from 1.31, GetAll 1.22-1.30; before 1.22, which has neither, the
// maps the packages registered, as recorded when they did), and kubeadm's gates are its
// exported InitFeatureGates table.
//
// Which packages register a gate: k8s.io/apiserver, k8s.io/apiextensions-apiserver and
// k8s.io/kubernetes register theirs from init functions into the shared gate
// (k8s.io/apiserver/pkg/util/feature). internal/snap wraps that gate before any of those inits
// run and records every Add/AddVersioned call with the package whose code made it; each
// package's recorded maps are then registered again into a fresh feature gate of its own.
// Packages with an exported AddFeatureGates-style function (component-base logs, metrics and
// zpages, controller-manager) are registered into a fresh gate of their own as well; client-go
// offers its gates to an external registry. So `declaredBy` lists, per gate, every features
// package whose own registration declares it, as that registration runs.
//
// `package` answers "which components recognise the gate": k8s.io/kubernetes/pkg/features,
// which every core component (kube-apiserver, kube-controller-manager, kube-scheduler, kubelet,
// kube-proxy) registers, relists the other packages' gates (or registers them by calling their
// functions), while cloud-controller-manager registers the generic API-server and
// controller-manager packages but not Kubernetes' own. A gate is therefore attributed to
// k8s.io/kubernetes/pkg/features only when no other package declares it, else to the first
// other package in `attribution` order.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"

	kubeadmfeatures "k8s.io/kubernetes/cmd/kubeadm/app/features"

	_ "k8s.io/apiextensions-apiserver/pkg/features"
	_ "k8s.io/apiserver/pkg/features"
	_ "k8s.io/kubernetes/pkg/features"

	"gatecheck.dev/registry-dump/internal/snap"
)

// adder registers one package's gates into a fresh feature gate and returns that gate.
type adder struct {
	pkg string
	add func() (interface{}, error)
}

// extra and namesOnly are filled by the optional_*.go files a release's build tags select.
var (
	extra     []adder
	namesOnly []func() (string, []string, error)
)

// Spec is one FeatureSpec.
type Spec struct {
	Version                 string `json:"version,omitempty"`
	Default                 bool   `json:"default"`
	LockToDefault           bool   `json:"lockToDefault"`
	PreRelease              string `json:"preRelease"`
	MinCompatibilityVersion string `json:"minCompatibilityVersion,omitempty"`
}

// Gate is one registered gate.
type Gate struct {
	Name string `json:"name"`
	// Package: the attribution (see the package comment).
	Package string `json:"package"`
	// DeclaredBy: every features package whose own registration, run into a fresh gate of its
	// own, declares the gate (sorted).
	DeclaredBy []string `json:"declaredBy"`
	// Specs: every versioned spec (1.31 on), or the one spec (before).
	Specs []Spec `json:"specs"`
	// AtRelease: the spec in force at the binary's version (nil: only later specs, the gate is
	// pre-alpha at this release).
	AtRelease *Spec `json:"atRelease"`
	// Enabled: what the feature gate itself answers for the gate with no flags set.
	Enabled   bool     `json:"enabled"`
	DependsOn []string `json:"dependsOn,omitempty"`
	// InSharedGate: registered into the shared gate by importing k8s.io/kubernetes/pkg/features
	// (false: only by components that call the package's AddFeatureGates themselves).
	InSharedGate bool `json:"inSharedGate"`
}

// KubeadmGate is one entry of kubeadm's InitFeatureGates.
type KubeadmGate struct {
	Name               string `json:"name"`
	Default            bool   `json:"default"`
	LockToDefault      bool   `json:"lockToDefault"`
	PreRelease         string `json:"preRelease"`
	DeprecationMessage string `json:"deprecationMessage,omitempty"`
	HiddenInHelpText   bool   `json:"hiddenInHelpText,omitempty"`
	MinimumVersion     string `json:"minimumVersion,omitempty"`
}

// Dump is the whole output.
type Dump struct {
	Kubernetes string            `json:"kubernetes"`
	Dumper     string            `json:"dumper"`
	Go         string            `json:"go"`
	Modules    map[string]string `json:"modules"`
	// The version the shared gate evaluates specs at (its emulation version), 1.31 on.
	EmulationVersion        string        `json:"emulationVersion,omitempty"`
	MinCompatibilityVersion string        `json:"minCompatibilityVersion,omitempty"`
	Packages                []string      `json:"packages"`
	Gates                   []Gate        `json:"gates"`
	Kubeadm                 []KubeadmGate `json:"kubeadm"`
}

func call(v interface{}, method string) (reflect.Value, bool) {
	m := reflect.ValueOf(v).MethodByName(method)
	if !m.IsValid() {
		return reflect.Value{}, false
	}
	return m.Call(nil)[0], true
}

func versionString(v reflect.Value) string {
	if !v.IsValid() || (v.Kind() == reflect.Ptr && v.IsNil()) {
		return ""
	}
	return fmt.Sprint(v.Interface())
}

func specOf(v reflect.Value) Spec {
	s := Spec{
		Default:    v.FieldByName("Default").Bool(),
		PreRelease: v.FieldByName("PreRelease").String(),
	}
	// (FeatureSpec has no LockToDefault before 1.14: nothing could be locked.)
	if l := v.FieldByName("LockToDefault"); l.IsValid() {
		s.LockToDefault = l.Bool()
	}
	s.Version = versionString(v.FieldByName("Version"))
	s.MinCompatibilityVersion = versionString(v.FieldByName("MinCompatibilityVersion"))
	return s
}

// specsOfMaps: every gate's spec in maps registered with Add (map[Feature]FeatureSpec), for
// releases whose feature gate cannot list its gates (no GetAll before 1.19 or so): there the
// registrations themselves, as recorded when the packages made them, are the list.
func specsOfMaps(maps []interface{}) map[string][]Spec {
	out := map[string][]Spec{}
	for _, m := range maps {
		it := reflect.ValueOf(m).MapRange()
		for it.Next() {
			if it.Value().Kind() != reflect.Struct {
				fail("a registration of %T, not of FeatureSpecs, in a release without GetAll", m)
			}
			out[it.Key().String()] = []Spec{specOf(it.Value())}
		}
	}
	return out
}

// specs returns every gate's specs, as the gate's GetAllVersioned or GetAll gives them (or,
// where the release has neither, as the maps registered into it give them).
func specs(gate interface{}, maps ...interface{}) map[string][]Spec {
	out := map[string][]Spec{}
	if all, ok := call(gate, "GetAllVersioned"); ok {
		it := all.MapRange()
		for it.Next() {
			list := it.Value()
			for i := 0; i < list.Len(); i++ {
				out[it.Key().String()] = append(out[it.Key().String()], specOf(list.Index(i)))
			}
		}
		return out
	}
	all, ok := call(gate, "GetAll")
	if !ok {
		return specsOfMaps(maps)
	}
	it := all.MapRange()
	for it.Next() {
		out[it.Key().String()] = []Spec{specOf(it.Value())}
	}
	return out
}

// major.minor of a version string ("1.37", "v1.37.0-beta.0" -> 1, 37).
func minorOf(s string) (int, int) {
	var a, b int
	fmt.Sscanf(strings.TrimPrefix(s, "v"), "%d.%d", &a, &b)
	return a, b
}

func notAfter(v, at string) bool {
	va, vb := minorOf(v)
	aa, ab := minorOf(at)
	return va < aa || (va == aa && vb <= ab)
}

// inForce: the spec in force at the emulation version with the given minimum compatibility
// version, by featuregate's rule: the last spec (in version order) not after the emulation
// version whose MinCompatibilityVersion, if any, is not after minCompat.
func inForce(list []Spec, emu, minCompat string) *Spec {
	if emu == "" {
		s := list[len(list)-1]
		return &s
	}
	var cur *Spec
	for i := range list {
		s := list[i]
		if s.Version != "" && !notAfter(s.Version, emu) {
			continue
		}
		if s.MinCompatibilityVersion != "" && minCompat != "" && !notAfter(s.MinCompatibilityVersion, minCompat) {
			continue
		}
		cur = &s
	}
	return cur
}

// attribution: the order in which a gate declared by several packages is attributed;
// k8s.io/kubernetes/pkg/features (which relists or registers the others' gates) comes last.
var attribution = []string{
	"k8s.io/controller-manager/pkg/features",
	"k8s.io/apiserver/pkg/features",
	"k8s.io/apiextensions-apiserver/pkg/features",
	"k8s.io/component-base/logs/api/v1",
	"k8s.io/component-base/metrics/features",
	"k8s.io/component-base/zpages/features",
	"k8s.io/client-go/features",
	"k8s.io/kubernetes/pkg/features",
}

func attribute(by []string) string {
	for _, a := range attribution {
		for _, p := range by {
			if p == a {
				return a
			}
		}
	}
	if len(by) == 1 {
		return by[0]
	}
	fail("no attribution for a gate declared by %v", by)
	return ""
}

func uniq(in []string) []string {
	sort.Strings(in)
	var out []string
	for i, s := range in {
		if i == 0 || s != in[i-1] {
			out = append(out, s)
		}
	}
	return out
}

func fail(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "registry-dump: "+format+"\n", a...)
	os.Exit(1)
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: registry-dump vX.Y.Z [staging modules...]")
	}
	shared := snap.Shared()
	d := Dump{Kubernetes: os.Args[1], Dumper: "gatecheck.dev/registry-dump", Go: runtime.Version(), Modules: map[string]string{}}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		fail("no build info")
	}
	want := map[string]bool{"k8s.io/kubernetes": true}
	for _, m := range os.Args[2:] {
		want[m] = true
	}
	for _, m := range info.Deps {
		if !want[m.Path] {
			continue
		}
		v := m.Version
		if m.Replace != nil && m.Replace.Path == "./staging/"+strings.TrimPrefix(m.Path, "k8s.io/") {
			// Before 1.15: the release's own staging/src copy of the module (pin.sh).
			d.Modules[m.Path] = "staging/src/" + m.Path + " of k8s.io/kubernetes " + os.Args[1]
			continue
		}
		if m.Replace != nil {
			if m.Replace.Path != m.Path {
				fail("%s is replaced by %s", m.Path, m.Replace.Path)
			}
			v = m.Replace.Version
		}
		d.Modules[m.Path] = v
	}
	if d.Modules["k8s.io/kubernetes"] != d.Kubernetes {
		fail("built against k8s.io/kubernetes %s, not %s", d.Modules["k8s.io/kubernetes"], d.Kubernetes)
	}
	staging := "v0." + strings.TrimPrefix(d.Kubernetes, "v1.")
	for m, v := range d.Modules {
		if m != "k8s.io/kubernetes" && v != staging && !strings.HasPrefix(v, "staging/src/") {
			fail("%s is at %s, not %s", m, v, staging)
		}
	}
	if v, ok := call(shared, "EmulationVersion"); ok {
		d.EmulationVersion = versionString(v)
	}
	if v, ok := call(shared, "MinCompatibilityVersion"); ok {
		d.MinCompatibilityVersion = versionString(v)
	}
	// Which packages declare each gate: each package's recorded registrations, replayed into a
	// fresh gate of its own.
	declared := map[string]map[string]bool{}
	declare := func(n, pkg string) {
		if declared[n] == nil {
			declared[n] = map[string]bool{}
		}
		declared[n][pkg] = true
	}
	before := map[string]bool{}
	for _, n := range snap.Before {
		before[n] = true
	}
	var allMaps []interface{}
	byPkg := map[string][]interface{}{}
	for _, c := range snap.Calls {
		allMaps = append(allMaps, c.Map)
		byPkg[c.Package] = append(byPkg[c.Package], c.Map)
	}
	all := specs(shared, allMaps...)
	fresh := map[string]interface{}{}
	var order []string
	for _, c := range snap.Calls {
		if c.Package == "" {
			fail("a registration made by no Kubernetes package")
		}
		if fresh[c.Package] == nil {
			fresh[c.Package] = snap.Fresh()
			order = append(order, c.Package)
		}
		if err := snap.Replay(fresh[c.Package], c.Map); err != nil {
			fail("%s (via %v): %v", c.Package, c.Chain, err)
		}
	}
	check := func(pkg string, g interface{}) {
		for n, s := range specs(g, byPkg[pkg]...) {
			if before[n] {
				continue
			}
			declare(n, pkg)
			if _, ok := all[n]; !ok {
				all[n] = s
			} else if !reflect.DeepEqual(all[n], s) {
				fail("%s: %s has specs %v in the shared gate, %v in its own", pkg, n, all[n], s)
			}
		}
	}
	for _, p := range order {
		check(p, fresh[p])
		d.Packages = append(d.Packages, p)
	}
	inShared := map[string]bool{}
	names := snap.Names()
	if names == nil {
		for n := range all {
			names = append(names, n)
		}
	}
	for _, n := range names {
		inShared[n] = true
		if !before[n] && declared[n] == nil {
			fail("%s is in the shared gate but no recorded registration declares it", n)
		}
	}
	for _, e := range extra {
		g, err := e.add()
		if err != nil {
			fail("%s: %v", e.pkg, err)
		}
		check(e.pkg, g)
		d.Packages = append(d.Packages, e.pkg)
	}
	for _, f := range namesOnly {
		pkg, names, err := f()
		if err != nil {
			fail("%s: %v", pkg, err)
		}
		for _, n := range names {
			if _, ok := all[n]; !ok {
				fail("%s: %s is not in the shared gate", pkg, n)
			}
			declare(n, pkg)
		}
		d.Packages = append(d.Packages, pkg)
	}
	d.Packages = uniq(d.Packages)
	sort.Strings(d.Packages)
	var deps map[string][]string
	if v, ok := call(shared, "Dependencies"); ok {
		deps = map[string][]string{}
		it := v.MapRange()
		for it.Next() {
			for i := 0; i < it.Value().Len(); i++ {
				deps[it.Key().String()] = append(deps[it.Key().String()], it.Value().Index(i).String())
			}
		}
	}
	enabled := reflect.ValueOf(shared).MethodByName("Enabled")
	for n, list := range all {
		if before[n] {
			continue
		}
		var by []string
		for p := range declared[n] {
			by = append(by, p)
		}
		sort.Strings(by)
		g := Gate{Name: n, Package: attribute(by), DeclaredBy: by, Specs: list, DependsOn: deps[n], InSharedGate: inShared[n]}
		g.AtRelease = inForce(list, d.EmulationVersion, d.MinCompatibilityVersion)
		if inShared[n] {
			g.Enabled = enabled.Call([]reflect.Value{reflect.ValueOf(n).Convert(enabled.Type().In(0))})[0].Bool()
			want := g.AtRelease != nil && g.AtRelease.Default
			if g.Enabled != want {
				fail("%s: the gate says enabled=%v, the spec in force says default=%v", n, g.Enabled, want)
			}
		} else {
			g.Enabled = g.AtRelease != nil && g.AtRelease.Default
		}
		d.Gates = append(d.Gates, g)
	}
	sort.Slice(d.Gates, func(i, j int) bool { return d.Gates[i].Name < d.Gates[j].Name })
	for n, f := range kubeadmfeatures.InitFeatureGates {
		// Through reflection: the fields (and LockToDefault's presence) vary by release.
		v := reflect.ValueOf(f)
		k := KubeadmGate{Name: n, Default: v.FieldByName("Default").Bool(), PreRelease: v.FieldByName("PreRelease").String()}
		if m := v.FieldByName("LockToDefault"); m.IsValid() {
			k.LockToDefault = m.Bool()
		}
		if m := v.FieldByName("DeprecationMessage"); m.IsValid() {
			k.DeprecationMessage = m.String()
		}
		if m := v.FieldByName("HiddenInHelpText"); m.IsValid() {
			k.HiddenInHelpText = m.Bool()
		}
		if m := v.FieldByName("MinimumVersion"); m.IsValid() {
			k.MinimumVersion = versionString(m)
		}
		d.Kubeadm = append(d.Kubeadm, k)
	}
	sort.Slice(d.Kubeadm, func(i, j int) bool { return d.Kubeadm[i].Name < d.Kubeadm[j].Name })
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		fail("%v", err)
	}
}
