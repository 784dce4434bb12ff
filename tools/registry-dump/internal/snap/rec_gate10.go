//go:build rd_gate10

package snap

import (
	"fmt"

	utilfeature "k8s.io/apiserver/pkg/util/feature"
)

// (1.10-1.13: the feature gate lives in k8s.io/apiserver/pkg/util/feature and has no separate mutable interface.)

// recGate is the shared gate, recording each registration.
type recGate struct {
	utilfeature.FeatureGate
}

func (r recGate) Add(m map[utilfeature.Feature]utilfeature.FeatureSpec) error {
	record(m)
	return r.FeatureGate.Add(m)
}

func install() {
	g := recGate{utilfeature.DefaultFeatureGate}
	utilfeature.DefaultFeatureGate = g
}

// Shared is the shared gate (the recording wrapper, once installed).
func Shared() interface{} { return utilfeature.DefaultFeatureGate }

// Fresh is a new, empty feature gate.
func Fresh() interface{} { return utilfeature.NewFeatureGate() }

// Replay registers a recorded map into gate (one made by Fresh).
func Replay(gate interface{}, m interface{}) error {
	g := gate.(utilfeature.FeatureGate)
	if x, ok := m.(map[utilfeature.Feature]utilfeature.FeatureSpec); ok {
		return g.Add(x)
	}
	return fmt.Errorf("unknown map %T", m)
}
