package cli

import (
	"context"
	"errors"
)

// DeregisterCmd: Deregister (and optionally delete) task definition revisions not in use.
type DeregisterCmd struct{}

// Run is not implemented yet.
func (c *DeregisterCmd) Run(ctx context.Context, a *app) error {
	return errors.New("deregister: not implemented yet")
}
