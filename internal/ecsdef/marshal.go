package ecsdef

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// Marshal prints an SDK value (input or output types, or a pointer to one) as
// canonical JSON: AWS member names (lower camelCase) in alphabetical order, nil
// pointers, empty slices and maps, and zero-valued non-pointer scalars omitted,
// 2-space indent, a trailing newline. User-keyed maps keep their keys exactly as
// written (sorted, never case-converted). Equal values always print identically.
func Marshal(v any) ([]byte, error) {
	e := &encoder{types: newTypeCache()}
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return []byte("null\n"), nil
	}
	if err := e.value(rv, 0); err != nil {
		return nil, err
	}
	e.buf.WriteByte('\n')
	return e.buf.Bytes(), nil
}

type encoder struct {
	buf   bytes.Buffer
	types *typeCache
}

// documentMarshaler is implemented by the SDK's free-form document values.
type documentMarshaler interface {
	MarshalSmithyDocument() ([]byte, error)
}

// omit reports whether a struct field or map value holding v is left out.
func omit(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32,
		reflect.Int64, reflect.Float32, reflect.Float64:
		// Non-pointer scalars in the SDK are "unset" at their zero value and the SDK
		// does not send them either.
		return v.IsZero()
	case reflect.Struct:
		return v.IsZero()
	}
	return false
}

func (e *encoder) newline(indent int) {
	e.buf.WriteByte('\n')
	for i := 0; i < indent; i++ {
		e.buf.WriteString("  ")
	}
}

func (e *encoder) value(v reflect.Value, indent int) error {
	t := v.Type()
	if t == timeType {
		writeString(&e.buf, v.Interface().(time.Time).UTC().Format(time.RFC3339Nano))
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			e.buf.WriteString("null")
			return nil
		}
		return e.value(v.Elem(), indent)
	case reflect.Interface:
		if v.IsNil() {
			e.buf.WriteString("null")
			return nil
		}
		return e.iface(v, indent)
	case reflect.Struct:
		return e.structValue(v, indent)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && v.Len() > 0 {
			writeString(&e.buf, string(v.Bytes()))
			return nil
		}
		return e.array(v.Len(), indent, func(i int) error { return e.value(v.Index(i), indent+1) })
	case reflect.Map:
		return e.mapValue(v, indent)
	case reflect.String:
		writeString(&e.buf, v.String())
	case reflect.Bool:
		e.buf.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.buf.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Float32, reflect.Float64:
		e.buf.WriteString(formatFloat(v.Float()))
	default:
		return fmt.Errorf("ecsdef.Marshal: unsupported Go type %s", t)
	}
	return nil
}

func (e *encoder) structValue(v reflect.Value, indent int) error {
	si := e.types.structOf(v.Type())
	first := true
	for _, f := range si.fields {
		fv := v.Field(f.index)
		if omit(fv) && !f.always {
			continue
		}
		if first {
			e.buf.WriteByte('{')
			first = false
		} else {
			e.buf.WriteByte(',')
		}
		e.newline(indent + 1)
		writeString(&e.buf, f.wire)
		e.buf.WriteString(": ")
		if err := e.value(fv, indent+1); err != nil {
			return err
		}
	}
	if first {
		e.buf.WriteString("{}")
		return nil
	}
	e.newline(indent)
	e.buf.WriteByte('}')
	return nil
}

// mapValue prints a user-keyed map with its keys as written, sorted.
func (e *encoder) mapValue(v reflect.Value, indent int) error {
	if v.Type().Key().Kind() != reflect.String {
		return fmt.Errorf("ecsdef.Marshal: unsupported map key type %s", v.Type().Key())
	}
	keys := make([]string, 0, v.Len())
	for _, k := range v.MapKeys() {
		keys = append(keys, k.String())
	}
	slices.Sort(keys)
	return e.object(keys, indent, func(k string) error {
		return e.value(v.MapIndex(reflect.ValueOf(k).Convert(v.Type().Key())), indent+1)
	})
}

