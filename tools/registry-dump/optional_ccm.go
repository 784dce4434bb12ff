//go:build rd_ccm

package main

import (
	"k8s.io/component-base/featuregate"
	ccmfeatures "k8s.io/controller-manager/pkg/features"
)

func init() {
	extra = append(extra, adder{"k8s.io/controller-manager/pkg/features", func() (interface{}, error) {
		g := featuregate.NewFeatureGate()
		return g, ccmfeatures.SetupCurrentKubernetesSpecificFeatureGates(g)
	}})
}
