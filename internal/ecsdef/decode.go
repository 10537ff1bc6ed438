package ecsdef

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/document"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// DecodeTaskDefinition decodes a rendered task definition: either the
// RegisterTaskDefinition input shape, or DescribeTaskDefinition output
// {"taskDefinition": {...}, "tags": [...]}. Read-only members of describe output
// (see ReadOnlyTaskDefinitionFields) are dropped; anything else unknown is an
// error. Errors are *diag.Error values carrying file, line, column and field path.
func DecodeTaskDefinition(file string, data []byte) (*ecs.RegisterTaskDefinitionInput, error) {
	return decodeTaskDefinition(file, data, true)
}

// decodeTaskDefinition decodes, and when check is set validates (unit tests of the
// typed walk and of normalisation use fragments, unchecked).
func decodeTaskDefinition(file string, data []byte, check bool) (*ecs.RegisterTaskDefinitionInput, error) {
	d, root, err := newDecoder(file, data)
	if err != nil {
		return nil, err
	}
	if root.kind == kindObject {
		if inner, ok := lookupMember(root, "taskDefinition"); ok && inner.val.kind == kindObject {
			return d.taskDefinitionWrapper(root, check)
		}
	}
	if root.kind == kindNull {
		return nil, d.fail(root.off, "", "write an object with at least family and containerDefinitions", "the task definition is null")
	}
	td := &ecs.RegisterTaskDefinitionInput{}
	if err := d.decode(root, reflect.ValueOf(td).Elem(), ""); err != nil {
		return nil, err
	}
	if !check {
		return td, nil
	}
	if err := d.problemsError(ValidateTaskDefinition(td), ""); err != nil {
		return nil, err
	}
	return td, nil
}

// taskDefinitionWrapper decodes {"taskDefinition": {...}, "tags": [...]}, the
// output of describe-task-definition. As in ecspresso, the top-level tags (the live
// revision's tags in that output) are not registered: only tags inside
// taskDefinition are, so the same file deploys the same thing with both tools.
func (d *decoder) taskDefinitionWrapper(root *node, check bool) (*ecs.RegisterTaskDefinitionInput, error) {
	td := &ecs.RegisterTaskDefinitionInput{}
	var tags []types.Tag
	var tagsNode *node
	allowed := []string{"taskDefinition", "tags"}
	seen := map[string]bool{}
	for _, m := range root.members {
		name := matchName(m.key, allowed)
		if name == "" {
			return nil, d.fail(m.keyOff, m.key, diag.DidYouMean(m.key, allowed), "unknown field %q", m.key)
		}
		if seen[name] {
			return nil, d.fail(m.keyOff, m.key, "", "duplicate field %q", m.key)
		}
		seen[name] = true
		switch name {
		case "taskDefinition":
			if m.val.kind == kindNull {
				return nil, d.fail(m.val.off, "taskDefinition", "", "the task definition is null")
			}
			if err := d.decode(m.val, reflect.ValueOf(td).Elem(), "taskDefinition"); err != nil {
				return nil, err
			}
		case "tags":
			tagsNode = m.val
			if err := d.decode(m.val, reflect.ValueOf(&tags).Elem(), "tags"); err != nil {
				return nil, err
			}
		}
	}
	_ = tagsNode // decoded above only to report malformed tags with their position
	if !seen["taskDefinition"] {
		return nil, d.fail(root.off, "taskDefinition", "", "missing")
	}
	if !check {
		return td, nil
	}
	if err := d.problemsError(ValidateTaskDefinition(td), "taskDefinition"); err != nil {
		return nil, err
	}
	return td, nil
}

// DecodeServiceDefinition decodes a rendered service definition: the CreateService
// input shape, DescribeServices output holding exactly one service
// {"services": [{...}]}, or {"service": {...}} (CreateService/UpdateService output).
// Read-only members (see ReadOnlyServiceFields) are dropped, except that settings
// DescribeServices reports on the PRIMARY deployment (serviceConnectConfiguration,
// volumeConfigurations, vpcLatticeConfigurations, networkConfiguration,
// capacityProviderStrategy) fill the definition when absent at service level.
//
// The legacy role member (and describe output's roleArn) is accepted and dropped,
// as ecspresso drops it: ecspresso decodes service definitions into types.Service,
// which has no role, so it never renders role nor sends it to CreateService, and
// ECS then uses its service-linked role. Sending it would create a different
// service from the same file.
func DecodeServiceDefinition(file string, data []byte) (*ecs.CreateServiceInput, error) {
	return DecodeServiceDefinitionFor(file, data, ServiceContext{})
}

