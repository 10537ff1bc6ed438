//go:build !linux

package verify

import "syscall"

// registryProcAttr: only Linux has a parent-death signal; elsewhere the test's
// cleanup kills the registry.
func registryProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{} }
