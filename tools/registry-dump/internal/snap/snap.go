// Package snap records every registration into Kubernetes' shared feature gate
// (k8s.io/apiserver/pkg/util/feature.DefaultMutableFeatureGate) and which package made it.
//
// Go initialises packages in a fixed order (dependencies first, then by import path), and this
// module's path sorts before k8s.io, so this package's init runs right after
// k8s.io/apiserver/pkg/util/feature's and before any features package's init. It replaces the
// shared gate (an exported interface variable) with a wrapper around the same gate that, on
// every Add/AddVersioned call, keeps the map passed and the Kubernetes packages on the call stack
// (innermost first: the package whose code calls Add is the one whose registration declares
// those gates). The calls pass through unchanged, so the shared gate is what Kubernetes built.
// Each package's maps can then be replayed into a fresh gate of its own (Replay), which names
// exactly the gates that package's own registration declares.
package snap

import (
	"reflect"
	"runtime"
	"sort"
	"strings"
)

// Call is one registration into the shared gate.
type Call struct {
	// Package: the innermost Kubernetes package on the stack (whose code called Add).
	Package string
	// Chain: every Kubernetes package on the stack, innermost first (the last is the init that
	// started it).
	Chain []string
	// Map: the map passed (map[Feature]FeatureSpec or map[Feature]VersionedSpecs).
	Map interface{}
}

// Calls, in the order made.
var Calls []Call

// Before: the gates the shared gate knew before any features package registered (featuregate's
// own AllAlpha/AllBeta).
var Before []string

func init() {
	Before = Names()
	if Before == nil {
		// No GetAll: the gate's own KnownFeatures ("Name=true|false (ALPHA - default=false)")
		// names what it holds before any package registers (featuregate's AllAlpha, AllBeta).
		for _, k := range reflect.ValueOf(Shared()).MethodByName("KnownFeatures").Call(nil)[0].Interface().([]string) {
			Before = append(Before, strings.SplitN(k, "=", 2)[0])
		}
	}
	install()
}

// pkgOf: the import path of a function's package ("k8s.io/x/pkg/features.(*a).Add" -> "k8s.io/x/pkg/features").
func pkgOf(fn string) string {
	slash := strings.LastIndex(fn, "/")
	dot := strings.Index(fn[slash+1:], ".")
	if dot < 0 {
		return fn
	}
	return fn[:slash+1+dot]
}

func record(m interface{}) {
	pcs := make([]uintptr, 128)
	n := runtime.Callers(1, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var chain []string
	for {
		f, more := frames.Next()
		p := pkgOf(f.Function)
		if strings.HasPrefix(p, "k8s.io/") && (len(chain) == 0 || chain[len(chain)-1] != p) {
			chain = append(chain, p)
		}
		if !more {
			break
		}
	}
	c := Call{Map: m, Chain: chain}
	if len(chain) > 0 {
		c.Package = chain[0]
	}
	Calls = append(Calls, c)
}

// Names is every gate name the shared mutable feature gate knows now.
func Names() []string {
	return KnownNames(Shared())
}

// KnownNames lists the gates any feature gate knows, through GetAllVersioned (1.31 on) or
// GetAll (before), whichever the release has; nil where it has neither (older releases).
func KnownNames(gate interface{}) []string {
	v := reflect.ValueOf(gate)
	m := v.MethodByName("GetAllVersioned")
	if !m.IsValid() {
		m = v.MethodByName("GetAll")
	}
	if !m.IsValid() {
		return nil
	}
	out := []string{}
	iter := m.Call(nil)[0].MapRange()
	for iter.Next() {
		out = append(out, iter.Key().String())
	}
	sort.Strings(out)
	return out
}
