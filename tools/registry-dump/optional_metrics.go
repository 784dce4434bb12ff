//go:build rd_metrics

package main

import (
	"k8s.io/component-base/featuregate"
	metricsfeatures "k8s.io/component-base/metrics/features"
)

func init() {
	extra = append(extra, adder{"k8s.io/component-base/metrics/features", func() (interface{}, error) {
		g := featuregate.NewFeatureGate()
		return g, metricsfeatures.AddFeatureGates(g)
	}})
}