// DecodeServiceDefinitionFor is DecodeServiceDefinition for the service and cluster
// the config names: a serviceName or cluster in the file that contradicts them is an
// error at its position.
func DecodeServiceDefinitionFor(file string, data []byte, ctx ServiceContext) (*ecs.CreateServiceInput, error) {
	return decodeServiceDefinition(file, data, &ctx)
}

// decodeServiceDefinition decodes, and validates unless ctx is nil.
func decodeServiceDefinition(file string, data []byte, ctx *ServiceContext) (*ecs.CreateServiceInput, error) {
	d, root, err := newDecoder(file, data)
	if err != nil {
		return nil, err
	}
	if root.kind == kindNull {
		return nil, d.fail(root.off, "", "write {} for a service that takes every default", "the service definition is null")
	}
	obj, path := root, ""
	if root.kind == kindObject {
		if m, ok := lookupMember(root, "services"); ok {
			if obj, path, err = d.servicesWrapper(root, m); err != nil {
				return nil, err
			}
		} else if m, ok := lookupMember(root, "service"); ok {
			if len(root.members) != 1 {
				other := root.members[0]
				if other.key == m.key {
					other = root.members[1]
				}
				return nil, d.fail(other.keyOff, other.key, "", "unknown field %q next to \"service\"", other.key)
			}
			obj, path = m.val, m.key
		}
	}
	sd := &ecs.CreateServiceInput{}
	if err := d.decode(obj, reflect.ValueOf(sd).Elem(), path); err != nil {
		return nil, err
	}
	if err := d.serviceReadOnly(obj, path, sd); err != nil {
		return nil, err
	}
	sd.Role = nil // see DecodeServiceDefinition
	if ctx == nil {
		return sd, nil
	}
	if err := d.problemsError(ValidateServiceDefinition(sd, *ctx), path); err != nil {
		return nil, err
	}
	return sd, nil
}

// servicesWrapper checks the DescribeServices output envelope and returns the one
// service object in it.
func (d *decoder) servicesWrapper(root *node, services member) (*node, string, error) {
	for _, m := range root.members {
		if name := matchName(m.key, []string{"services", "failures"}); name == "" {
			return nil, "", d.fail(m.keyOff, m.key, diag.DidYouMean(m.key, []string{"services", "failures"}), "unknown field %q", m.key)
		}
	}
	v := services.val
	if v.kind != kindArray {
		return nil, "", d.fail(v.off, services.key, "", "expected an array, got %s", v.describe())
	}
	if len(v.elems) != 1 {
		return nil, "", d.fail(v.off, services.key, "keep only the service this file defines",
			"expected exactly one service, got %d", len(v.elems))
	}
	return v.elems[0], services.key + "[0]", nil
}

// serviceReadOnly applies the read-only members that carry meaning: the PRIMARY
// deployment's settings.
func (d *decoder) serviceReadOnly(obj *node, path string, sd *ecs.CreateServiceInput) error {
	if obj.kind != kindObject {
		return nil
	}
	svc := &types.Service{}
	for _, name := range []string{"deployments"} {
		m, ok := lookupMember(obj, name)
		if !ok {
			continue
		}
		si := d.types.structOf(reflect.TypeFor[types.Service]())
		f := si.fields[si.byWire[name]]
		if err := d.decode(m.val, reflect.ValueOf(svc).Elem().Field(f.index), joinPath(path, m.key)); err != nil {
			return err
		}
	}
	fillFromPrimary(sd, svc)
	return nil
}

// Decode decodes JSON into any SDK struct pointer with the same rules as the
// definition decoders (AWS member names, user-keyed maps untouched, unknown fields
// and bad values reported with position). It is used for run --overrides into
// *types.TaskOverride and similar.
func Decode(file string, data []byte, into any) error {
	rv := reflect.ValueOf(into)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("ecsdef.Decode: need a non-nil pointer, got %T", into)
	}
	d, root, err := newDecoder(file, data)
	if err != nil {
		return err
	}
	return d.decode(root, rv.Elem(), "")
}

