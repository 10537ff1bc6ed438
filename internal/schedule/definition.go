package schedule

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// Family is the task definition family a rule runs (from family, family:rev or ARN).
func Family(ref string) string {
	if i := strings.Index(ref, ":task-definition/"); i >= 0 {
		ref = ref[i+len(":task-definition/"):]
	}
	family, _, _ := strings.Cut(ref, ":")
	return family
}

// DefinitionDrift lists the fields in which a local task definition differs from
// the family's latest registered revision, after the normalisation deploy and
// register use (nil when registering it would change nothing): e.g.
// containerDefinitions[app].environment. Scheduled rules run the latest revision,
// so a drift means the job runs without what the local file says.
func DefinitionDrift(live *ecstypes.TaskDefinition, tags []ecstypes.Tag, local *ecs.RegisterTaskDefinitionInput) ([]string, error) {
	l := ecsdef.NormalizeTaskDefinition(ecsdef.TaskDefinitionFromLive(live, tags))
	r := ecsdef.NormalizeTaskDefinition(local)
	same, err := ecsdef.TaskDefinitionsEqual(l, r)
	if err != nil || same {
		return nil, err
	}
	lm, err := generic(l)
	if err != nil {
		return nil, err
	}
	rm, err := generic(r)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range unionKeys(lm, rm) {
		if k == "ContainerDefinitions" {
			out = append(out, containerDrift(lm[k], rm[k])...)
			continue
		}
		if !sameValue(lm[k], rm[k]) {
			out = append(out, lowerFirst(k))
		}
	}
	if len(out) == 0 {
		out = []string{"(normalised form)"}
	}
	return out, nil
}

func containerDrift(a, b any) []string {
	byName := func(v any) map[string]map[string]any {
		m := map[string]map[string]any{}
		list, _ := v.([]any)
		for _, c := range list {
			cm, _ := c.(map[string]any)
			name, _ := cm["Name"].(string)
			m[name] = cm
		}
		return m
	}
	la, lb := byName(a), byName(b)
	names := map[string]bool{}
	for n := range la {
		names[n] = true
	}
	for n := range lb {
		names[n] = true
	}
	var sorted []string
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	var out []string
	for _, n := range sorted {
		ca, cb := la[n], lb[n]
		switch {
		case ca == nil:
			out = append(out, fmt.Sprintf("containerDefinitions[%s] (new)", n))
		case cb == nil:
			out = append(out, fmt.Sprintf("containerDefinitions[%s] (removed)", n))
		default:
			for _, k := range unionKeys(ca, cb) {
				if !sameValue(ca[k], cb[k]) {
					out = append(out, fmt.Sprintf("containerDefinitions[%s].%s", n, lowerFirst(k)))
				}
			}
		}
	}
	return out
}

// sameValue reports whether two decoded JSON values mean the same field value: an
// empty list or map is the same as a missing one (AWS answers [] where the file
// leaves the field out), so only fields that really differ are named.
func sameValue(a, b any) bool {
	return reflect.DeepEqual(a, b) || (isEmpty(a) && isEmpty(b))
}

func isEmpty(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case []any:
		return len(t) == 0
	case map[string]any:
		return len(t) == 0
	}
	return false
}

func generic(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}

func unionKeys(a, b map[string]any) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []map[string]any{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

// DriftNote is the sentence diff and status print for a drifted family.
func DriftNote(family, localPath string, live *ecstypes.TaskDefinition, fields []string) string {
	return fmt.Sprintf("family %s: the local task definition %s differs from the latest registered revision %s in %s; the rules run the registered one: run 'doppio register'",
		family, localPath, aws.ToString(live.Family)+":"+fmt.Sprint(live.Revision), strings.Join(fields, ", "))
}
