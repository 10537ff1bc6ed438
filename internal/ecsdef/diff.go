package ecsdef

import (
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	udiff "github.com/aymanbagabas/go-udiff"
)

// DiffTaskDefinitions returns a unified diff from live to local over their
// normalised canonical JSON, with "--- liveName" and "+++ localName" headers, or ""
// when they are equivalent. A nil side diffs as an empty document (nothing live
// yet).
func DiffTaskDefinitions(liveName string, live *ecs.RegisterTaskDefinitionInput, localName string, local *ecs.RegisterTaskDefinitionInput, opts ...DiffOption) (string, error) {
	return diffDocs(liveName, NormalizeTaskDefinition(live), localName, NormalizeTaskDefinition(local), opts...)
}

// DiffOption changes how a diff is printed.
type DiffOption int

// WholeDocuments prints every line of both documents (ecspresso's diff
// --no-unified): the --- and +++ headers, then each line prefixed with "-", "+" or a
// space, with no hunk headers.
const WholeDocuments DiffOption = 1

// DiffServiceDefinitions returns a unified diff from live to local over their
// normalised canonical JSON, or "" when they are equivalent. Besides
// NormalizeServiceDefinition it applies the rules that need both sides: a local
// definition without desiredCount (or availabilityZoneRebalancing) does not compare
// the live value, because deploy leaves it as it is.
func DiffServiceDefinitions(liveName string, live *ecs.CreateServiceInput, localName string, local *ecs.CreateServiceInput, opts ...DiffOption) (string, error) {
	l, r := normalizedServices(live, local)
	return diffDocs(liveName, l, localName, r, opts...)
}

// TaskDefinitionsEqual reports whether two task definitions are equivalent after
// normalisation, i.e. registering local would not change anything live. It is the
// "is the local task definition identical to the live one" test.
func TaskDefinitionsEqual(live, local *ecs.RegisterTaskDefinitionInput) (bool, error) {
	d, err := DiffTaskDefinitions("live", live, "local", local)
	return d == "", err
}

// ServiceDefinitionsEqual reports whether the local service definition would change
// nothing on the live service, with the same rules as DiffServiceDefinitions.
func ServiceDefinitionsEqual(live, local *ecs.CreateServiceInput) (bool, error) {
	d, err := DiffServiceDefinitions("live", live, "local", local)
	return d == "", err
}

func normalizedServices(live, local *ecs.CreateServiceInput) (*ecs.CreateServiceInput, *ecs.CreateServiceInput) {
	l, r := NormalizeServiceDefinition(live), NormalizeServiceDefinition(local)
	normalizeServicePair(l, r)
	return l, r
}

func diffDocs(liveName string, live any, localName string, local any, opts ...DiffOption) (string, error) {
	a, err := docText(live)
	if err != nil {
		return "", err
	}
	b, err := docText(local)
	if err != nil {
		return "", err
	}
	if a == b {
		return "", nil
	}
	if !slices.Contains(opts, WholeDocuments) {
		return udiff.Unified(liveName, localName, a, b), nil
	}
	lines := strings.Count(a, "\n") + strings.Count(b, "\n") + 1
	u, err := udiff.ToUnified(liveName, localName, a, udiff.Strings(a, b), lines)
	if err != nil {
		return "", err
	}
	var out strings.Builder
	for _, l := range strings.SplitAfter(u, "\n") {
		if !strings.HasPrefix(l, "@@") {
			out.WriteString(l)
		}
	}
	return out.String(), nil
}

// docText is the canonical JSON of v, or "" for a nil definition.
func docText(v any) (string, error) {
	if rv := reflect.ValueOf(v); !rv.IsValid() || rv.Kind() == reflect.Pointer && rv.IsNil() {
		return "", nil
	}
	b, err := Marshal(v)
	return string(b), err
}
