package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/deploy"
)

// codeDeployGroup is the config's codedeploy section as the domain wants it.
func (p *project) codeDeployGroup() deploy.CodeDeployGroup {
	if cd := p.cfg.CodeDeploy; cd != nil {
		return deploy.CodeDeployGroup{Application: cd.ApplicationName, DeploymentGroup: cd.DeploymentGroupName, DeploymentConfig: cd.DeploymentConfigName}
	}
	return deploy.CodeDeployGroup{}
}

// initCodeDeploy adds the codedeploy section to the config init writes for a
// CODE_DEPLOY service, as ecspresso's init does; discovery failing is a warning.
type initCodeDeploy struct {
	client deploy.CodeDeploy
	log    interface{ Warn(string, ...any) }
}

func (i initCodeDeploy) section(ctx context.Context, cfg []byte, path, cluster string, svc *ecstypes.Service) []byte {
	if i.client == nil || !deploy.IsCodeDeploy(svc) {
		return cfg
	}
	g, err := deploy.FindDeploymentGroup(ctx, i.client, cluster, aws.ToString(svc.ServiceName), deploy.CodeDeployGroup{})
	if err != nil {
		i.log.Warn("CODE_DEPLOY service: no codedeploy section written", "error", err)
		return cfg
	}
	if !strings.HasSuffix(path, ".yml") && !strings.HasSuffix(path, ".yaml") {
		i.log.Warn(fmt.Sprintf("CODE_DEPLOY service: add codedeploy: {application_name: %q, deployment_group_name: %q} to %s", g.Application, g.DeploymentGroup, path))
		return cfg
	}
	return fmt.Appendf(cfg, "codedeploy:\n  application_name: %s\n  deployment_group_name: %s\n", g.Application, g.DeploymentGroup)
}
