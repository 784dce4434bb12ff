// Package s3kubernetes snapshots the shared feature gate right after k8s.io/kubernetes/pkg/features registers its gates.
package s3kubernetes

import (
	_ "k8s.io/kubernetes/pkg/features"

	"gatecheck.dev/registry-dump/internal/snap"
)

func init() { snap.Take("k8s.io/kubernetes/pkg/features") }
