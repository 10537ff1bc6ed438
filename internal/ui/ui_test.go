package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

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

func TestJSONLines(t *testing.T) {
	var b strings.Builder
	j := NewConsole(&b, ConsoleOptions{JSON: true, Now: func() time.Time { return time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC) }})
	fmt.Fprintf(j, "plan: update service web\n  task definition: reuse\n\n")
	fmt.Fprint(j, "type the service name: ")
	want := `{"time":"2026-11-26T08:00:00.000Z","level":"INFO","msg":"plan: update service web"}
{"time":"2026-11-26T08:00:00.000Z","level":"INFO","msg":"  task definition: reuse"}
{"time":"2026-11-26T08:00:00.000Z","level":"INFO","msg":"type the service name: "}
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

// Documents and log records keep "<", ">" and "&" as they are (a URL's query, an
// image tag's comparison in a message), on one line without a trailing newline.
func TestMarshalNoEscape(t *testing.T) {
	got, err := MarshalNoEscape(map[string]string{"url": "https://x/?a=1&b=<2>"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"url":"https://x/?a=1&b=<2>"}`; string(got) != want {
		t.Errorf("MarshalNoEscape = %s, want %s", got, want)
	}
}