// decoder walks a parsed JSON tree and the SDK type side by side.
type decoder struct {
	file  string
	data  []byte
	types *typeCache
	pos   map[string]int // field path -> offset of its value, for validation errors
}

func newDecoder(file string, data []byte) (*decoder, *node, error) {
	d := &decoder{file: file, data: data, types: newTypeCache(), pos: map[string]int{}}
	root, err := parseJSON(data)
	if err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			return nil, nil, d.fail(se.off, "", "", "%s", se.msg)
		}
		return nil, nil, d.fail(0, "", "", "%v", err)
	}
	return d, root, nil
}

// fail builds the positioned *diag.Error every decode problem becomes.
func (d *decoder) fail(off int, path, hint, format string, args ...any) error {
	line, col := lineCol(d.data, off)
	return &diag.Error{
		File:   d.file,
		Line:   line,
		Column: col,
		Field:  path,
		Err:    fmt.Errorf(format, args...),
		Hint:   hint,
		Code:   diag.ExitUsage,
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// lookupMember finds an object member by name, exact match first, then ignoring case.
func lookupMember(obj *node, name string) (member, bool) {
	for _, m := range obj.members {
		if m.key == name {
			return m, true
		}
	}
	for _, m := range obj.members {
		if strings.EqualFold(m.key, name) {
			return m, true
		}
	}
	return member{}, false
}

// matchName returns the candidate equal to key, exactly or else ignoring case, or "".
func matchName(key string, candidates []string) string {
	for _, c := range candidates {
		if c == key {
			return c
		}
	}
	for _, c := range candidates {
		if strings.EqualFold(c, key) {
			return c
		}
	}
	return ""
}

// decode stores n into v (addressable), reporting problems at path.
func (d *decoder) decode(n *node, v reflect.Value, path string) error {
	if _, ok := d.pos[path]; !ok {
		d.pos[path] = n.off
	}
	if n.kind == kindNull {
		return nil // null means absent: leave the zero value
	}
	t := v.Type()
	switch {
	case t == timeType:
		return d.decodeTime(n, v, path)
	case t == documentType:
		if bad := badNumber(n); bad != nil {
			return d.fail(bad.off, path, "", "number %s is out of range", bad.text)
		}
		v.Set(reflect.ValueOf(document.NewLazyDocument(toAny(n))))
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		if err := d.decode(n, p.Elem(), path); err != nil {
			return err
		}
		v.Set(p)
		return nil
	case reflect.Struct:
		return d.decodeStruct(n, v, path)
	case reflect.Slice:
		if n.kind != kindArray {
			return d.fail(n.off, path, "", "expected an array, got %s", n.describe())
		}
		s := reflect.MakeSlice(t, 0, len(n.elems))
		for i, e := range n.elems {
			if e.kind == kindNull {
				// The SDK would send an empty element ({}), which ECS rejects or,
				// worse, accepts as a default; a null in a list is a mistake.
				return d.fail(e.off, fmt.Sprintf("%s[%d]", path, i), "remove the null element", "null is not allowed in a list")
			}
			ev := reflect.New(t.Elem()).Elem()
			if err := d.decode(e, ev, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
			s = reflect.Append(s, ev)
		}
		v.Set(s)
		return nil
	case reflect.Map:
		return d.decodeMap(n, v, path)
	case reflect.Interface:
		return d.decodeUnion(n, v, path)
	case reflect.String:
		return d.decodeString(n, v, path)
	case reflect.Bool:
		if n.kind != kindBool {
			return d.fail(n.off, path, "", "expected a boolean, got %s", n.describe())
		}
		v.SetBool(n.boolean)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := d.integer(n, path, t.Bits())
		if err != nil {
			return err
		}
		v.SetInt(i)
		return nil
	case reflect.Float32, reflect.Float64:
		if n.kind != kindNumber {
			return d.fail(n.off, path, "", "expected a number, got %s", n.describe())
		}
		f, err := strconv.ParseFloat(n.text, t.Bits())
		if err != nil {
			return d.fail(n.off, path, "", "number %s is out of range", n.text)
		}
		v.SetFloat(f)
		return nil
	}
	return d.fail(n.off, path, "", "cannot decode into Go type %s", t)
}

func (d *decoder) decodeStruct(n *node, v reflect.Value, path string) error {
	if n.kind != kindObject {
		return d.fail(n.off, path, "", "expected an object, got %s", n.describe())
	}
	t := v.Type()
	si := d.types.structOf(t)
	readOnly := readOnlyFields(t)
	seen := make(map[int]string, len(n.members))
	for _, m := range n.members {
		idx, ok := si.byWire[m.key]
		if !ok {
			idx, ok = si.byLower[strings.ToLower(m.key)]
		}
		if !ok {
			if matchName(m.key, readOnly) != "" {
				continue // read-only member of describe output: accepted and dropped
			}
			if strings.HasPrefix(m.key, "x-") {
				// An extension key (e.g. a Jsonnet or YAML anchor holder), ignored as
				// in the config; ecspresso ignores every unknown key. Any other
				// unknown key stays an error: ignoring a misspelt or newer field
				// would register something other than the file says.
				continue
			}
			return d.fail(m.keyOff, joinPath(path, m.key), diag.DidYouMean(m.key, si.names), "unknown field %q", m.key)
		}
		if prev, dup := seen[idx]; dup {
			return d.fail(m.keyOff, joinPath(path, m.key), "", "duplicate field %q (already given as %q)", m.key, prev)
		}
		seen[idx] = m.key
		f := si.fields[idx]
		fpath := joinPath(path, f.wire)
		fv := v.Field(f.index)
		// Task-level cpu and memory are strings in the API, but users write numbers
		// ("cpu": 256); ECS accepts either form in its own JSON tooling.
		if m.val.kind == kindNumber && (f.wire == "cpu" || f.wire == "memory") && isStringPtrOrString(f.typ) {
			s := m.val.text
			if f.typ.Kind() == reflect.Pointer {
				fv.Set(reflect.ValueOf(&s))
			} else {
				fv.SetString(s)
			}
			continue
		}
		if err := d.decode(m.val, fv, fpath); err != nil {
			return err
		}
	}
	return nil
}

func isStringPtrOrString(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.String && t.PkgPath() == ""
}

// decodeMap decodes a user-keyed map: keys are kept exactly as written.
func (d *decoder) decodeMap(n *node, v reflect.Value, path string) error {
	t := v.Type()
	if t.Key().Kind() != reflect.String {
		return d.fail(n.off, path, "", "cannot decode into Go type %s", t)
	}
	if n.kind != kindObject {
		return d.fail(n.off, path, "", "expected an object, got %s", n.describe())
	}
	mv := reflect.MakeMapWithSize(t, len(n.members))
	for _, m := range n.members {
		kpath := fmt.Sprintf("%s[%s]", path, strconv.Quote(m.key))
		key := reflect.ValueOf(m.key).Convert(t.Key())
		if mv.MapIndex(key).IsValid() {
			return d.fail(m.keyOff, kpath, "", "duplicate key %q", m.key)
		}
		if m.val.kind == kindNull {
			continue
		}
		ev := reflect.New(t.Elem()).Elem()
		if err := d.decode(m.val, ev, kpath); err != nil {
			return err
		}
		mv.SetMapIndex(key, ev)
	}
	v.Set(mv)
	return nil
}

// decodeUnion decodes an SDK union: an object with exactly one member.
func (d *decoder) decodeUnion(n *node, v reflect.Value, path string) error {
	members := unionMembers(v.Type())
	if members == nil {
		return d.fail(n.off, path, "", "cannot decode into Go type %s", v.Type())
	}
	if n.kind != kindObject {
		return d.fail(n.off, path, "", "expected an object, got %s", n.describe())
	}
	names := make([]string, 0, len(members))
	for k := range members {
		names = append(names, k)
	}
	if len(n.members) != 1 {
		return d.fail(n.off, path, "", "expected exactly one of %s, got %d fields", strings.Join(sortedCopy(names), ", "), len(n.members))
	}
	m := n.members[0]
	name := matchName(m.key, names)
	if name == "" {
		return d.fail(m.keyOff, joinPath(path, m.key), diag.DidYouMean(m.key, names), "unknown field %q", m.key)
	}
	p := reflect.New(members[name].Elem())
	val := p.Elem().FieldByName("Value")
	if !val.IsValid() {
		return d.fail(n.off, path, "", "cannot decode into Go type %s", p.Type())
	}
	if err := d.decode(m.val, val, joinPath(path, name)); err != nil {
		return err
	}
	v.Set(p)
	return nil
}

func (d *decoder) decodeString(n *node, v reflect.Value, path string) error {
	if n.kind != kindString {
		return d.fail(n.off, path, "", "expected a string, got %s", n.describe())
	}
	// "" in an enum member means unset, as the SDK treats it (it does not send the
	// member); ecspresso init writes "launchType": "" and the like.
	if vals := d.types.enumValues(v.Type()); vals != nil && n.text != "" {
		found := false
		for _, e := range vals {
			if e == n.text {
				found = true
				break
			}
		}
		if !found {
			return d.fail(n.off, path, diag.DidYouMean(n.text, vals),
				"invalid value %q; valid values are %s", n.text, strings.Join(vals, ", "))
		}
	}
	v.SetString(n.text)
	return nil
}

// integer parses an integral number that fits in bits. "80.0" and "1e2" are
// accepted because they are integral; 1.5 and out-of-range values are errors.
func (d *decoder) integer(n *node, path string, bits int) (int64, error) {
	if n.kind != kindNumber {
		return 0, d.fail(n.off, path, "", "expected a number, got %s", n.describe())
	}
	if i, err := strconv.ParseInt(n.text, 10, bits); err == nil {
		return i, nil
	}
	f, err := strconv.ParseFloat(n.text, 64)
	if err == nil && f != math.Trunc(f) {
		return 0, d.fail(n.off, path, "", "expected an integer, got number %s", n.text)
	}
	lo, hi := -math.Ldexp(1, bits-1), math.Ldexp(1, bits-1)
	if err != nil || f < lo || f >= hi {
		return 0, d.fail(n.off, path, "", "number %s is out of range for a %d-bit integer", n.text, bits)
	}
	return int64(f), nil
}

// decodeTime accepts RFC 3339 strings (AWS CLI output) and epoch seconds (the raw
// API's JSON timestamps). Timestamps only occur in read-only describe output.
func (d *decoder) decodeTime(n *node, v reflect.Value, path string) error {
	switch n.kind {
	case kindString:
		t, err := time.Parse(time.RFC3339Nano, n.text)
		if y := t.UTC().Year(); err != nil || y < 1 || y > 9999 {
			return d.fail(n.off, path, "use RFC 3339, e.g. 2024-01-02T15:04:05Z", "invalid timestamp %q", n.text)
		}
		v.Set(reflect.ValueOf(t))
		return nil
	case kindNumber:
		// Limited to years 0001-9999, the range RFC 3339 can print.
		f, err := strconv.ParseFloat(n.text, 64)
		if err != nil || f < minEpoch || f > maxEpoch-1 {
			return d.fail(n.off, path, "", "timestamp %s is out of range", n.text)
		}
		sec, frac := math.Modf(f)
		v.Set(reflect.ValueOf(time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC()))
		return nil
	}
	return d.fail(n.off, path, "", "expected a timestamp, got %s", n.describe())
}

// Epoch seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
const (
	minEpoch = -62135596800
	maxEpoch = 253402300799
)

// badNumber returns the first number in a free-form subtree that does not fit a
// float64, or nil.
func badNumber(n *node) *node {
	switch n.kind {
	case kindNumber:
		if _, err := strconv.ParseFloat(n.text, 64); err != nil {
			return n
		}
	case kindArray:
		for _, e := range n.elems {
			if b := badNumber(e); b != nil {
				return b
			}
		}
	case kindObject:
		for _, m := range n.members {
			if b := badNumber(m.val); b != nil {
				return b
			}
		}
	}
	return nil
}

// toAny converts a subtree to plain Go values for document (free-form) members.
func toAny(n *node) any {
	switch n.kind {
	case kindBool:
		return n.boolean
	case kindNumber:
		if i, err := strconv.ParseInt(n.text, 10, 64); err == nil {
			return i
		}
		f, _ := strconv.ParseFloat(n.text, 64)
		return f
	case kindString:
		return n.text
	case kindArray:
		out := make([]any, 0, len(n.elems))
		for _, e := range n.elems {
			out = append(out, toAny(e))
		}
		return out
	case kindObject:
		out := make(map[string]any, len(n.members))
		for _, m := range n.members {
			out[m.key] = toAny(m.val)
		}
		return out
	}
	return nil
}
