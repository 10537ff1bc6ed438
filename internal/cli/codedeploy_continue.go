package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/codedeploy"

	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
)

// continueCodeDeploy is `continue` on a CODE_DEPLOY service: the deployment waiting
// for traffic to be rerouted gets ContinueDeployment (READY_WAIT), or with --rollback
// StopDeployment with automatic rollback, and is then followed like wait. handled is
// false for other services; only a service definition or config that names CodeDeploy
// costs a DescribeServices here.
func (a *app) continueCodeDeploy(ctx context.Context, p *project, c *ContinueCmd) (handled bool, err error) {
	_, _, _, handled, err = codeDeployService(ctx, p)
	if !handled || err != nil {
		return handled, err
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
		return true, view.Write(a.stdout, a.g.Output, view.CodeDeployContinued{CodeDeployContinued: res})
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
