// Package s2apiextensions snapshots the shared feature gate right after k8s.io/apiextensions-apiserver/pkg/features registers its gates.
package s2apiextensions

import (
	_ "k8s.io/apiextensions-apiserver/pkg/features"

	"gatecheck.dev/registry-dump/internal/snap"
)

func init() { snap.Take("k8s.io/apiextensions-apiserver/pkg/features") }
