package deploy

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// svcDescriber answers DescribeServices with svc (nil: no such service) and counts
// the calls.
type svcDescriber struct {
	svc   *types.Service
	calls int
}

func (d *svcDescriber) DescribeServices(_ context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	d.calls++
	if d.svc == nil {
		return &ecs.DescribeServicesOutput{Failures: []types.Failure{{Arn: aws.String(in.Services[0]), Reason: aws.String("MISSING")}}}, nil
	}
	return &ecs.DescribeServicesOutput{Services: []types.Service{*d.svc}}, nil
}

// TestResolveDeclaredKinds: the kind the config declares decides, and a daemon is
// resolved without a DescribeServices.
func TestResolveDeclaredKinds(t *testing.T) {
	ordinary := &types.Service{ServiceName: aws.String("x"), Status: aws.String("ACTIVE")}
	express := &types.Service{ServiceName: aws.String("x"), Status: aws.String("ACTIVE"), ResourceManagementType: types.ResourceManagementTypeEcs}
	for _, c := range []struct {
		name     string
		live     *types.Service
		declared Kind
		want     Kind
		calls    int
	}{
		{"daemon", nil, KindDaemon, KindDaemon, 0},
		{"express declared, not created", nil, KindExpress, KindExpress, 1},
		{"express live, undeclared", express, "", KindExpress, 1},
		{"ordinary", ordinary, "", KindECS, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := &svcDescriber{svc: c.live}
			w, err := Resolve(t.Context(), d, "prod", "x", nil, c.declared)
			if err != nil {
				t.Fatal(err)
			}
			if w.Kind != c.want || d.calls != c.calls {
				t.Errorf("kind %s with %d DescribeServices, want %s with %d", w.Kind, d.calls, c.want, c.calls)
			}
		})
	}
}

// TestKindRefusal: each kind names the verbs it refuses, with a reason; ordinary
// services refuse none.
func TestKindRefusal(t *testing.T) {
	for _, c := range []struct {
		kind    Kind
		verb    string
		refused bool
	}{
		{KindExpress, "scale", true}, {KindExpress, "deregister", true}, {KindExpress, "exec", false}, {KindExpress, "wait", false},
		{KindDaemon, "scale", true}, {KindDaemon, "exec", true}, {KindDaemon, "deregister", false}, {KindDaemon, "wait", false},
		{KindECS, "scale", false}, {"", "run", false},
	} {
		if got := c.kind.Refusal(c.verb) != ""; got != c.refused {
			t.Errorf("%q.Refusal(%s) refused=%v, want %v", c.kind, c.verb, got, c.refused)
		}
	}
}

// TestNotFound: status and wait of a workload that does not exist say what was
// looked for, as a *NotFoundError the CLI gives its hint.
func TestNotFound(t *testing.T) {
	w, err := Resolve(t.Context(), &svcDescriber{}, "prod", "web", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	ctl, err := NewController(w, ControllerDeps{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ctl.Status(t.Context())
	var nf *NotFoundError
	if !errors.As(err, &nf) || err.Error() != `service "web" not found in cluster "prod"` {
		t.Errorf("status: %v", err)
	}
	if _, err = ctl.InFlight(t.Context()); !errors.As(err, &nf) {
		t.Errorf("in flight: %v", err)
	}
}
