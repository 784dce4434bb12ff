//go:build !rd_versioned && !rd_gate14 && !rd_gate10

package snap

import (
	"fmt"

	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/component-base/featuregate"
)

// recGate is the shared gate, recording each registration.
type recGate struct {
	featuregate.MutableFeatureGate
}

func (r recGate) Add(m map[featuregate.Feature]featuregate.FeatureSpec) error {
	record(m)
	return r.MutableFeatureGate.Add(m)
}

func install() {
	g := recGate{utilfeature.DefaultMutableFeatureGate}
	utilfeature.DefaultMutableFeatureGate = g
	utilfeature.DefaultFeatureGate = g
}

// Shared is the shared gate (the recording wrapper, once installed).
func Shared() interface{} { return utilfeature.DefaultMutableFeatureGate }

// Fresh is a new, empty feature gate.
func Fresh() interface{} { return featuregate.NewFeatureGate() }

// Replay registers a recorded map into gate (one made by Fresh).
func Replay(gate interface{}, m interface{}) error {
	g := gate.(featuregate.MutableFeatureGate)
	if x, ok := m.(map[featuregate.Feature]featuregate.FeatureSpec); ok {
		return g.Add(x)
	}
	return fmt.Errorf("unknown map %T", m)
}
