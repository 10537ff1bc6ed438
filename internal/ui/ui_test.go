package ui

import "testing"

func TestColorDiff(t *testing.T) {
	got := string(ColorDiff([]byte("--- a\n+++ b\n \"x\": 1,\n-\"y\": 2\n+\"y\": 3\n")))
	want := "\x1b[31m--- a\x1b[0m\n\x1b[32m+++ b\x1b[0m\n \"x\": 1,\n\x1b[31m-\"y\": 2\x1b[0m\n\x1b[32m+\"y\": 3\x1b[0m\n"
	if got != want {
		t.Errorf("ColorDiff = %q, want %q", got, want)
	}
	if Outcome("succeeded", false) != "succeeded" || Outcome("failed", true) != "\x1b[31mfailed\x1b[0m" {
		t.Error("Outcome colours")
	}
}
