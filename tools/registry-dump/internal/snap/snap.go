// Package snap records which gates Kubernetes' shared feature gate knows at given points of
// program initialisation. Go initialises packages in a fixed order (dependencies first, then by
// import path), and this module's path sorts before k8s.io, so a package that imports one
// Kubernetes features package and this one runs its init right after that features package's
// init: the gates added in between are the ones that package registers.
package snap

import (
	"reflect"
	"sort"

	utilfeature "k8s.io/apiserver/pkg/util/feature"
)

// Point is one snapshot: the package whose init just ran and the gate names known then.
type Point struct {
	Package string
	Names   []string
}

// Points, in the order taken. The first is taken before any features package registers.
var Points []Point

func init() { Take("") }

// Names is every gate name the shared mutable feature gate knows now.
func Names() []string {
	return KnownNames(utilfeature.DefaultMutableFeatureGate)
}

// KnownNames lists the gates any feature gate knows, through GetAllVersioned (1.31 on) or
// GetAll (before), whichever the release has.
func KnownNames(gate interface{}) []string {
	v := reflect.ValueOf(gate)
	m := v.MethodByName("GetAllVersioned")
	if !m.IsValid() {
		m = v.MethodByName("GetAll")
	}
	out := []string{}
	iter := m.Call(nil)[0].MapRange()
	for iter.Next() {
		out = append(out, iter.Key().String())
	}
	sort.Strings(out)
	return out
}

// Take records a snapshot after pkg's init.
func Take(pkg string) { Points = append(Points, Point{Package: pkg, Names: Names()}) }
