package render

import (
	"bytes"
	"fmt"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// Limits on what a config or definition file may expand to. Real files are a few
// kilobytes, nested a dozen levels and use a handful of aliases; hostile or broken
// input ("billion laughs" alias bombs, thousands of nested brackets, which the YAML
// parser handles in quadratic time) must fail fast with a clear message instead of
// taking the machine down.
const (
	// MaxFileBytes bounds a config or definition file, before and after templating.
	MaxFileBytes = 8 << 20
	// MaxNesting bounds how deeply objects and lists nest.
	MaxNesting = 100
	// MaxYAMLNodes bounds the values of a YAML document after expanding aliases.
	MaxYAMLNodes = 200_000
)

func tooBig(path string, n int) error {
	return &diag.Error{File: path, Code: diag.ExitUsage,
		Err:  fmt.Errorf("%d bytes; files are limited to %d MiB", n, MaxFileBytes>>20),
		Hint: "a config or definition this large is almost certainly a mistake (a template loop, a wrong file)"}
}

// scanYAML checks the size and nesting of YAML text without parsing it: flow
// brackets outside quotes and comments, block indentation levels (a stack of
// indents) and "- - -" runs.
func scanYAML(path string, b []byte) error {
	if len(b) > MaxFileBytes {
		return tooBig(path, len(b))
	}
	depth, line := 0, 1
	lineStart := true
	indent, dashes := 0, 0
	var indents []int // indentation of the enclosing block levels
	var quote byte
	fail := func(format string, args ...any) error {
		return &diag.Error{File: path, Line: line, Code: diag.ExitUsage, Err: fmt.Errorf(format, args...),
			Hint: fmt.Sprintf("objects and lists may nest at most %d levels", MaxNesting)}
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\n' {
			line++
			lineStart, indent, dashes = true, 0, 0
			if quote == '\'' || quote == '"' {
				continue // quoted scalars may span lines
			}
			continue
		}
		if quote != 0 {
			switch {
			case quote == '"' && c == '\\':
				i++
			case c == quote:
				if quote == '\'' && i+1 < len(b) && b[i+1] == '\'' {
					i++ // '' is an escaped quote
				} else {
					quote = 0
				}
			}
			continue
		}
		if lineStart {
			switch {
			case c == ' ':
				indent++
				continue
			case c == '-' && i+1 < len(b) && (b[i+1] == ' ' || b[i+1] == '\n'):
				dashes++
				if dashes > MaxNesting {
					return fail("more than %d nested lists on one line", MaxNesting)
				}
				continue
			}
			lineStart = false
			if c != '#' && c != '\r' && depth == 0 {
				for len(indents) > 0 && indents[len(indents)-1] >= indent {
					indents = indents[:len(indents)-1]
				}
				indents = append(indents, indent)
				if len(indents) > MaxNesting {
					return fail("nested deeper than %d levels", MaxNesting)
				}
			}
		}
		switch c {
		case '#':
			if i == 0 || b[i-1] == ' ' || b[i-1] == '\t' || b[i-1] == '\n' {
				for i+1 < len(b) && b[i+1] != '\n' {
					i++
				}
			}
		case '"', '\'':
			// A quote starts a quoted scalar only at the start of a value.
			if i == 0 || bytes.IndexByte([]byte(" \t\n[{,:-?"), b[i-1]) >= 0 {
				quote = c
			}
		case '[', '{':
			depth++
			if depth > MaxNesting {
				return fail("nested deeper than %d levels", MaxNesting)
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}

// checkYAMLTree rejects what the converter would silently get wrong or blow up on:
// more than one document (the converter keeps the first and drops the rest) and
// aliases expanding beyond MaxYAMLNodes values.
func checkYAMLTree(path string, b []byte) error {
	f, err := parser.ParseBytes(b, 0)
	if err != nil {
		return nil // the converter reports syntax errors with their position
	}
	var docs []*ast.DocumentNode
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d)
		}
	}
	if len(docs) > 1 {
		line := 0
		if tk := docs[1].Body.GetToken(); tk != nil && tk.Position != nil {
			line = tk.Position.Line
		}
		return &diag.Error{File: path, Line: line, Code: diag.ExitUsage,
			Err:  fmt.Errorf("%d YAML documents in one file; only one is read", len(docs)),
			Hint: "remove the --- separator and the extra document, or move it to its own file"}
	}
	if len(docs) == 0 {
		return nil
	}
	c := &expansion{anchors: map[string]int{}}
	n := c.size(docs[0].Body, 0)
	if c.deep {
		return &diag.Error{File: path, Line: c.line, Code: diag.ExitUsage,
			Err: fmt.Errorf("nested deeper than %d levels", MaxNesting), Hint: fmt.Sprintf("objects and lists may nest at most %d levels", MaxNesting)}
	}
	if c.err != nil || n > MaxYAMLNodes {
		return &diag.Error{File: path, Line: c.line, Code: diag.ExitUsage,
			Err:  fmt.Errorf("aliases expand to more than %d values", MaxYAMLNodes),
			Hint: "this looks like an alias bomb (\"billion laughs\"); reduce the use of *aliases"}
	}
	return nil
}

// expansion computes a YAML tree's size with every alias replaced by its anchor's
// value, stopping at the limit.
type expansion struct {
	anchors map[string]int
	err     error
	deep    bool
	line    int
}

func (e *expansion) size(n ast.Node, depth int) int {
	if n == nil || e.err != nil {
		return 0
	}
	if depth > 4*MaxNesting { // a value is up to 4 AST nodes deep per level
		e.err, e.deep = fmt.Errorf("too deep"), true
		if tk := n.GetToken(); tk != nil && tk.Position != nil {
			e.line = tk.Position.Line
		}
		return 0
	}
	total := 1
	switch v := n.(type) {
	case *ast.AnchorNode:
		total = e.size(v.Value, depth+1)
		if v.Name != nil {
			e.anchors[v.Name.String()] = total
		}
	case *ast.AliasNode:
		if v.Value != nil {
			total = max(1, e.anchors[v.Value.String()])
		}
	case *ast.TagNode:
		total = e.size(v.Value, depth+1)
	case *ast.MappingNode:
		for _, mv := range v.Values {
			total += e.size(mv, depth+1)
		}
	case *ast.MappingValueNode:
		total = e.size(v.Key, depth+1) + e.size(v.Value, depth+1)
	case *ast.SequenceNode:
		for _, sv := range v.Values {
			total += e.size(sv, depth+1)
		}
	}
	if total > MaxYAMLNodes && e.err == nil {
		e.err = fmt.Errorf("too large")
		if tk := n.GetToken(); tk != nil && tk.Position != nil {
			e.line = tk.Position.Line
		}
	}
	return total
}
