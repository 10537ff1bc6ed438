package verify

// TextOptions shape the text report, which the verify view renders
// (internal/cli/view): this package returns the Report and prints nothing.
type TextOptions struct {
	// Full repeats the reason and hint of repeated occurrences of a check
	// (--no-cache); otherwise they are marked "(cached)".
	Full bool
	// Color marks statuses with ANSI colours.
	Color bool
}
