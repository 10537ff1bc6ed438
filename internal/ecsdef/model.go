package ecsdef

import (
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/document"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// This file describes the SDK types to the typed walk: which JSON member name each
// Go field has, which string types are enums, which interfaces are unions, and which
// keys of describe output are read-only and silently dropped.

var (
	timeType     = reflect.TypeFor[time.Time]()
	documentType = reflect.TypeFor[document.Interface]()
)

// fieldInfo is one exported field of an SDK struct and its AWS member name.
type fieldInfo struct {
	wire   string // AWS member name, e.g. "containerDefinitions"
	index  int
	typ    reflect.Type
	always bool // required non-pointer member: printed even at its zero value
}

// structInfo lists a struct's fields sorted by member name.
type structInfo struct {
	fields  []fieldInfo
	byWire  map[string]int // exact member name -> position in fields
	byLower map[string]int // lower-cased member name -> position in fields
	names   []string       // member names, for did-you-mean hints
}

// typeCache memoises structInfo and enum values for one decode or marshal call. It
// lives on the stack of that call, so the package holds no mutable state.
type typeCache struct {
	structs map[reflect.Type]*structInfo
	enums   map[reflect.Type][]string
}

func newTypeCache() *typeCache {
	return &typeCache{structs: map[reflect.Type]*structInfo{}, enums: map[reflect.Type][]string{}}
}

// wireName maps a Go field name to its AWS member name. The SDK generates Go names
// by upper-casing the first letter of the member name and nothing else, so lowering
// the first letter recovers it exactly (TestWireNamesMatchSchemas proves this
// against the SDK's own schemas for every type reachable from the definitions).
func wireName(goName string) string {
	r, size := utf8.DecodeRuneInString(goName)
	return string(unicode.ToLower(r)) + goName[size:]
}

// skipField reports fields that are not part of the API shape: unexported fields
// and the ResultMetadata the SDK adds to every operation output.
func skipField(f reflect.StructField) bool {
	if !f.IsExported() {
		return true
	}
	return f.Name == "ResultMetadata" && strings.HasSuffix(f.Type.PkgPath(), "/middleware")
}

func (c *typeCache) structOf(t reflect.Type) *structInfo {
	if si, ok := c.structs[t]; ok {
		return si
	}
	si := &structInfo{byWire: map[string]int{}, byLower: map[string]int{}}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if skipField(f) {
			continue
		}
		w := wireName(f.Name)
		si.fields = append(si.fields, fieldInfo{wire: w, index: i, typ: f.Type, always: slices.Contains(requiredScalars(t), w)})
	}
	slices.SortFunc(si.fields, func(a, b fieldInfo) int { return strings.Compare(a.wire, b.wire) })
	for i, f := range si.fields {
		si.byWire[f.wire] = i
		si.byLower[strings.ToLower(f.wire)] = i
		si.names = append(si.names, f.wire)
	}
	c.structs[t] = si
	return si
}

// enumValues returns the allowed values of an SDK enum type (a string type with a
// Values method), or nil when t is a plain string.
func (c *typeCache) enumValues(t reflect.Type) []string {
	if vals, ok := c.enums[t]; ok {
		return vals
	}
	var vals []string
	if t.Kind() == reflect.String && t.PkgPath() != "" {
		if m := reflect.Zero(t).MethodByName("Values"); m.IsValid() && m.Type().NumIn() == 0 && m.Type().NumOut() == 1 {
			out := m.Call(nil)[0]
			if out.Kind() == reflect.Slice && out.Type().Elem() == t {
				vals = make([]string, 0, out.Len())
				for i := 0; i < out.Len(); i++ {
					vals = append(vals, out.Index(i).String())
				}
			}
		}
	}
	c.enums[t] = vals
	return vals
}

// requiredScalars lists the required non-pointer members of definition types. The
// SDK always sends them, so Marshal prints them even when false or 0
// ("deploymentCircuitBreaker": {"enable": false, "rollback": false}) instead of
// leaving an empty object. Other non-pointer scalars are optional and omitted at
// their zero value, as the SDK does.
func requiredScalars(t reflect.Type) []string {
	switch t {
	case reflect.TypeFor[types.DeploymentCircuitBreaker](), reflect.TypeFor[types.DeploymentAlarms]():
		return []string{"enable", "rollback"}
	case reflect.TypeFor[types.ServiceConnectConfiguration]():
		return []string{"enabled"}
	case reflect.TypeFor[types.Ulimit]():
		return []string{"hardLimit", "softLimit"}
	case reflect.TypeFor[types.Tmpfs]():
		return []string{"size"}
	case reflect.TypeFor[types.EphemeralStorage]():
		return []string{"sizeInGiB"}
	}
	return nil
}

// unionMembers lists the members of the SDK union interfaces that definitions can
// reach: member name -> concrete type (a pointer to a struct with a Value field).
// TestUnionsAreKnown fails when the SDK adds a union that is missing here.
func unionMembers(t reflect.Type) map[string]reflect.Type {
	switch t {
	case reflect.TypeFor[types.SharingStrategy]():
		return map[string]reflect.Type{"nvidiaMps": reflect.TypeFor[*types.SharingStrategyMemberNvidiaMps]()}
	case reflect.TypeFor[types.ServiceConnectContainerConfiguration]():
		return map[string]reflect.Type{"logLevel": reflect.TypeFor[*types.ServiceConnectContainerConfigurationMemberLogLevel]()}
	}
	return nil
}

// unionMemberName returns the member name of a concrete union value's type, derived
// from the SDK naming scheme <Union>Member<Name>.
func unionMemberName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	name := t.Name()
	if i := strings.LastIndex(name, "Member"); i >= 0 && i+len("Member") < len(name) {
		return wireName(name[i+len("Member"):])
	}
	return ""
}

// ReadOnlyTaskDefinitionFields returns the members DescribeTaskDefinition returns
// that RegisterTaskDefinition does not accept. Definition files may contain them
// (users keep describe output as files); decoding accepts and drops them.
func ReadOnlyTaskDefinitionFields() []string { return slices.Clone(readOnlyTaskDefinition[:]) }

var readOnlyTaskDefinition = [...]string{
	"compatibilities", "deleteRequestedAt", "deregisteredAt", "registeredAt", "registeredBy",
	"requiresAttributes", "revision", "status", "taskDefinitionArn",
}

// ReadOnlyServiceFields returns the members DescribeServices returns for a service
// that CreateService does not accept. Decoding accepts and drops them, except that
// "deployments" (settings reported on the PRIMARY deployment) are carried over as
// ServiceDefinitionFromLive does.
func ReadOnlyServiceFields() []string { return slices.Clone(readOnlyService[:]) }

var readOnlyService = [...]string{
	"clusterArn", "createdAt", "createdBy", "currentServiceDeployment", "currentServiceRevisions",
	"deployments", "events", "pendingCount", "platformFamily", "resourceManagementType",
	"roleArn", "runningCount", "serviceArn", "status", "taskSets",
}

// readOnlyFields returns the read-only member names accepted (and dropped) when
// decoding into t.
func readOnlyFields(t reflect.Type) []string {
	switch t {
	case reflect.TypeFor[ecs.RegisterTaskDefinitionInput]():
		return readOnlyTaskDefinition[:]
	case reflect.TypeFor[ecs.CreateServiceInput]():
		return readOnlyService[:]
	}
	return nil
}
