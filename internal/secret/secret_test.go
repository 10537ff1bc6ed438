package secret

import (
	"bytes"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	s := NewSet()
	s.Add("p@ss\"<w>", "ssm:/db")
	s.Add("p@ss", "ssm:/short")
	s.Add("", "ignored")
	in := `raw p@ss"<w> json "p@ss\"\u003cw\u003e" plain "p@ss\"<w>" short p@ss`
	got := string(s.Redact([]byte(in)))
	if strings.Contains(got, "p@ss") {
		t.Fatalf("leak: %s", got)
	}
	if strings.Count(got, "(secret ssm:/db)") != 3 || !strings.HasSuffix(got, "short (secret ssm:/short)") {
		t.Errorf("Redact = %s", got)
	}
	var b bytes.Buffer
	w := s.Writer(&b)
	if n, err := w.Write([]byte("x p@ss y")); err != nil || n != 8 {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if b.String() != "x (secret ssm:/short) y" {
		t.Errorf("Writer wrote %q", b.String())
	}
	s.Show()
	if got := s.RedactString("p@ss"); got != "p@ss" {
		t.Errorf("after Show: %q", got)
	}
}
