package ecsdef

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/schemas"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	smithy "github.com/aws/smithy-go"
)

type schemaRoot struct {
	name   string
	typ    reflect.Type
	schema *smithy.Schema
}

func schemaRoots() []schemaRoot {
	return []schemaRoot{
		{"RegisterTaskDefinitionInput", reflect.TypeFor[ecs.RegisterTaskDefinitionInput](), schemas.RegisterTaskDefinitionRequest},
		{"CreateServiceInput", reflect.TypeFor[ecs.CreateServiceInput](), schemas.CreateServiceRequest},
		{"UpdateServiceInput", reflect.TypeFor[ecs.UpdateServiceInput](), schemas.UpdateServiceRequest},
		{"RunTaskInput", reflect.TypeFor[ecs.RunTaskInput](), schemas.RunTaskRequest},
		{"DescribeServicesOutput", reflect.TypeFor[ecs.DescribeServicesOutput](), schemas.DescribeServicesResponse},
		{"DescribeTaskDefinitionOutput", reflect.TypeFor[ecs.DescribeTaskDefinitionOutput](), schemas.DescribeTaskDefinitionResponse},
		{"TaskOverride", reflect.TypeFor[types.TaskOverride](), schemas.TaskOverride},
	}
}

// walkSchema checks that every exported Go field of t is a member of s under
// wireName, and every member of s is a Go field, recursing through lists, maps and
// structures.
func walkSchema(t *testing.T, typ reflect.Type, s *smithy.Schema, path string, checked map[reflect.Type]bool) {
	t.Helper()
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
		if typ.Kind() == reflect.Slice {
			if s.Type() != smithy.ShapeTypeList && s.Type() != smithy.ShapeTypeSet {
				t.Errorf("%s: Go slice but schema type %v", path, s.Type())
				return
			}
			s = s.ListMember()
			path += "[]"
		}
		typ = typ.Elem()
	}
	switch typ.Kind() {
	case reflect.Map:
		walkSchema(t, typ.Elem(), s.MapValue(), path+"{}", checked)
		return
	case reflect.Interface:
		if typ == documentType {
			return
		}
		members := unionMembers(typ)
		if members == nil {
			t.Errorf("%s: union %s missing from unionMembers", path, typ)
			return
		}
		if len(members) != len(s.Members()) {
			t.Errorf("%s: union %s has %d members in the schema, %d in unionMembers", path, typ, len(s.Members()), len(members))
		}
		for name, mt := range members {
			m := s.Member(name)
			if m == nil {
				t.Errorf("%s: union member %q not in schema", path, name)
				continue
			}
			if got := unionMemberName(mt); got != name {
				t.Errorf("%s: unionMemberName(%s) = %q, want %q", path, mt, got, name)
			}
			f, _ := mt.Elem().FieldByName("Value")
			walkSchema(t, f.Type, m, path+"."+name, checked)
		}
		return
	case reflect.Struct:
	default:
		return
	}
	if typ == timeType || checked[typ] {
		return
	}
	checked[typ] = true
	seen := map[string]bool{}
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		if skipField(f) {
			continue
		}
		name := wireName(f.Name)
		m := s.Member(name)
		if m == nil {
			t.Errorf("%s: Go field %s.%s maps to %q, which the schema does not have", path, typ, f.Name, name)
			continue
		}
		seen[name] = true
		walkSchema(t, f.Type, m, path+"."+name, checked)
	}
	for name := range s.Members() {
		if !seen[name] {
			t.Errorf("%s: schema member %q has no Go field in %s", path, name, typ)
		}
	}
}

// TestReadOnlyListsComplete: every member of describe output is either accepted by
// the input shape or listed as read-only, so describe output always decodes.
func TestReadOnlyListsComplete(t *testing.T) {
	tests := []struct {
		name     string
		output   reflect.Type
		input    reflect.Type
		readOnly []string
	}{
		{"task definition", reflect.TypeFor[types.TaskDefinition](), reflect.TypeFor[ecs.RegisterTaskDefinitionInput](), ReadOnlyTaskDefinitionFields()},
		{"service", reflect.TypeFor[types.Service](), reflect.TypeFor[ecs.CreateServiceInput](), ReadOnlyServiceFields()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTypeCache()
			in := c.structOf(tt.input)
			out := c.structOf(tt.output)
			for _, f := range out.fields {
				_, accepted := in.byWire[f.wire]
				listed := matchName(f.wire, tt.readOnly) != ""
				if accepted == listed {
					t.Errorf("%s: accepted by input = %v, listed read-only = %v", f.wire, accepted, listed)
				}
			}
			for _, ro := range tt.readOnly {
				if _, ok := out.byWire[ro]; !ok {
					t.Errorf("read-only %q is not a member of %s", ro, tt.output)
				}
			}
		})
	}
}
