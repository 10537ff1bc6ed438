package config

import (
	"bytes"
	"fmt"
	"reflect"
	"unicode/utf8"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// checkText refuses a config file that is not UTF-8 text. YAML, JSON and Jsonnet
// are all defined on Unicode text; a byte that is not UTF-8 would be replaced with
// U+FFFD on the way, so a value (an AppSpec hook, a plugin parameter) would reach
// AWS changed. The error names the line of the byte and the top-level key it is
// under.
func checkText(path string, src []byte) error {
	off := 0
	for off < len(src) {
		r, n := utf8.DecodeRune(src[off:])
		if r == utf8.RuneError && n == 1 {
			break
		}
		off += n
	}
	if off == len(src) {
		return nil
	}
	line := bytes.Count(src[:off], []byte("\n")) + 1
	col := utf8.RuneCount(src[bytes.LastIndexByte(src[:off], '\n')+1:off]) + 1
	field, at := "", 0
	for k := range jsonFields(reflect.TypeFor[Config]()) {
		if l := lineOfKey(src, k); l > at && l <= line {
			field, at = k, l
		}
	}
	return &diag.Error{File: path, Line: line, Column: col, Field: field,
		Err:  fmt.Errorf("the file is not UTF-8 text: the byte 0x%02x is not UTF-8", src[off]),
		Hint: "save the config as UTF-8 (check the editor's or the generator's encoding)", Code: diag.ExitUsage}
}
