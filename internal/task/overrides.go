package task

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// DecodeOverrides decodes RunTask overrides (TaskOverride JSON, as in the RunTask API
// reference) from file (a path, or "--overrides" for the flag) with the definition
// decoder's rules: bad JSON and unknown fields are reported with line and column.
func DecodeOverrides(file string, data []byte) (*types.TaskOverride, error) {
	var o types.TaskOverride
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &diag.Error{File: file, Err: fmt.Errorf("empty overrides"), Hint: `overrides look like {"containerOverrides":[{"name":"app","command":["..."]}]}`, Code: diag.ExitUsage}
	}
	if err := ecsdef.Decode(file, data, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// CheckOverrides reports container overrides naming no container of td, with the
// line of the name in data when known.
func CheckOverrides(file string, data []byte, o *types.TaskOverride, td *ecs.RegisterTaskDefinitionInput) error {
	if o == nil || td == nil {
		return nil
	}
	names := containerNames(td.ContainerDefinitions)
	for i, co := range o.ContainerOverrides {
		name := aws.ToString(co.Name)
		field := fmt.Sprintf("containerOverrides[%d].name", i)
		if name == "" {
			return &diag.Error{File: file, Field: field, Err: fmt.Errorf("missing container name"), Hint: "containers: " + strings.Join(names, ", "), Code: diag.ExitUsage}
		}
		found := false
		for _, n := range names {
			found = found || n == name
		}
		if !found {
			line, col := position(data, `"`+name+`"`)
			return &diag.Error{File: file, Line: line, Column: col, Field: field,
				Err:  fmt.Errorf("no container %q in task definition %s", name, aws.ToString(td.Family)),
				Hint: strings.TrimSpace(diag.DidYouMean(name, names) + " containers: " + strings.Join(names, ", ")), Code: diag.ExitUsage}
		}
	}
	return nil
}

func containerNames(cds []types.ContainerDefinition) []string {
	names := make([]string, 0, len(cds))
	for _, cd := range cds {
		names = append(names, aws.ToString(cd.Name))
	}
	return names
}

// position returns the 1-based line and column of the first occurrence of s in data,
// or 0, 0.
func position(data []byte, s string) (int, int) {
	i := bytes.Index(data, []byte(s))
	if i < 0 {
		return 0, 0
	}
	line := bytes.Count(data[:i], []byte("\n")) + 1
	return line, i - bytes.LastIndexByte(data[:i], '\n')
}
