//go:build unix && !linux

package moto

import "syscall"

// procAttr puts moto_server in its own process group (Stop signals the whole group).
// Only Linux has a parent-death signal; elsewhere Stop (and the test's cleanup) is
// what ends the server.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
