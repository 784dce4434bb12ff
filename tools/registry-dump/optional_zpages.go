//go:build rd_zpages

package main

import (
	"k8s.io/component-base/featuregate"
	zpagesfeatures "k8s.io/component-base/zpages/features"
)

func init() {
	extra = append(extra, adder{"k8s.io/component-base/zpages/features", func() (interface{}, error) {
		g := featuregate.NewFeatureGate()
		return g, zpagesfeatures.AddFeatureGates(g)
	}})
}
