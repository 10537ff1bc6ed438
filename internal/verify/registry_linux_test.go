package verify

import "syscall"

// registryProcAttr has Linux kill the test registry if the test binary dies.
func registryProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
