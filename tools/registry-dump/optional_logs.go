//go:build rd_logs

package main

import (
	"k8s.io/component-base/featuregate"
	logsapi "k8s.io/component-base/logs/api/v1"
)

func init() {
	extra = append(extra, adder{"k8s.io/component-base/logs/api/v1", func() (interface{}, error) {
		g := featuregate.NewFeatureGate()
		return g, logsapi.AddFeatureGates(g)
	}})
}
