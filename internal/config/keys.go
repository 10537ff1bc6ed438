package config

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// Keys ecspresso does not know. ecspresso decodes its config with encoding/json,
// first strictly and then, on an unknown field, leniently after logging a warning:
// an unknown key is ignored, and a key differing from a known one only in case is
// that key. Projects rely on it, e.g. a top-level "x-platform: &platform" that only
// holds a YAML anchor. doppio loads such files too, with this rule:
//
//   - a key starting with "x-" is an extension: ignored silently (the convention of
//     Compose files and OpenAPI documents);
//   - a key equal to a known one but for case is that key, with a warning naming
//     the spelling to use;
//   - a key within edit distance 2 of a known key (case-insensitively) is a
//     misspelling: exit 2 with a did-you-mean, because ignoring "servce" or
//     "task_defintion" would deploy something other than the user meant;
//   - any other key is ignored with one warning naming the file and line.
//
// The same rule applies inside the objects doppio decodes (codedeploy, ignore, each
// plugins entry). Free-form values (appspec, a plugin's config) are not checked
// here.

// maxTypoDistance is the largest edit distance at which an unknown key is taken for
// a misspelling of a known one.
const maxTypoDistance = 2

// keyIssue is one key of the config that is not exactly a known key.
type keyIssue struct {
	path   string // e.g. "codedeploy.application_nam" or "plugins[0].prefix"
	key    string // the key as written
	known  string // the known key it stands for (case) or resembles (typo)
	folded bool   // equal to known but for case: used as known
	typo   bool   // within maxTypoDistance of known: an error
}

// checkKeys walks a decoded JSON value against the Go type it is decoded into and
// reports every key that is not exactly one of the type's JSON names (for Config
// itself, or one of the registered definition keys).
func checkKeys(t reflect.Type, v any, path string, out *[]keyIssue) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		fields := jsonFields(t)
		if t == reflect.TypeFor[Config]() {
			fields = configFields()
		}
		names := make([]string, 0, len(fields))
		for n := range fields {
			names = append(names, n)
		}
		sort.Strings(names)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := joinKey(path, k)
			if ft, ok := fields[k]; ok {
				checkKeys(ft, m[k], p, out)
				continue
			}
			if strings.HasPrefix(k, "x-") {
				continue
			}
			issue := keyIssue{path: p, key: k}
			for _, n := range names {
				if strings.EqualFold(n, k) {
					issue.known, issue.folded = n, true
					break
				}
			}
			if issue.folded {
				*out = append(*out, issue)
				checkKeys(fields[issue.known], m[k], p, out)
				continue
			}
			if s := nearest(k, names); s != "" {
				issue.known, issue.typo = s, true
			}
			*out = append(*out, issue)
		}
	case reflect.Slice:
		l, ok := v.([]any)
		if !ok {
			return
		}
		for i, e := range l {
			checkKeys(t.Elem(), e, fmt.Sprintf("%s[%d]", path, i), out)
		}
	}
}

// jsonFields maps a struct's JSON member names to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

// nearest returns the candidate within maxTypoDistance of key (ignoring case),
// the closest first, or "".
func nearest(key string, candidates []string) string {
	best, bestDist := "", maxTypoDistance+1
	lk := strings.ToLower(key)
	for _, c := range candidates {
		if d := diag.Distance(lk, strings.ToLower(c), maxTypoDistance); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// keyErrorAndWarnings turns the key issues of a config file into the first error
// (a misspelling) and the warnings for the rest.
func keyErrorAndWarnings(path, shown string, src []byte, issues []keyIssue) (error, []string) {
	var warns []string
	for _, is := range issues {
		line := lineOfKey(src, is.key)
		switch {
		case is.typo:
			return &diag.Error{File: path, Line: line, Field: is.path, Code: diag.ExitUsage,
				Err:  fmt.Errorf("unknown config key %q", is.key),
				Hint: fmt.Sprintf("did you mean %q?", is.known)}, nil
		case is.folded:
			warns = append(warns, fmt.Sprintf("%s: config key %q read as %q; write %q", location(shown, line), is.path, is.known, is.known))
		default:
			warns = append(warns, fmt.Sprintf("%s: unknown config key %q ignored, as ecspresso does (start it with x- to silence this warning)", location(shown, line), is.path))
		}
	}
	return nil, warns
}

func location(file string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", file, line)
	}
	return file
}