// object prints {"key": value, ...} with the keys in the order given ({} when there
// are none); value prints the value of key at indent+1.
func (e *encoder) object(keys []string, indent int, value func(key string) error) error {
	if len(keys) == 0 {
		e.buf.WriteString("{}")
		return nil
	}
	e.buf.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			e.buf.WriteByte(',')
		}
		e.newline(indent + 1)
		writeString(&e.buf, k)
		e.buf.WriteString(": ")
		if err := value(k); err != nil {
			return err
		}
	}
	e.newline(indent)
	e.buf.WriteByte('}')
	return nil
}

// array prints [value, ...] for n elements ([] when n is 0); value prints element i
// at indent+1.
func (e *encoder) array(n, indent int, value func(i int) error) error {
	if n == 0 {
		e.buf.WriteString("[]")
		return nil
	}
	e.buf.WriteByte('[')
	for i := range n {
		if i > 0 {
			e.buf.WriteByte(',')
		}
		e.newline(indent + 1)
		if err := value(i); err != nil {
			return err
		}
	}
	e.newline(indent)
	e.buf.WriteByte(']')
	return nil
}

// iface prints free-form documents as their JSON and unions as {"member": value}.
func (e *encoder) iface(v reflect.Value, indent int) error {
	if dm, ok := v.Interface().(documentMarshaler); ok {
		raw, err := dm.MarshalSmithyDocument()
		if err != nil {
			return fmt.Errorf("ecsdef.Marshal: document: %w", err)
		}
		return e.rawJSON(raw, indent)
	}
	c := v.Elem()
	for c.Kind() == reflect.Pointer && !c.IsNil() {
		c = c.Elem()
	}
	if c.Kind() != reflect.Struct {
		return fmt.Errorf("ecsdef.Marshal: unsupported union value %s", v.Elem().Type())
	}
	// types.UnknownUnionMember: a member this SDK version does not know.
	if tag, raw := c.FieldByName("Tag"), c.FieldByName("Value"); tag.IsValid() && tag.Kind() == reflect.String &&
		raw.IsValid() && raw.Kind() == reflect.Slice && raw.Type().Elem().Kind() == reflect.Uint8 {
		return e.object([]string{tag.String()}, indent, func(string) error { return e.rawJSON(raw.Bytes(), indent+1) })
	}
	name := unionMemberName(c.Type())
	val := c.FieldByName("Value")
	if name == "" || !val.IsValid() {
		return fmt.Errorf("ecsdef.Marshal: unsupported union value %s", v.Elem().Type())
	}
	return e.object([]string{name}, indent, func(string) error { return e.value(val, indent+1) })
}

// rawJSON re-indents an embedded JSON document to the current depth, with keys
// sorted so the output stays deterministic.
func (e *encoder) rawJSON(raw []byte, indent int) error {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("ecsdef.Marshal: document: %w", err)
	}
	return e.plain(v, indent)
}

func (e *encoder) plain(v any, indent int) error {
	switch x := v.(type) {
	case nil:
		e.buf.WriteString("null")
	case bool:
		e.buf.WriteString(strconv.FormatBool(x))
	case json.Number:
		e.buf.WriteString(x.String())
	case string:
		writeString(&e.buf, x)
	case []any:
		return e.array(len(x), indent, func(i int) error { return e.plain(x[i], indent+1) })
	case map[string]any:
		return e.object(slices.Sorted(maps.Keys(x)), indent, func(k string) error { return e.plain(x[k], indent+1) })
	default:
		return fmt.Errorf("ecsdef.Marshal: unsupported document value %T", v)
	}
	return nil
}

func formatFloat(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "null"
	}
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		return strconv.FormatFloat(f, 'e', -1, 64)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// writeString writes s as a JSON string. Unlike encoding/json it leaves <, > and &
// alone, so values such as traefik rules stay readable in diffs.
func writeString(b *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c < 0x20 || c == 0x7f:
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\ufffd`)
		case r == '\u2028' || r == '\u2029':
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}
