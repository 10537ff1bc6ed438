package ecsdef

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestDiffWholeDocuments(t *testing.T) {
	td := func(image string) *ecs.RegisterTaskDefinitionInput {
		return &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"), Cpu: aws.String("256"), Memory: aws.String("512"),
			ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("web"), Image: aws.String(image)}}}
	}
	hunks, err := DiffTaskDefinitions("live", td("nginx:1"), "local", td("nginx:2"))
	if err != nil {
		t.Fatal(err)
	}
	whole, err := DiffTaskDefinitions("live", td("nginx:1"), "local", td("nginx:2"), WholeDocuments)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(hunks, "@@") {
		t.Errorf("unified diff has no hunk header:\n%s", hunks)
	}
	lines := strings.Split(strings.TrimSuffix(whole, "\n"), "\n")
	if lines[0] != "--- live" || lines[1] != "+++ local" || strings.Contains(whole, "@@") {
		t.Errorf("whole-document diff headers:\n%s", whole)
	}
	doc, _ := docText(NormalizeTaskDefinition(td("nginx:2")))
	if got, want := len(lines)-2, strings.Count(doc, "\n")+1; got != want {
		t.Errorf("whole-document diff has %d body lines, want every line of the document plus the removed one (%d):\n%s", got, want, whole)
	}
	for _, l := range lines[2:] {
		if l == "" || !strings.ContainsAny(l[:1], "-+ ") {
			t.Errorf("unmarked line %q", l)
		}
	}
	if same, _ := DiffTaskDefinitions("live", td("nginx:1"), "local", td("nginx:1"), WholeDocuments); same != "" {
		t.Errorf("equal documents: %q", same)
	}
}
