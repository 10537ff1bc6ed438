// Package compat holds doppio's ecspresso compatibility suite: ecspresso-shaped
// projects under testdata/projects, each with the render of its config, service
// definition and task definition that doppio must print. It has no code of its own;
// see compat_test.go and testdata/projects/README.md.
package compat
