package cli

import (
	"context"
	"errors"
)

// DeleteCmd: Delete the service.
type DeleteCmd struct{}

// Run is not implemented yet.
func (c *DeleteCmd) Run(ctx context.Context, a *app) error {
	return errors.New("delete: not implemented yet")
}
