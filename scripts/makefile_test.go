package scripts

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestMakeTargetsResolve dry-runs (make -n) every target of the Makefile, so that a
// target naming a prerequisite rule that no longer exists (as bench once named
// check-moto) fails here instead of in a user's hands. -n prints the recipes and
// runs none of them (recipes that call $(MAKE) are not among these targets).
func TestMakeTargetsResolve(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatal("make is not installed: the README's two commands need it (apt-get install -y make)")
	}
	out, err := exec.Command("make", "-C", "..", "-pRrq", "-f", "Makefile", ":").CombinedOutput()
	if len(out) == 0 {
		t.Fatalf("make -p printed nothing: %v", err)
	}
	var targets []string
	rule := regexp.MustCompile(`^([a-z][a-z0-9-]*):`)
	inFiles := false
	for _, l := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(l, "# Files"):
			inFiles = true
		case strings.HasPrefix(l, "# Finished Make data base"):
			inFiles = false
		}
		if m := rule.FindStringSubmatch(l); inFiles && m != nil && !strings.Contains(l, ":=") {
			targets = append(targets, m[1])
		}
	}
	for _, want := range []string{"test", "demo", "bench", "sandbox", "slowest"} {
		if !strings.Contains(" "+strings.Join(targets, " ")+" ", " "+want+" ") {
			t.Errorf("the Makefile has no target %q (targets: %v)", want, targets)
		}
	}
	for _, target := range targets {
		if b, err := exec.Command("make", "-C", "..", "-n", target).CombinedOutput(); err != nil {
			if strings.Contains(string(b), "No rule to make target") {
				t.Errorf("make %s: %s", target, strings.TrimSpace(string(b)))
			}
		}
	}
}
