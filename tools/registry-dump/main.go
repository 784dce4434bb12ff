// Command registry-dump prints, as JSON, every feature gate that one Kubernetes release
// registers, as that release's own featuregate package evaluates it.
//
// It is built against Kubernetes' modules pinned at one exact release (see pin.sh, which
// writes go.mod and runs it). Nothing is read from source files: the gates are what the
// features packages register when their init functions run, read back through the feature
// gate's own API (GetAllVersioned from 1.31, GetAll before), and kubeadm's gates are its
// exported InitFeatureGates table.
//
// Which package registers a gate: k8s.io/apiserver, k8s.io/apiextensions-apiserver and
// k8s.io/kubernetes register theirs from init functions into the shared gate
// (k8s.io/apiserver/pkg/util/feature), so the dumper snapshots the shared gate right after
// each of those inits (internal/s*); packages with an exported AddFeatureGates-style function
// (component-base logs, metrics and zpages, controller-manager, client-go) are registered into
// a fresh gate of their own, which names their gates exactly. Kubernetes' own package also
// adds those packages' gates to the shared gate; they are attributed to the package that
// exports them.
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

	utilfeature "k8s.io/apiserver/pkg/util/feature"
	kubeadmfeatures "k8s.io/kubernetes/cmd/kubeadm/app/features"

	_ "gatecheck.dev/registry-dump/internal/s1apiserver"
	_ "gatecheck.dev/registry-dump/internal/s2apiextensions"
	_ "gatecheck.dev/registry-dump/internal/s3kubernetes"
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
	Name    string `json:"name"`
	Package string `json:"package"`
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
		Default:       v.FieldByName("Default").Bool(),
		LockToDefault: v.FieldByName("LockToDefault").Bool(),
		PreRelease:    v.FieldByName("PreRelease").String(),
	}
	s.Version = versionString(v.FieldByName("Version"))
	s.MinCompatibilityVersion = versionString(v.FieldByName("MinCompatibilityVersion"))
	return s
}

// specs returns every gate's specs, as the gate's GetAllVersioned or GetAll gives them.
func specs(gate interface{}) map[string][]Spec {
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
	all, _ := call(gate, "GetAll")
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

func fail(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "registry-dump: "+format+"\n", a...)
	os.Exit(1)
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: registry-dump vX.Y.Z [staging modules...]")
	}
	shared := utilfeature.DefaultMutableFeatureGate
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
		if m != "k8s.io/kubernetes" && v != staging {
			fail("%s is at %s, not %s", m, v, staging)
		}
	}
	if v, ok := call(shared, "EmulationVersion"); ok {
		d.EmulationVersion = versionString(v)
	}
	if v, ok := call(shared, "MinCompatibilityVersion"); ok {
		d.MinCompatibilityVersion = versionString(v)
	}
	// Which package registered each gate of the shared gate (AllAlpha/AllBeta are featuregate's own).
	owner := map[string]string{}
	prev := map[string]bool{}
	for _, p := range snap.Points {
		for _, n := range p.Names {
			if !prev[n] {
				if p.Package == "" {
					owner[n] = "k8s.io/component-base/featuregate"
				} else {
					owner[n] = p.Package
				}
				prev[n] = true
			}
		}
		if p.Package != "" {
			d.Packages = append(d.Packages, p.Package)
		}
	}
	for _, n := range snap.Names() {
		if !prev[n] {
			fail("%s was registered by no package the dumper snapshots", n)
		}
	}
	all := specs(shared)
	inShared := map[string]bool{}
	for n := range all {
		inShared[n] = true
	}
	for _, e := range extra {
		g, err := e.add()
		if err != nil {
			fail("%s: %v", e.pkg, err)
		}
		for n, s := range specs(g) {
			if owner[n] == "k8s.io/component-base/featuregate" {
				continue
			}
			owner[n] = e.pkg
			if _, ok := all[n]; !ok {
				all[n] = s
			} else if !reflect.DeepEqual(all[n], s) {
				fail("%s: %s has specs %v in the shared gate, %v in its own", e.pkg, n, all[n], s)
			}
		}
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
			owner[n] = pkg
		}
		d.Packages = append(d.Packages, pkg)
	}
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
		if owner[n] == "k8s.io/component-base/featuregate" {
			continue
		}
		g := Gate{Name: n, Package: owner[n], Specs: list, DependsOn: deps[n], InSharedGate: inShared[n]}
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
		v := reflect.ValueOf(f)
		k := KubeadmGate{Name: n, Default: f.Default, LockToDefault: f.LockToDefault, PreRelease: string(f.PreRelease)}
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
