package ecsdef

import (
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	udiff "github.com/aymanbagabas/go-udiff"
)

// DiffTaskDefinitions returns a unified diff from live to local over their
// normalised canonical JSON, with "--- liveName" and "+++ localName" headers, or ""
// when they are equivalent. A nil side diffs as an empty document (nothing live
// yet).
func DiffTaskDefinitions(liveName string, live *ecs.RegisterTaskDefinitionInput, localName string, local *ecs.RegisterTaskDefinitionInput) (string, error) {
	return diffDocs(liveName, NormalizeTaskDefinition(live), localName, NormalizeTaskDefinition(local))
}

// DiffServiceDefinitions returns a unified diff from live to local over their
// normalised canonical JSON, or "" when they are equivalent. Besides
// NormalizeServiceDefinition it applies the rules that need both sides: a local
// definition without desiredCount (or availabilityZoneRebalancing) does not compare
// the live value, because deploy leaves it as it is.
func DiffServiceDefinitions(liveName string, live *ecs.CreateServiceInput, localName string, local *ecs.CreateServiceInput) (string, error) {
	l, r := normalizedServices(live, local)
	return diffDocs(liveName, l, localName, r)
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

func diffDocs(liveName string, live any, localName string, local any) (string, error) {
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
	return udiff.Unified(liveName, localName, a, b), nil
}

// docText is the canonical JSON of v, or "" for a nil definition.
func docText(v any) (string, error) {
	switch x := v.(type) {
	case *ecs.RegisterTaskDefinitionInput:
		if x == nil {
			return "", nil
		}
	case *ecs.CreateServiceInput:
		if x == nil {
			return "", nil
		}
	}
	b, err := Marshal(v)
	return string(b), err
}
