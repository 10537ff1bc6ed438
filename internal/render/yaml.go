package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// renderedHint explains positions in text the template changed.
const renderedHint = "the position is in the template's output; run doppio render to see it"

// yamlToJSON converts rendered YAML to JSON. unchanged says whether the template
// left the text as written, so positions are the source's.
func yamlToJSON(path string, b []byte, unchanged bool) ([]byte, error) {
	if err := scanYAML(path, b); err != nil {
		return nil, err
	}
	if err := checkYAMLTree(path, b); err != nil {
		return nil, err
	}
	out, err := yaml.YAMLToJSON(b)
	if err != nil {
		d := &diag.Error{File: path, Code: diag.ExitUsage}
		var ye yaml.Error
		if errors.As(err, &ye) {
			d.Err = fmt.Errorf("yaml: %s", ye.GetMessage())
			if tk := ye.GetToken(); tk != nil && tk.Position != nil {
				d.Line, d.Column = tk.Position.Line, tk.Position.Column
			}
		} else {
			d.Err = fmt.Errorf("yaml: %w", err)
		}
		if !unchanged && d.Line > 0 {
			d.Hint = renderedHint
		}
		return nil, d
	}
	out = bytes.TrimSpace(out)
	if !json.Valid(out) {
		// The converter writes some control characters as escapes JSON does not
		// have (\a, \v, \e); they are not allowed in the names ECS checks either.
		d := &diag.Error{File: path, Code: diag.ExitUsage,
			Err:  errors.New("yaml: a string contains a control character (such as \\a or \\u0007), which doppio does not accept"),
			Hint: "remove the control character; ECS rejects them in names"}
		if loc := controlEscape.FindIndex(b); loc != nil {
			d.Line, d.Column = position(b, loc[0])
		}
		return nil, d
	}
	return out, nil
}

// controlEscape finds a YAML double-quoted escape of a control character.
var controlEscape = regexp.MustCompile(`\\(?:u00[01][0-9a-fA-F]|x[01][0-9a-fA-F]|u007[fF]|x7[fF]|[0abtnvfreN_LP])`)

// checkJSON requires b to be JSON, locating the first syntax error.
func checkJSON(path string, b []byte, unchanged bool) error {
	if json.Valid(b) {
		return nil
	}
	var v any
	err := json.Unmarshal(b, &v)
	if err == nil {
		return nil
	}
	d := &diag.Error{File: path, Code: diag.ExitUsage, Err: fmt.Errorf("invalid JSON: %w", err)}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		d.Line, d.Column = position(b, int(se.Offset)-1)
		d.Err = fmt.Errorf("invalid JSON: %s", se.Error())
	}
	switch {
	case looksLikeJsonnet(b):
		d.Hint = "a .json definition is plain JSON (as in ecspresso); rename it to .jsonnet to use comments and trailing commas"
	case !unchanged:
		d.Hint = renderedHint
	}
	return d
}

// looksLikeJsonnet reports whether b has // or /* comments or trailing commas
// outside strings.
func looksLikeJsonnet(b []byte) bool {
	inStr := false
	lastSignificant := byte(0)
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inStr {
			switch c {
			case '\\':
				i++
			case '"':
				inStr = false
				lastSignificant = '"'
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '/':
			if i+1 < len(b) && (b[i+1] == '/' || b[i+1] == '*') {
				return true
			}
		case '}', ']':
			if lastSignificant == ',' {
				return true
			}
		}
		if !strings.ContainsRune(" \t\r\n", rune(c)) {
			lastSignificant = c
		}
	}
	return false
}

// position converts a byte offset to a 1-based line and column.
func position(b []byte, off int) (int, int) {
	off = max(0, min(off, len(b)))
	line := 1 + bytes.Count(b[:off], []byte("\n"))
	col := off - (bytes.LastIndexByte(b[:off], '\n') + 1) + 1
	return line, col
}
