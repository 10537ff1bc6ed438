package ecsdef

import (
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// ECS's API is JSON, whose text is Unicode (RFC 8259 §8.1: "JSON text exchanged
// between systems that are not part of a closed ecosystem MUST be encoded using
// UTF-8"). A string literal that holds bytes which are not UTF-8, or a \u escape of
// half a surrogate pair, has no Unicode value: encoding/json, which decodes our
// string literals, silently replaces both with U+FFFD, so the value ECS would
// store is not the one in the file. doppio refuses them instead, at their position.

const refJSONText = "https://www.rfc-editor.org/rfc/rfc8259#section-8.1"

// badText is a string literal of the file that is not Unicode text.
type badText struct {
	quote int    // offset of the literal's opening quote
	off   int    // offset of the first offending byte or escape
	what  string // what is wrong, for the message
	key   bool   // the literal is an object member's name
	value int    // for a key: the offset of the member's value
}

// scanText returns every string literal of data (well-formed JSON) holding bytes
// that are not UTF-8 or an unpaired surrogate escape, in file order, one per
// literal.
func scanText(data []byte) []badText {
	var out []badText
	for i := 0; i < len(data); i++ {
		if data[i] != '"' {
			continue
		}
		start := i
		var bad *badText
		for i++; i < len(data) && data[i] != '"'; {
			c := data[i]
			switch {
			case c == '\\' && i+1 < len(data) && data[i+1] == 'u':
				_, ok, n := escapedRune(data[i:])
				if !ok && bad == nil {
					bad = &badText{quote: start, off: i, what: fmt.Sprintf("the escape %s is half of a UTF-16 surrogate pair", data[i:i+6])}
				}
				i += n
			case c == '\\':
				i += 2
			case c >= utf8.RuneSelf:
				r, n := utf8.DecodeRune(data[i:])
				if r == utf8.RuneError && n == 1 && bad == nil {
					bad = &badText{quote: start, off: i, what: fmt.Sprintf("the byte 0x%02x is not UTF-8", c)}
				}
				i += n
			default:
				i++
			}
		}
		if bad != nil {
			j := i + 1
			for j < len(data) && (data[j] == ' ' || data[j] == '\t' || data[j] == '\n' || data[j] == '\r') {
				j++
			}
			if bad.key = j < len(data) && data[j] == ':'; bad.key {
				for j++; j < len(data) && (data[j] == ' ' || data[j] == '\t' || data[j] == '\n' || data[j] == '\r'); j++ {
				}
				bad.value = j
			}
			out = append(out, *bad)
		}
	}
	return out
}

// escapedRune decodes the \uXXXX escape at the start of b, with the low half that
// follows a high surrogate; ok is false for an unpaired surrogate. n is the number
// of bytes consumed.
func escapedRune(b []byte) (r rune, ok bool, n int) {
	hex := func(b []byte) (rune, bool) {
		if len(b) < 6 {
			return 0, false
		}
		v, err := strconv.ParseUint(string(b[2:6]), 16, 32)
		return rune(v), err == nil
	}
	r, ok = hex(b)
	if !ok {
		return 0, true, 2 // malformed: the parser has reported it already
	}
	switch {
	case r >= 0xdc00 && r <= 0xdfff: // a low half on its own
		return r, false, 6
	case r >= 0xd800 && r <= 0xdbff:
		if len(b) >= 12 && b[6] == '\\' && b[7] == 'u' {
			if lo, ok := hex(b[6:]); ok && lo >= 0xdc00 && lo <= 0xdfff {
				return utf16.DecodeRune(r, lo), true, 12
			}
		}
		return r, false, 6
	}
	return r, true, 6
}

// textErrors turns the file's non-Unicode string literals into located errors,
// naming the field whose value (or, for a member name, whose key) holds them.
func (d *decoder) textErrors() []error {
	bad := scanText(d.data)
	if len(bad) == 0 {
		return nil
	}
	byOffset := make(map[int]string, len(d.pos))
	for path, off := range d.pos {
		if p, ok := byOffset[off]; !ok || len(path) > len(p) {
			byOffset[off] = path
		}
	}
	errs := make([]error, 0, len(bad))
	for _, b := range bad {
		at := b.quote
		if b.key {
			at = b.value // the path of a member's value names its key
		}
		field := byOffset[at]
		line, col := lineCol(d.data, b.off)
		kind := "the string"
		if b.key {
			kind = "the key"
		}
		errs = append(errs, &diag.Error{File: d.file, Line: line, Column: col, Field: field,
			Err:  fmt.Errorf("%s is not valid UTF-8 text: %s", kind, b.what),
			Hint: "write the text in UTF-8 (check the file's or the template variable's encoding); see " + refJSONText,
			Code: diag.ExitUsage})
	}
	return errs
}
