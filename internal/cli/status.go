package cli

import (
	"context"
	"errors"
)

// StatusCmd: Show the service, its deployments and recent events.
type StatusCmd struct{}

// Run is not implemented yet.
func (c *StatusCmd) Run(ctx context.Context, a *app) error {
	return errors.New("status: not implemented yet")
}
