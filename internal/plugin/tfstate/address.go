package tfstate

import (
	"fmt"
	"strconv"
	"strings"
)

// step is one element of an attribute path: a key (.name or ["name"]) or a list
// index ([0]).
type step struct {
	key   string
	index int
	isIdx bool
}

func (s step) String() string {
	if s.isIdx {
		return "[" + strconv.Itoa(s.index) + "]"
	}
	return "." + s.key
}

// address is a parsed lookup such as module.vpc.aws_subnet.private[0].tags.Name.
type address struct {
	output   string // output name for output.NAME…
	resource string // canonical resource address: module.a["k"].data.type.name
	instance *step  // [0] or ["key"] after the resource name, nil when absent
	path     []step // attribute path after the resource (or output)
}

// label is the address without the attribute path, as Terraform prints it.
func (a address) label() string {
	if a.output != "" {
		return "output." + a.output
	}
	if a.instance == nil {
		return a.resource
	}
	return a.resource + keyString(*a.instance)
}

// keyString prints an instance or module key the way Terraform writes it in state
// (string keys double-quoted).
func keyString(s step) string {
	if s.isIdx {
		return "[" + strconv.Itoa(s.index) + "]"
	}
	return "[" + strconv.Quote(s.key) + "]"
}

// token is an identifier or a bracketed key in an address.
type token struct {
	ident string
	key   *step
}

// tokenize splits an address into identifiers and bracketed keys. Keys may be
// integers or strings in double or single quotes (ecspresso accepts both).
func tokenize(s string) ([]token, error) {
	var toks []token
	i := 0
	expectIdent := true
	for i < len(s) {
		switch c := s[i]; {
		case c == '.':
			if expectIdent && i > 0 {
				return nil, fmt.Errorf("empty name at offset %d", i)
			}
			expectIdent = true
			i++
		case c == '[':
			j := i + 1
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated [ at offset %d", i)
			}
			var st step
			if q := s[j]; q == '"' || q == '\'' {
				end := j + 1
				var b strings.Builder
				for end < len(s) && s[end] != q {
					if s[end] == '\\' && end+1 < len(s) {
						end++
					}
					b.WriteByte(s[end])
					end++
				}
				if end+1 >= len(s) || s[end+1] != ']' {
					return nil, fmt.Errorf("unterminated key at offset %d", i)
				}
				st = step{key: b.String()}
				i = end + 2
			} else {
				end := strings.IndexByte(s[j:], ']')
				if end < 0 {
					return nil, fmt.Errorf("unterminated [ at offset %d", i)
				}
				n, err := strconv.Atoi(strings.TrimSpace(s[j : j+end]))
				if err != nil {
					return nil, fmt.Errorf("index %q is neither a number nor a quoted key", s[j:j+end])
				}
				st = step{index: n, isIdx: true}
				i = j + end + 1
			}
			toks = append(toks, token{key: &st})
			expectIdent = false
		default:
			if !expectIdent {
				return nil, fmt.Errorf("expected . or [ at offset %d", i)
			}
			end := i
			for end < len(s) && s[end] != '.' && s[end] != '[' {
				end++
			}
			toks = append(toks, token{ident: s[i:end]})
			i = end
			expectIdent = false
		}
	}
	if expectIdent {
		return nil, fmt.Errorf("address ends with a dot")
	}
	return toks, nil
}

// parseAddress parses a lookup address: output.NAME[.path], or
// [module.NAME[KEY]]…[data.]TYPE.NAME[KEY][.path].
func parseAddress(s string) (address, error) {
	toks, err := tokenize(strings.TrimSpace(s))
	if err != nil {
		return address{}, fmt.Errorf("invalid address %q: %w", s, err)
	}
	if len(toks) == 0 {
		return address{}, fmt.Errorf("empty address")
	}
	var a address
	i := 0
	if toks[0].ident == "output" {
		if len(toks) < 2 || toks[1].ident == "" {
			return address{}, fmt.Errorf("invalid address %q: output needs a name", s)
		}
		a.output = toks[1].ident
		a.path = pathOf(toks[2:])
		return a, nil
	}
	var b strings.Builder
	for i+1 < len(toks) && toks[i].ident == "module" && toks[i+1].ident != "" {
		b.WriteString("module.")
		b.WriteString(toks[i+1].ident)
		i += 2
		if i < len(toks) && toks[i].key != nil {
			b.WriteString(keyString(*toks[i].key))
			i++
		}
		b.WriteByte('.')
	}
	if i < len(toks) && toks[i].ident == "data" {
		b.WriteString("data.")
		i++
	}
	if i+1 >= len(toks) || toks[i].ident == "" || toks[i+1].ident == "" {
		return address{}, fmt.Errorf("invalid address %q: want TYPE.NAME after the module path, e.g. aws_subnet.private[0].id", s)
	}
	b.WriteString(toks[i].ident)
	b.WriteByte('.')
	b.WriteString(toks[i+1].ident)
	a.resource = b.String()
	i += 2
	if i < len(toks) && toks[i].key != nil {
		a.instance = toks[i].key
		i++
	}
	a.path = pathOf(toks[i:])
	return a, nil
}

func pathOf(toks []token) []step {
	p := make([]step, 0, len(toks))
	for _, t := range toks {
		if t.key != nil {
			p = append(p, *t.key)
		} else {
			p = append(p, step{key: t.ident})
		}
	}
	return p
}

// resourceAddress builds the canonical address of a state resource entry.
func resourceAddress(module, mode, typ, name string) string {
	var b strings.Builder
	if module != "" {
		b.WriteString(module)
		b.WriteByte('.')
	}
	if mode == "data" {
		b.WriteString("data.")
	}
	b.WriteString(typ)
	b.WriteByte('.')
	b.WriteString(name)
	return b.String()
}
