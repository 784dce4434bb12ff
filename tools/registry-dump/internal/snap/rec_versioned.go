//go:build rd_versioned

package snap

import (
	"fmt"

	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/component-base/featuregate"
)

// recGate is the shared gate, recording each registration.
type recGate struct {
	featuregate.MutableVersionedFeatureGate
}

func (r recGate) Add(m map[featuregate.Feature]featuregate.FeatureSpec) error {
	record(m)
	return r.MutableVersionedFeatureGate.Add(m)
}

func (r recGate) AddVersioned(m map[featuregate.Feature]featuregate.VersionedSpecs) error {
	record(m)
	return r.MutableVersionedFeatureGate.AddVersioned(m)
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
	g := gate.(featuregate.MutableVersionedFeatureGate)
	switch x := m.(type) {
	case map[featuregate.Feature]featuregate.FeatureSpec:
		return g.Add(x)
	case map[featuregate.Feature]featuregate.VersionedSpecs:
		return g.AddVersioned(x)
	}
	return fmt.Errorf("unknown map %T", m)
}
