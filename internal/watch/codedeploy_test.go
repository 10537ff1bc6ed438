package watch

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
)

// scriptedCodeDeploy answers GetDeployment with one status per call, repeating the
// last; GetDeploymentTarget with no lifecycle events.
type scriptedCodeDeploy struct {
	statuses []cdtypes.DeploymentStatus
	calls    int
}

func (s *scriptedCodeDeploy) GetDeployment(_ context.Context, in *codedeploy.GetDeploymentInput, _ ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentOutput, error) {
	st := s.statuses[min(s.calls, len(s.statuses)-1)]
	s.calls++
	return &codedeploy.GetDeploymentOutput{DeploymentInfo: &cdtypes.DeploymentInfo{DeploymentId: in.DeploymentId, Status: st}}, nil
}

func (s *scriptedCodeDeploy) GetDeploymentTarget(_ context.Context, in *codedeploy.GetDeploymentTargetInput, _ ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentTargetOutput, error) {
	return &codedeploy.GetDeploymentTargetOutput{DeploymentTarget: &cdtypes.DeploymentTarget{
		EcsTarget: &cdtypes.ECSTarget{DeploymentId: in.DeploymentId, TargetId: in.TargetId},
	}}, nil
}

// After ContinueDeployment (READY_WAIT) the Ready we answered is not a pause while
// CodeDeploy catches up; a Ready after it left, or one that lasts, is.
func TestWaitCodeDeployContinued(t *testing.T) {
	const (
		ready = cdtypes.DeploymentStatusReady
		inPrg = cdtypes.DeploymentStatusInProgress
		okay  = cdtypes.DeploymentStatusSucceeded
	)
	for _, tc := range []struct {
		name      string
		continued bool
		statuses  []cdtypes.DeploymentStatus
		want      Kind
		elapsed   time.Duration
	}{
		{name: "ready lags after continue", continued: true, statuses: []cdtypes.DeploymentStatus{ready, ready, inPrg, inPrg, okay}, want: Succeeded, elapsed: 20 * time.Second},
		{name: "paused again after it left ready", continued: true, statuses: []cdtypes.DeploymentStatus{inPrg, ready}, want: Paused, elapsed: 5 * time.Second},
		{name: "still ready after the grace", continued: true, statuses: []cdtypes.DeploymentStatus{ready}, want: Paused, elapsed: continuedReadyPolls * 5 * time.Second},
		{name: "ready without continue is a pause", statuses: []cdtypes.DeploymentStatus{ready}, want: Paused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c := &scriptedCodeDeploy{statuses: tc.statuses}
				o, err := New(nil, Options{}).WaitCodeDeploy(t.Context(), c, CodeDeployTarget{
					DeploymentID: "d-1", Cluster: "prod", Service: "web", Continued: tc.continued})
				if err != nil {
					t.Fatal(err)
				}
				if o.Kind != tc.want || o.Duration() != tc.elapsed {
					t.Errorf("outcome %v after %v (%s), want %v after %v", o.Kind, o.Duration(), o.Reason, tc.want, tc.elapsed)
				}
				if o.DeploymentID != "d-1" {
					t.Errorf("deployment id %q", o.DeploymentID)
				}
			})
		})
	}
}
