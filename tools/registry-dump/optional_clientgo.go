//go:build rd_clientgo

package main

import (
	clientfeatures "k8s.io/client-go/features"
)

// clientNames records the gates client-go offers to an external registry.
type clientNames struct{ names []string }

func (c *clientNames) Add(m map[clientfeatures.Feature]clientfeatures.FeatureSpec) error {
	for k := range m {
		c.names = append(c.names, string(k))
	}
	return nil
}

func init() {
	namesOnly = append(namesOnly, func() (string, []string, error) {
		var c clientNames
		err := clientfeatures.AddFeaturesToExistingFeatureGates(&c)
		return "k8s.io/client-go/features", c.names, err
	})
}
