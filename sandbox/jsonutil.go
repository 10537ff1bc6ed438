package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// obj is a decoded JSON object; numbers stay json.Number so nothing is rounded.
type obj = map[string]any

func decodeObj(b []byte) (obj, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var o obj
	if len(bytes.TrimSpace(b)) == 0 {
		return obj{}, nil
	}
	if err := d.Decode(&o); err != nil {
		return nil, err
	}
	if o == nil {
		o = obj{}
	}
	return o, nil
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func str(o obj, k string) string {
	if o == nil {
		return ""
	}
	s, _ := o[k].(string)
	return s
}

func num(o obj, k string) (int, bool) {
	if o == nil {
		return 0, false
	}
	switch v := o[k].(type) {
	case json.Number:
		i, err := strconv.Atoi(v.String())
		if err != nil {
			f, ferr := v.Float64()
			if ferr != nil {
				return 0, false
			}
			return int(f), true
		}
		return i, true
	case float64:
		return int(v), true
	case int:
		return v, true
	}
	return 0, false
}

func boolean(o obj, k string) bool {
	if o == nil {
		return false
	}
	b, _ := o[k].(bool)
	return b
}

func sub(o obj, k string) obj {
	if o == nil {
		return nil
	}
	m, _ := o[k].(map[string]any)
	return m
}

func list(o obj, k string) []any {
	if o == nil {
		return nil
	}
	l, _ := o[k].([]any)
	return l
}

// epoch renders a timestamp the way AWS JSON protocols do: seconds since the epoch.
func epoch(t time.Time) json.Number {
	return json.Number(strconv.FormatFloat(float64(t.UnixMilli())/1000, 'f', 3, 64))
}

// canon is a canonical JSON form used to compare configuration values.
func canon(v any) string {
	b, err := marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// clone deep-copies a JSON value.
func clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = clone(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = clone(e)
		}
		return l
	}
	return v
}

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case json.Number:
		return x.Float64()
	case float64:
		return x, nil
	case int:
		return float64(x), nil
	}
	return 0, fmt.Errorf("not a number: %v", v)
}

// decodeInto decodes a JSON document into a typed value; members typed any keep
// their numbers as json.Number, as decodeObj does. An empty body is an empty object.
func decodeInto(b []byte, v any) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}
