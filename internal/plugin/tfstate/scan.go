package tfstate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// The state is read in one streaming pass by a small purpose-built scanner rather
// than encoding/json's Decoder: only the few resources a template needs are kept,
// everything else is skipped at memory speed (string bodies with bytes.IndexByte),
// so a 50 MB state costs one buffer of memory and tens of milliseconds.
// encoding/json/jsontext would do, but in Go 1.26 it still needs GOEXPERIMENT=jsonv2.

const bufSize = 256 << 10

// scanner reads JSON tokens from a stream through a sliding buffer.
type scanner struct {
	r    io.Reader
	buf  []byte
	pos  int
	end  int
	base int64 // stream offset of buf[0]
	err  error // sticky read error (io.EOF at the end)
}

func newScanner(r io.Reader) *scanner {
	return &scanner{r: r, buf: make([]byte, bufSize)}
}

// fill reads more input, keeping unread bytes. It reports whether any arrived.
func (s *scanner) fill() bool {
	if s.err != nil {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.base += int64(s.pos)
		s.pos, s.end = 0, n
	}
	if s.end == len(s.buf) {
		s.buf = append(s.buf, make([]byte, len(s.buf))...)
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.err = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

func (s *scanner) syntaxErr(msg string) error {
	if s.err != nil && !errors.Is(s.err, io.EOF) {
		return s.err
	}
	if s.pos >= s.end && errors.Is(s.err, io.EOF) {
		return fmt.Errorf("invalid state JSON: unexpected end of input at byte %d", s.base+int64(s.pos))
	}
	return fmt.Errorf("invalid state JSON at byte %d: %s", s.base+int64(s.pos), msg)
}

// next skips whitespace and returns the next byte without consuming it.
func (s *scanner) next() (byte, bool) {
	for {
		for s.pos < s.end {
			switch c := s.buf[s.pos]; c {
			case ' ', '\t', '\n', '\r':
				s.pos++
			default:
				return c, true
			}
		}
		if !s.fill() {
			return 0, false
		}
	}
}

// expect consumes byte c (after whitespace).
func (s *scanner) expect(c byte) error {
	b, ok := s.next()
	if !ok || b != c {
		return s.syntaxErr(fmt.Sprintf("expected %q", c))
	}
	s.pos++
	return nil
}

// readString reads a JSON string and returns it decoded.
func (s *scanner) readString() (string, error) {
	raw, err := s.rawString()
	if err != nil {
		return "", err
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), nil
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", s.syntaxErr(err.Error())
	}
	return v, nil
}

// rawString reads a JSON string including its quotes. The result is only valid
// until the next read.
func (s *scanner) rawString() ([]byte, error) {
	if err := s.expect('"'); err != nil {
		return nil, err
	}
	start := s.pos - 1
	i := s.pos
	for {
		for i < s.end {
			switch s.buf[i] {
			case '"':
				s.pos = i + 1
				return s.buf[start:s.pos], nil
			case '\\':
				i += 2
				continue
			}
			i++
		}
		// Keep the partial string in the buffer while refilling.
		s.pos = start
		off := i - start
		if !s.fill() {
			return nil, s.syntaxErr("unterminated string")
		}
		start, i = s.pos, s.pos+off
	}
}

// skipValue consumes one JSON value, appending its raw bytes to capture when it is
// not nil.
func (s *scanner) skipValue(capture *[]byte) error {
	c, ok := s.next()
	if !ok {
		return s.syntaxErr("expected a value")
	}
	switch c {
	case '{', '[':
		return s.skipComposite(capture)
	case '"':
		raw, err := s.rawString()
		if err == nil && capture != nil {
			*capture = append(*capture, raw...)
		}
		return err
	}
	// number, true, false, null: up to the next delimiter
	n := 0 // bytes consumed so far
	for {
		i := s.pos
		for i < s.end {
			switch s.buf[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				if capture != nil {
					*capture = append(*capture, s.buf[s.pos:i]...)
				}
				if n+i-s.pos == 0 {
					return s.syntaxErr("expected a value")
				}
				s.pos = i
				return nil
			}
			i++
		}
		if capture != nil {
			*capture = append(*capture, s.buf[s.pos:i]...)
		}
		n += i - s.pos
		s.pos = i
		if !s.fill() {
			return nil // a scalar at the very end of the input
		}
	}
}

// skipComposite consumes an object or array. Strings are skipped with IndexByte,
// which is what makes large states cheap.
func (s *scanner) skipComposite(capture *[]byte) error {
	depth := 0
	inStr := false
	carry := 0 // bytes to skip at the start of the next chunk (an escape split by a refill)
	for {
		b := s.buf[s.pos:s.end]
		i := carry
		carry = 0
		for i < len(b) {
			if inStr {
				// Most strings are short: a plain loop beats IndexByte's call cost.
				for i < len(b) && b[i] != '"' && b[i] != '\\' {
					i++
				}
				if i >= len(b) {
					break
				}
				if b[i] == '\\' {
					i += 2
					continue
				}
				i++
				inStr = false
				continue
			}
			// Skip to the next " { } [ ] ('[' and ']' are '{' and '}' without bit 5).
			for i < len(b) {
				if c := b[i]; c == '"' || c|0x20 == '{' || c|0x20 == '}' {
					break
				}
				i++
			}
			if i >= len(b) {
				break
			}
			switch b[i] {
			case '"':
				inStr = true
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					i++
					if capture != nil {
						*capture = append(*capture, b[:i]...)
					}
					s.pos += i
					return nil
				}
			}
			i++
		}
		if i > len(b) {
			carry = i - len(b)
			i = len(b)
		}
		if capture != nil {
			*capture = append(*capture, b[:i]...)
		}
		s.pos += i
		if !s.fill() {
			return s.syntaxErr("unterminated object or array")
		}
	}
}

