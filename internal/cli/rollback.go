package cli

import (
	"context"
	"errors"
)

// RollbackCmd: Point the service back at the previous task definition revision.
type RollbackCmd struct{}

// Run is not implemented yet.
func (c *RollbackCmd) Run(ctx context.Context, a *app) error {
	return errors.New("rollback: not implemented yet")
}
