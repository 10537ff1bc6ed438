package cli

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

const unitCodeDeployServiceDef = `{
  "desiredCount": 1,
  "launchType": "FARGATE",
  "platformVersion": "LATEST",
  "schedulingStrategy": "REPLICA",
  "propagateTags": "NONE",
  "deploymentController": {"type": "CODE_DEPLOY"},
  "loadBalancers": [{"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/1", "containerName": "app", "containerPort": 80}],
  "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"], "assignPublicIp": "DISABLED"}}
}
`

// newCodeDeployUnit is the standard project with service web under the
// CODE_DEPLOY controller (revisions web:1..2, web:2 live), deployed by
// AppECS-prod-web/DgpECS-prod-web, which the config does not name (discovered).
func newCodeDeployUnit(t *testing.T) *unit {
	t.Helper()
	u := newUnit(t)
	u.write("ecs-service-def.json", unitCodeDeployServiceDef)
	u.withService(2)
	svc := u.ecs.services["prod/web"]
	svc.DeploymentController = &types.DeploymentController{Type: types.DeploymentControllerTypeCodeDeploy}
	svc.DeploymentConfiguration = &types.DeploymentConfiguration{MaximumPercent: aws.Int32(200), MinimumHealthyPercent: aws.Int32(100)}
	svc.LoadBalancers = []types.LoadBalancer{{TargetGroupArn: aws.String("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/1"), ContainerName: aws.String("app"), ContainerPort: aws.Int32(80)}}
	u.aws.cd.addGroup("AppECS-prod-web", "DgpECS-prod-web", "prod", "web")
	return u
}

// created is the AppSpec of the deployment CreateDeployment got (the test fails
// unless exactly one was created).
func (u *unit) createdAppSpec() string {
	u.t.Helper()
	if n := len(u.aws.cd.created); n != 1 {
		u.t.Fatalf("CreateDeployment made %d times, want 1 (calls %v)", n, u.aws.cd.calls)
	}
	in := u.aws.cd.created[0]
	if aws.ToString(in.ApplicationName) != "AppECS-prod-web" || aws.ToString(in.DeploymentGroupName) != "DgpECS-prod-web" {
		u.t.Errorf("deployment created in %s/%s", aws.ToString(in.ApplicationName), aws.ToString(in.DeploymentGroupName))
	}
	return aws.ToString(in.Revision.AppSpecContent.Content)
}

// deploy of a CODE_DEPLOY service registers the revision and deploys it through
// CodeDeploy (never UpdateService's task definition); the outcome of the
// deployment is the exit code: succeeded 0, failed or stopped 4.
func TestUnitCodeDeployDeployOutcomes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		statuses []cdtypes.DeploymentStatus
		message  string
		code     int
		stderr   []string
	}{
		{"succeeded", nil, "", 0, []string{"created CodeDeploy deployment  deployment=d-00000001 application=AppECS-prod-web group=DgpECS-prod-web taskDefinition=web:3"}},
		{"failed", []cdtypes.DeploymentStatus{cdtypes.DeploymentStatusInProgress, cdtypes.DeploymentStatusFailed}, "The ECS service cannot be updated",
			4, []string{"CodeDeploy deployment d-00000001 failed: CodeDeploy deployment failed", "The ECS service cannot be updated"}},
		{"stopped", []cdtypes.DeploymentStatus{cdtypes.DeploymentStatusStopped}, "", 4, []string{"CodeDeploy deployment stopped"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			u := newCodeDeployUnit(t)
			u.aws.cd.statuses, u.aws.cd.errorMessage = tc.statuses, tc.message
			code, out, errs := u.run("", "deploy", "--poll-interval", "1ms")
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errs)
			}
			contains(t, "deploy's stderr", errs, tc.stderr...)
			contains(t, "the AppSpec", u.createdAppSpec(), "TaskDefinition: "+tdARN("web", 3), "ContainerName: app", "ContainerPort: 80")
			if n := u.ecs.called("UpdateService"); n != 0 {
				t.Errorf("UpdateService made %d times for a CODE_DEPLOY service whose only change is its revision", n)
			}
		})
	}
}

