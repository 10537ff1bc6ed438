package sandbox

// daemonState is the account's Managed Daemons (daemon_state.go).
type daemonState struct{}

// daemonHandler routes the Managed Daemon operations; nil when op is not one.
func daemonHandler(op string) func(*ecsCall) {
	return nil
}
