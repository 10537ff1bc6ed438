package cli

import (
	"context"
	"errors"
)

// RevisionsCmd: List task definition revisions of the family, or print one.
type RevisionsCmd struct{}

// Run is not implemented yet.
func (c *RevisionsCmd) Run(ctx context.Context, a *app) error {
	return errors.New("revisions: not implemented yet")
}