// A deployment of another revision in flight stops deploy before it changes
// anything; one of the wanted revision is followed, not created again.
func TestUnitCodeDeployInFlight(t *testing.T) {
	t.Parallel()
	u := newCodeDeployUnit(t)
	u.aws.cd.addDeployment("AppECS-prod-web", "DgpECS-prod-web", tdARN("web", 1), cdtypes.DeploymentStatusInProgress)
	_, errs := u.must(1, "deploy", "--skip-task-definition", "--poll-interval", "1ms")
	contains(t, "deploy with a deployment in flight", errs, "CodeDeploy deployment d-00000001 of web:1 is still in progress in AppECS-prod-web/DgpECS-prod-web", "doppio rollback")
	u.noChanges()
	if len(u.aws.cd.created) != 0 || len(u.aws.cd.stopped) != 0 {
		t.Errorf("CodeDeploy changed: created %d, stopped %d", len(u.aws.cd.created), len(u.aws.cd.stopped))
	}
}

// A group named in the config that does not exist is an error before anything
// changes.
func TestUnitCodeDeployMissingGroup(t *testing.T) {
	t.Parallel()
	u := newCodeDeployUnit(t)
	u.write("doppio.yml", unitConfig+"codedeploy:\n  application_name: AppECS-prod-web\n  deployment_group_name: nope\n")
	_, errs := u.must(1, "deploy", "--poll-interval", "1ms")
	contains(t, "deploy to a missing group", errs, "get CodeDeploy deployment group AppECS-prod-web/nope")
	u.noChanges()
	if len(u.aws.cd.created) != 0 {
		t.Errorf("CreateDeployment made")
	}
}

// rollback of a CODE_DEPLOY service: with nothing in flight, a new deployment of
// the previous revision; with a deployment in flight, StopDeployment with
// automatic rollback, and CodeDeploy's rollback deployment is followed.
func TestUnitCodeDeployRollback(t *testing.T) {
	t.Parallel()
	t.Run("previous revision", func(t *testing.T) {
		t.Parallel()
		u := newCodeDeployUnit(t)
		u.aws.cd.addDeployment("AppECS-prod-web", "DgpECS-prod-web", tdARN("web", 2), cdtypes.DeploymentStatusSucceeded)
		_, errs := u.must(0, "rollback", "--poll-interval", "1ms")
		contains(t, "rollback's stderr", errs, "created CodeDeploy deployment of the previous revision", "taskDefinition=web:1")
		if len(u.aws.cd.stopped) != 0 {
			t.Errorf("StopDeployment made: %+v", u.aws.cd.stopped)
		}
		if n := len(u.aws.cd.created); n != 1 {
			t.Fatalf("CreateDeployment made %d times", n)
		}
		contains(t, "the rollback's AppSpec", aws.ToString(u.aws.cd.created[0].Revision.AppSpecContent.Content), "TaskDefinition: "+tdARN("web", 1))
		u.noChanges()
	})
	t.Run("in flight", func(t *testing.T) {
		t.Parallel()
		u := newCodeDeployUnit(t)
		id := u.aws.cd.addDeployment("AppECS-prod-web", "DgpECS-prod-web", tdARN("web", 2), cdtypes.DeploymentStatusInProgress)
		code, out, errs := u.run("", "rollback", "--poll-interval", "1ms")
		if code != 0 {
			t.Fatalf("exit %d\n%s\n%s", code, out, errs)
		}
		contains(t, "rollback's stderr", errs, "stopped CodeDeploy deployment with automatic rollback  deployment="+id)
		if len(u.aws.cd.stopped) != 1 || aws.ToString(u.aws.cd.stopped[0].DeploymentId) != id || !aws.ToBool(u.aws.cd.stopped[0].AutoRollbackEnabled) {
			t.Errorf("StopDeployment: %+v", u.aws.cd.stopped)
		}
		if len(u.aws.cd.created) != 0 {
			t.Errorf("CreateDeployment made")
		}
	})
	t.Run("nothing deployed yet", func(t *testing.T) {
		t.Parallel()
		u := newCodeDeployUnit(t)
		_, errs := u.must(1, "rollback", "--poll-interval", "1ms")
		contains(t, "rollback without deployments", errs, "deployment group AppECS-prod-web/DgpECS-prod-web has no deployment to roll back")
		u.noChanges()
	})
}
