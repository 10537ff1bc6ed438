package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// recordingTB keeps what a fake reports instead of failing the test.
type recordingTB struct {
	testing.TB
	errs []string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// An operation no test expected fails the test, naming it, and returns an error;
// it never panics.
func TestUnitFakeUnexpectedOperation(t *testing.T) {
	t.Parallel()
	rec := &recordingTB{TB: t}
	f := newFakeClients(rec)
	client, _ := f.ECS(t.Context())
	_, err := client.StopServiceDeployment(context.Background(), &ecs.StopServiceDeploymentInput{})
	if err == nil || len(rec.errs) != 1 || !strings.Contains(rec.errs[0], "unexpected StopServiceDeployment") {
		t.Errorf("StopServiceDeployment on the fake: err %v, reported %q", err, rec.errs)
	}
	if _, err := f.Verify(t.Context()); err == nil || len(rec.errs) != 2 || !strings.Contains(rec.errs[1], "verify's clients") {
		t.Errorf("verify's clients from the fake: err %v, reported %q", err, rec.errs)
	}
	if _, err := f.as.DescribeScalableTargets(t.Context(), nil); err == nil || len(rec.errs) != 3 {
		t.Errorf("auto scaling on the fake: err %v, reported %q", err, rec.errs)
	}
}

// A verb reaching an operation the fake lacks shows in the test's failure, with the
// verb's exit code and output (here: deploy, which creates the missing service).
func TestUnitFakeUnexpectedThroughMain(t *testing.T) {
	t.Parallel()
	rec := &recordingTB{TB: t}
	u := newUnit(t)
	u.aws = newFakeClients(rec)
	u.ecs = u.aws.ecs
	code, _, errs := u.run("", "deploy", "--no-wait")
	if code == 0 || len(rec.errs) == 0 || !strings.Contains(rec.errs[0], "unexpected CreateService") {
		t.Errorf("deploy on the fake: exit %d, reported %q\n%s", code, rec.errs, errs)
	}
}
