// Package s1apiserver snapshots the shared feature gate right after k8s.io/apiserver/pkg/features registers its gates.
package s1apiserver

import (
	_ "k8s.io/apiserver/pkg/features"

	"gatecheck.dev/registry-dump/internal/snap"
)

func init() { snap.Take("k8s.io/apiserver/pkg/features") }
