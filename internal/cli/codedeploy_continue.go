package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ui"
)

// continueCodeDeploy is `continue` on a CODE_DEPLOY service: the deployment waiting
// for traffic to be rerouted gets ContinueDeployment (READY_WAIT), or with --rollback
// StopDeployment with automatic rollback, and is then followed like wait. handled is
// false for other services; only a service definition or config that names CodeDeploy
// costs a DescribeServices here.
func (a *app) continueCodeDeploy(ctx context.Context, p *project, c *ContinueCmd) (handled bool, err error) {
	var sd *ecs.CreateServiceInput
	if p.cfg.ServiceDefinition != "" {
		if sd, err = p.serviceDefinition(ctx); err != nil {
			return true, err
		}
	}
	says := sd != nil && sd.DeploymentController != nil && sd.DeploymentController.Type == ecstypes.DeploymentControllerTypeCodeDeploy
	if !says && p.cfg.CodeDeploy == nil {
		return false, nil
	}
	client, err := p.ecsClient(ctx)
	if err != nil {
		return true, err
	}
	ds, err := client.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(p.cfg.Cluster), Services: []string{p.cfg.Service}})
	if err != nil || len(ds.Services) == 0 || !deploy.IsCodeDeploy(&ds.Services[0]) {
		return false, nil
	}
	cdc, err := p.codeDeployClient(ctx)
	if err != nil {
		return true, err
	}
	group, err := deploy.FindDeploymentGroup(ctx, cdc, p.cfg.Cluster, p.cfg.Service, p.codeDeployGroup())
	if err != nil {
		return true, err
	}
	res, err := deploy.ContinueCodeDeploy(ctx, cdc, group, c.Rollback)
	if err != nil {
		return true, err
	}
	if c.Rollback {
		a.log.Info("stopped CodeDeploy deployment with automatic rollback", "deployment", res.DeploymentID)
	} else {
		a.log.Info("rerouted traffic of CodeDeploy deployment (ContinueDeployment READY_WAIT)", "deployment", res.DeploymentID)
	}
	if !c.Wait {
		if a.g.Output == "json" {
			return true, ui.WriteJSON(a.stdout, res)
		}
		return true, nil
	}
	id := res.DeploymentID
	if c.Rollback {
		if id, err = a.codeDeployRollbackOf(ctx, cdc, res.DeploymentID, c.PollInterval); err != nil {
			return true, err
		}
	}
	if err := a.followCodeDeploy(ctx, cdc, p.cfg.Cluster, p.cfg.Service, id, "", cdFollow{continued: !c.Rollback, acceptPaused: c.WaitUntil == "paused"}, c.PollInterval); err != nil {
		return true, err
	}
	if c.Rollback {
		a.log.Info("rolled back", "service", p.cfg.Service, "deployment", id)
	}
	return true, nil
}

// codeDeployRollbackOf waits for CodeDeploy to start the rollback of a deployment
// stopped with automatic rollback and returns the rollback deployment's id.
func (a *app) codeDeployRollbackOf(ctx context.Context, cdc *codedeploy.Client, stopped string, interval time.Duration) (string, error) {
	for {
		id, err := deploy.RollbackDeploymentOf(ctx, cdc, stopped)
		if err != nil || id != "" {
			return id, err
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return "", diag.WithCode(fmt.Errorf("timed out waiting for CodeDeploy to start the rollback of %s", stopped), diag.ExitTimeout)
		case <-t.C:
		}
	}
}