// rawResource is one entry of the state's resources array, with its instances
// kept as raw JSON.
type rawResource struct {
	Each      string
	Instances []byte // nil when only the position is kept
	Off, Len  int64  // position of the instances array in the stream
}

// scanResult is what one pass over a state keeps.
type scanResult struct {
	resources map[string]*rawResource // only the wanted ones (all when want is nil)
	outputs   map[string]json.RawMessage
	addresses []string // every resource address in the state, for suggestions
	version   int
	backend   []byte // the backend block of a .terraform/terraform.tfstate
}

// scan reads a Terraform v4 state, keeping the resources want accepts (all when
// want is nil) and every output. With positionsOnly, resources keep only where
// their instances are (for a seekable source), so even a full index is small.
func scan(r io.Reader, want func(addr string) bool, positionsOnly bool) (*scanResult, error) {
	s := newScanner(r)
	res := &scanResult{resources: map[string]*rawResource{}, outputs: map[string]json.RawMessage{}}
	if err := s.expect('{'); err != nil {
		return nil, err
	}
	if err := eachKey(s, func(key string) error {
		switch key {
		case "version":
			var raw []byte
			if err := s.skipValue(&raw); err != nil {
				return err
			}
			_ = json.Unmarshal(raw, &res.version)
			return nil
		case "outputs":
			return scanOutputs(s, res)
		case "resources":
			return scanResources(s, res, want, positionsOnly)
		case "backend":
			return s.skipValue(&res.backend)
		}
		return s.skipValue(nil)
	}); err != nil {
		return nil, err
	}
	return res, nil
}

// eachKey iterates the members of the object whose '{' was just consumed; fn must
// consume the value.
func eachKey(s *scanner, fn func(key string) error) error {
	c, ok := s.next()
	if !ok {
		return s.syntaxErr("unterminated object")
	}
	if c == '}' {
		s.pos++
		return nil
	}
	for {
		key, err := s.readString()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := fn(key); err != nil {
			return err
		}
		c, ok := s.next()
		if !ok {
			return s.syntaxErr("unterminated object")
		}
		s.pos++
		switch c {
		case ',':
		case '}':
			return nil
		default:
			s.pos--
			return s.syntaxErr("expected , or }")
		}
	}
}

func scanOutputs(s *scanner, res *scanResult) error {
	if c, _ := s.next(); c != '{' {
		return s.skipValue(nil) // null or malformed: nothing to keep
	}
	s.pos++
	return eachKey(s, func(name string) error {
		var raw []byte
		if err := s.skipValue(&raw); err != nil {
			return err
		}
		res.outputs[name] = raw
		return nil
	})
}

func scanResources(s *scanner, res *scanResult, want func(string) bool, positionsOnly bool) error {
	c, ok := s.next()
	if !ok {
		return s.syntaxErr("expected resources")
	}
	if c != '[' {
		return s.skipValue(nil) // null
	}
	s.pos++
	if c, _ := s.next(); c == ']' {
		s.pos++
		return nil
	}
	var scratch []byte
	for {
		var module, mode, typ, name, each string
		var off, end int64
		scratch = scratch[:0]
		if err := s.expect('{'); err != nil {
			return err
		}
		err := eachKey(s, func(key string) error {
			var err error
			switch key {
			case "module":
				module, err = s.readString()
			case "mode":
				mode, err = s.readString()
			case "type":
				typ, err = s.readString()
			case "name":
				name, err = s.readString()
			case "each":
				each, err = s.readString()
			case "instances":
				if _, ok := s.next(); !ok {
					return s.syntaxErr("expected instances")
				}
				off = s.base + int64(s.pos)
				if positionsOnly {
					err = s.skipValue(nil)
				} else {
					err = s.skipValue(&scratch)
				}
				end = s.base + int64(s.pos)
			default:
				err = s.skipValue(nil)
			}
			return err
		})
		if err != nil {
			return err
		}
		addr := resourceAddress(module, mode, typ, name)
		res.addresses = append(res.addresses, addr)
		if want == nil || want(addr) {
			rr := &rawResource{Each: each, Off: off, Len: end - off}
			if !positionsOnly {
				rr.Instances = bytes.Clone(scratch)
			}
			res.resources[addr] = rr
		}
		c, ok := s.next()
		if !ok {
			return s.syntaxErr("unterminated resources")
		}
		s.pos++
		switch c {
		case ',':
		case ']':
			return nil
		default:
			s.pos--
			return s.syntaxErr("expected , or ]")
		}
	}
}
