package render

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// checkText refuses a YAML or Jsonnet source that is not UTF-8 text: both
// languages are defined on Unicode, and their parsers replace a byte that is not
// UTF-8 with U+FFFD, so the value would reach AWS changed. (A .json definition is
// checked after decoding, where the field is known: ecsdef's textErrors.)
func checkText(path string, src []byte) error {
	if utf8.Valid(src) {
		return nil
	}
	off := 0
	for {
		r, n := utf8.DecodeRune(src[off:])
		if r == utf8.RuneError && n == 1 {
			break
		}
		off += n
	}
	line := bytes.Count(src[:off], []byte("\n")) + 1
	col := utf8.RuneCount(src[bytes.LastIndexByte(src[:off], '\n')+1:off]) + 1
	return &diag.Error{File: path, Line: line, Column: col,
		Err:  fmt.Errorf("the file is not UTF-8 text: the byte 0x%02x is not UTF-8", src[off]),
		Hint: "save the file as UTF-8 (check the editor's or the generator's encoding)", Code: diag.ExitUsage}
}
