package moto

import "syscall"

// procAttr puts moto_server in its own process group (Stop signals the whole group:
// moto_server forks workers) and has Linux send it SIGTERM if the parent dies, so an
// interrupted test run leaves no server behind.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM, Setpgid: true}
}
