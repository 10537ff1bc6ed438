package sandbox

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroups"
	rgtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroups/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
)

// Every member of the typed Managed Daemon, Express Mode and EventBridge requests
// and answers (daemon_wire.go, express_wire.go, events_wire.go) is a member of the
// API shape it stands for, as the SDK's model names it: a misspelt JSON tag would
// silently drop what a client sent or expects.
func TestWireTagsAreAPIMembersDaemonExpressEvents(t *testing.T) {
	for _, tc := range wireAPIPairs {
		checkAPIMembers(t, tc.wire, tc.api)
	}
}

var wireAPIPairs = []struct{ wire, api any }{
	// Managed Daemons.
	{daemonTDRequest{}, ecs.RegisterDaemonTaskDefinitionInput{}},
	{wireDaemonTaskDefinition{}, types.DaemonTaskDefinition{}},
	{wireDaemonTDSummary{}, types.DaemonTaskDefinitionSummary{}},
	{daemonTDRef{}, ecs.DescribeDaemonTaskDefinitionInput{}},
	{daemonTDRef{}, ecs.DeleteDaemonTaskDefinitionInput{}},
	{listDaemonTDsRequest{}, ecs.ListDaemonTaskDefinitionsInput{}},
	{daemonSettings{}, ecs.CreateDaemonInput{}},
	{daemonSettings{}, ecs.UpdateDaemonInput{}},
	{wireDaemonDeploymentConf{}, types.DaemonDeploymentConfiguration{}},
	{createDaemonRequest{}, ecs.CreateDaemonInput{}},
	{updateDaemonRequest{}, ecs.UpdateDaemonInput{}},
	{daemonRef{}, ecs.DescribeDaemonInput{}},
	{daemonRef{}, ecs.DeleteDaemonInput{}},
	{listDaemonsRequest{}, ecs.ListDaemonsInput{}},
	{deploymentArnsRequest{}, ecs.DescribeDaemonDeploymentsInput{}},
	{revisionArnsRequest{}, ecs.DescribeDaemonRevisionsInput{}},
	{wireDaemonChange{}, ecs.UpdateDaemonOutput{}},
	{wireDaemonChange{}, ecs.DeleteDaemonOutput{}},
	{wireDaemonSummary{}, types.DaemonSummary{}},
	{wireDaemonDetail{}, types.DaemonDetail{}},
	{wireDaemonRevisionDetail{}, types.DaemonRevisionDetail{}},
	{wireDaemonCapacityProv{}, types.DaemonCapacityProvider{}},
	{wireDaemonDeployment{}, types.DaemonDeployment{}},
	{wireDaemonCircuitBreaker{}, types.DaemonCircuitBreaker{}},
	{wireDaemonRollback{}, types.DaemonRollback{}},
	{wireDaemonDeploymentRevision{}, types.DaemonDeploymentRevisionDetail{}},
	{wireDaemonDeploymentProv{}, types.DaemonDeploymentCapacityProvider{}},
	{wireDaemonRevision{}, types.DaemonRevision{}},
	{wireDaemonImage{}, types.DaemonContainerImage{}},
	{wireDaemonTDArn{}, ecs.RegisterDaemonTaskDefinitionOutput{}},
	{wireDaemonTDArn{}, ecs.DeleteDaemonTaskDefinitionOutput{}},
	{wireDaemonTDAnswer{}, ecs.DescribeDaemonTaskDefinitionOutput{}},
	{wireDaemonTDList{}, ecs.ListDaemonTaskDefinitionsOutput{}},
	{wireDaemonAnswer{}, ecs.DescribeDaemonOutput{}},
	{wireDaemonList{}, ecs.ListDaemonsOutput{}},
	{wireDaemonDeployments{}, ecs.DescribeDaemonDeploymentsOutput{}},
	{wireDaemonRevisions{}, ecs.DescribeDaemonRevisionsOutput{}},
	// Express Mode.
	{expressConfigMembers{}, types.ExpressGatewayServiceConfiguration{}},
	{expressContainer{}, types.ExpressGatewayContainer{}},
	{expressRepoCredentials{}, types.ExpressGatewayRepositoryCredentials{}},
	{expressAwsLogs{}, types.ExpressGatewayServiceAwsLogsConfiguration{}},
	{expressNetworkConfig{}, types.ExpressGatewayServiceNetworkConfiguration{}},
	{expressScalingTarget{}, types.ExpressGatewayScalingTarget{}},
	{createExpressRequest{}, ecs.CreateExpressGatewayServiceInput{}},
	{updateExpressRequest{}, ecs.UpdateExpressGatewayServiceInput{}},
	{expressRef{}, ecs.DescribeExpressGatewayServiceInput{}},
	{expressRef{}, ecs.DeleteExpressGatewayServiceInput{}},
	{wireExpressService{}, types.ECSExpressGatewayService{}},
	{wireUpdatedExpressService{}, types.UpdatedExpressGatewayService{}},
	{wireExpressStatus{}, types.ExpressGatewayServiceStatus{}},
	{wireExpressConfig{}, types.ExpressGatewayServiceConfiguration{}},
	{wireIngressPath{}, types.IngressPathSummary{}},
	{wireExpressAnswer{}, ecs.DescribeExpressGatewayServiceOutput{}},
	{wireExpressAnswer{}, ecs.CreateExpressGatewayServiceOutput{}},
	{wireExpressAnswer{}, ecs.DeleteExpressGatewayServiceOutput{}},
	{wireExpressUpdated{}, ecs.UpdateExpressGatewayServiceOutput{}},
	{expressTDRequest{}, ecs.RegisterTaskDefinitionInput{}},
	{expressContainerDef{}, types.ContainerDefinition{}},
	{expressPortMapping{}, types.PortMapping{}},
	{expressLogConfig{}, types.LogConfiguration{}},
	{expressCreateService{}, ecs.CreateServiceInput{}},
	{expressLoadBalancer{}, types.LoadBalancer{}},
	{expressDeploymentConf{}, types.DeploymentConfiguration{}},
	{expressCircuitBreaker{}, types.DeploymentCircuitBreaker{}},
	{expressUpdateService{}, ecs.UpdateServiceInput{}},
	{expressDeleteService{}, ecs.DeleteServiceInput{}},
	// EventBridge rules and the Scheduler: the target the proxy invokes, read from both.
	{eventsTarget{}, ebtypes.Target{}},
	{eventsTarget{}, schedtypes.Target{}},
	{eventsDeadLetter{}, ebtypes.DeadLetterConfig{}},
	{eventsDeadLetter{}, schedtypes.DeadLetterConfig{}},
	{eventsEcsParameters{}, ebtypes.EcsParameters{}},
	{eventsEcsParameters{}, schedtypes.EcsParameters{}},
	{capacityProviderIt{}, ebtypes.CapacityProviderStrategyItem{}},
	{capacityProviderIt{}, schedtypes.CapacityProviderStrategyItem{}},
	{capacityProviderIt{}, types.CapacityProviderStrategyItem{}},
	{eventsNetwork{}, ebtypes.NetworkConfiguration{}},
	{eventsNetwork{}, schedtypes.NetworkConfiguration{}},
	{eventsAwsvpc{}, ebtypes.AwsVpcConfiguration{}},
	{eventsAwsvpc{}, schedtypes.AwsVpcConfiguration{}},
	{eventsRunTask{}, ecs.RunTaskInput{}},
	{struct {
		Name string `json:"Name"`
	}{}, eventbridge.PutRuleInput{}},
	{struct {
		Rule string `json:"Rule"`
	}{}, eventbridge.PutTargetsInput{}},
	{describeRuleRequest{}, eventbridge.DescribeRuleInput{}},
	{listTargetsRequest{}, eventbridge.ListTargetsByRuleInput{}},
	{listRulesRequest{}, eventbridge.ListRulesInput{}},
	{listTagsRequest{}, eventbridge.ListTagsForResourceInput{}},
	{describeRuleAnswer{}, eventbridge.DescribeRuleOutput{}},
	{listTargetsAnswer{}, eventbridge.ListTargetsByRuleOutput{}},
	{listRulesAnswer{}, eventbridge.ListRulesOutput{}},
	{listTagsAnswer{}, eventbridge.ListTagsForResourceOutput{}},
	{scheduleRequest{}, scheduler.CreateScheduleInput{}},
	{scheduleRequest{}, scheduler.UpdateScheduleInput{}},
	// Resource Groups.
	{searchResourcesRequest{}, resourcegroups.SearchResourcesInput{}},
	{wireSearchResources{}, resourcegroups.SearchResourcesOutput{}},
	{wireResourceIdentifier{}, rgtypes.ResourceIdentifier{}},
	{wireRGError{}, rgtypes.QueryError{}},
}
