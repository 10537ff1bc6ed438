package cli

import (
	"fmt"
	"math"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// Validate checks the global flags kong cannot check by itself. Kong calls it after
// parsing, before any verb runs.
func (g *Globals) Validate() error {
	if g.Parallel < 1 {
		return diag.Invalid(fmt.Errorf("--parallel %d: must be 1 or more", g.Parallel), "")
	}
	if g.MaxRPS < 0 || math.IsNaN(g.MaxRPS) || math.IsInf(g.MaxRPS, 0) {
		return diag.Invalid(fmt.Errorf("--max-rps %v: must be a number of requests per second above 0 (or 0 for the default)", g.MaxRPS), "")
	}
	return nil
}
