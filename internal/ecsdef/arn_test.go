package ecsdef

import "testing"

func TestParseTaskDefinitionRef(t *testing.T) {
	tests := []struct {
		ref    string
		family string
		rev    int
		ok     bool
		name   string
	}{
		{"arn:aws:ecs:us-east-1:123456789012:task-definition/web:3", "web", 3, true, "web:3"},
		{"web:12", "web", 12, true, "web:12"},
		{"web", "web", 0, false, "web"},
		{"my-app_v2:1", "my-app_v2", 1, true, "my-app_v2:1"},
		{"web:latest", "web:latest", 0, false, "web:latest"},
		{"web:0", "web:0", 0, false, "web:0"},
		{"", "", 0, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			f, r, ok := ParseTaskDefinitionRef(tt.ref)
			if f != tt.family || r != tt.rev || ok != tt.ok {
				t.Errorf("ParseTaskDefinitionRef(%q) = %q, %d, %t; want %q, %d, %t", tt.ref, f, r, ok, tt.family, tt.rev, tt.ok)
			}
			if got := TaskDefinitionName(tt.ref); got != tt.name {
				t.Errorf("TaskDefinitionName(%q) = %q, want %q", tt.ref, got, tt.name)
			}
		})
	}
}
