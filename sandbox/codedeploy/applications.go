package codedeploy

import (
	"encoding/json"
	"strings"
)

// Applications and deployment groups (CreateApplication, CreateDeploymentGroup and
// friends in the CodeDeploy API Reference).

// createApplicationInput is the body of CreateApplication.
type createApplicationInput struct {
	ApplicationName string `json:"applicationName"`
	ComputePlatform string `json:"computePlatform"`
}

func (s *Server) createApplication(q *request, in *createApplicationInput) (any, error) {
	if in.ApplicationName == "" {
		return nil, apiErr("ApplicationNameRequiredException", "The application name must be specified.")
	}
	if len(in.ApplicationName) > 100 {
		return nil, apiErr("InvalidApplicationNameException", "The application name is too long: %s", in.ApplicationName)
	}
	switch in.ComputePlatform {
	case "":
		in.ComputePlatform = "Server"
	case "Server", "Lambda", "ECS":
	default:
		return nil, apiErr("InvalidComputePlatformException", "The computePlatform is invalid: %s", in.ComputePlatform)
	}
	if q.acct.apps[in.ApplicationName] != nil {
		return nil, apiErr("ApplicationAlreadyExistsException", "The application %s already exists with the IAM user or AWS account.", in.ApplicationName)
	}
	app := &application{
		id:       uuidFor(q.acct.id, "app", in.ApplicationName),
		name:     in.ApplicationName,
		platform: in.ComputePlatform,
		created:  q.now,
		groups:   map[string]*group{},
	}
	q.acct.apps[app.name] = app
	return map[string]string{"applicationId": app.id}, nil
}

func (app *application) info() applicationInfo {
	return applicationInfo{
		ApplicationID:   app.id,
		ApplicationName: app.name,
		ComputePlatform: app.platform,
		CreateTime:      ts(app.created),
	}
}

// getApplicationInput is the body of GetApplication.
type getApplicationInput struct {
	ApplicationName string `json:"applicationName"`
}

func (s *Server) getApplication(q *request, in *getApplicationInput) (any, error) {
	app, err := q.acct.app(in.ApplicationName)
	if err != nil {
		return nil, err
	}
	return map[string]any{"application": app.info()}, nil
}

// listApplicationsInput is the body of ListApplications.
type listApplicationsInput struct {
	NextToken string `json:"nextToken"`
}

func (s *Server) listApplications(q *request, in *listApplicationsInput) (any, error) {
	names, next, err := page(sortedKeys(q.acct.apps), in.NextToken, 100)
	if err != nil {
		return nil, err
	}
	return listReply("applications", names, next), nil
}

func listReply(key string, names []string, next string) map[string]any {
	out := map[string]any{key: names}
	if next != "" {
		out["nextToken"] = next
	}
	return out
}

// batchGetApplicationsInput is the body of BatchGetApplications.
type batchGetApplicationsInput struct {
	ApplicationNames []string `json:"applicationNames"`
}

func (s *Server) batchGetApplications(q *request, in *batchGetApplicationsInput) (any, error) {
	if err := batchLimit(len(in.ApplicationNames), 100); err != nil {
		return nil, err
	}
	infos := []applicationInfo{}
	for _, name := range in.ApplicationNames {
		app, err := q.acct.app(name)
		if err != nil {
			return nil, err
		}
		infos = append(infos, app.info())
	}
	return map[string]any{"applicationsInfo": infos}, nil
}

// deleteApplicationInput is the body of DeleteApplication.
type deleteApplicationInput struct {
	ApplicationName string `json:"applicationName"`
}

func (s *Server) deleteApplication(q *request, in *deleteApplicationInput) (any, error) {
	if in.ApplicationName == "" {
		return nil, apiErr("ApplicationNameRequiredException", "The application name must be specified.")
	}
	// Deleting an application that does not exist succeeds, as in the real API.
	delete(q.acct.apps, in.ApplicationName)
	return struct{}{}, nil
}

// groupInput is the body of CreateDeploymentGroup and UpdateDeploymentGroup.
type groupInput struct {
	ApplicationName            string `json:"applicationName"`
	DeploymentGroupName        string `json:"deploymentGroupName"`
	CurrentDeploymentGroupName string `json:"currentDeploymentGroupName"`
	NewDeploymentGroupName     string `json:"newDeploymentGroupName"`
	DeploymentConfigName       string `json:"deploymentConfigName"`
	ServiceRoleArn             string `json:"serviceRoleArn"`
	groupSettings
}

// apply copies the fields that were sent onto g.
func (in *groupInput) apply(g *group) {
	if in.DeploymentConfigName != "" {
		g.configName = in.DeploymentConfigName
	}
	if in.ServiceRoleArn != "" {
		g.roleArn = in.ServiceRoleArn
	}
	in.groupSettings.apply(&g.groupSettings)
}

// validate checks a group the way the real API does for the ECS compute platform
// ("Create a deployment group for an Amazon ECS deployment",
// https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-groups-create-ecs.html).
func (a *account) validate(app *application, g *group) error {
	if g.roleArn == "" {
		return apiErr("RoleRequiredException", "The service role ARN must be specified.")
	}
	c := a.config(g.configName)
	if c == nil {
		return apiErr("DeploymentConfigDoesNotExistException", "No deployment configuration found for name: %s", g.configName)
	}
	if c.platform != app.platform {
		return apiErr("InvalidDeploymentConfigNameException",
			"The deployment configuration %s is for the %s compute platform, not %s.", c.name, c.platform, app.platform)
	}
	if r := g.AutoRollbackConfiguration; r != nil {
		for _, e := range r.Events {
			switch e {
			case "DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST":
			default:
				return apiErr("InvalidAutoRollbackConfigException", "The automatic rollback event %q is invalid.", e)
			}
		}
	}
	if bg := g.BlueGreenDeploymentConfiguration; bg != nil && bg.DeploymentReadyOption != nil {
		switch bg.DeploymentReadyOption.ActionOnTimeout {
		case "", "CONTINUE_DEPLOYMENT", "STOP_DEPLOYMENT":
		default:
			return apiErr("InvalidBlueGreenDeploymentConfigurationException",
				"The actionOnTimeout %q is invalid.", bg.DeploymentReadyOption.ActionOnTimeout)
		}
	}
	if app.platform != "ECS" {
		return nil
	}
	if g.DeploymentStyle == nil {
		g.DeploymentStyle = &deploymentStyle{DeploymentType: "BLUE_GREEN", DeploymentOption: "WITH_TRAFFIC_CONTROL"}
	}
	if g.DeploymentStyle.DeploymentType != "BLUE_GREEN" || g.DeploymentStyle.DeploymentOption != "WITH_TRAFFIC_CONTROL" {
		return apiErr("InvalidDeploymentStyleException",
			"An Amazon ECS deployment group must use the BLUE_GREEN deployment type WITH_TRAFFIC_CONTROL.")
	}
	if len(g.EcsServices) != 1 || g.EcsServices[0].ClusterName == "" || g.EcsServices[0].ServiceName == "" {
		return apiErr("InvalidECSServiceException", "An Amazon ECS deployment group needs exactly one ECS service with its cluster name.")
	}
	if g.LoadBalancerInfo == nil || len(g.LoadBalancerInfo.TargetGroupPairInfoList) != 1 || len(g.LoadBalancerInfo.TargetGroupPairInfoList[0].TargetGroups) != 2 {
		return apiErr("InvalidTargetGroupPairException",
			"An Amazon ECS deployment group needs one target group pair with two target groups.")
	}
	for _, other := range a.apps {
		for _, og := range other.groups {
			if og.id == g.id || len(og.EcsServices) == 0 {
				continue
			}
			if og.EcsServices[0] == g.EcsServices[0] {
				return apiErr("ECSServiceMappingLimitExceededException",
					"The Amazon ECS service %s in cluster %s is already associated with deployment group %s.",
					g.EcsServices[0].ServiceName, g.EcsServices[0].ClusterName, og.name)
			}
		}
	}
	return nil
}

func (s *Server) createDeploymentGroup(q *request, in *groupInput) (any, error) {
	app, err := q.acct.groupApp(in.ApplicationName, in.DeploymentGroupName)
	if err != nil {
		return nil, err
	}
	if app.groups[in.DeploymentGroupName] != nil {
		return nil, apiErr("DeploymentGroupAlreadyExistsException",
			"The deployment group %s already exists for application %s.", in.DeploymentGroupName, app.name)
	}
	g := &group{
		id:         uuidFor(q.acct.id, "group", app.name, in.DeploymentGroupName),
		app:        app.name,
		name:       in.DeploymentGroupName,
		platform:   app.platform,
		configName: "CodeDeployDefault.OneAtATime",
	}
	if app.platform == "ECS" {
		g.configName = "CodeDeployDefault.ECSAllAtOnce"
	}
	in.apply(g)
	if err := q.acct.validate(app, g); err != nil {
		return nil, err
	}
	app.groups[g.name] = g
	return map[string]string{"deploymentGroupId": g.id}, nil
}

func (s *Server) groupInfo(q *request, g *group) deploymentGroupInfo {
	info := deploymentGroupInfo{
		ApplicationName:      g.app,
		DeploymentGroupID:    g.id,
		DeploymentGroupName:  g.name,
		DeploymentConfigName: g.configName,
		ServiceRoleArn:       g.roleArn,
		ComputePlatform:      g.platform,
		groupSettings:        g.groupSettings,
	}
	if g.lastGoodRev != nil {
		info.TargetRevision = g.lastGoodRev.withDigest()
	}
	for i := len(q.acct.deployments) - 1; i >= 0; i-- {
		d := q.acct.deployments[i]
		if d.app != g.app || d.groupName != g.name {
			continue
		}
		v := s.evaluate(d, q.now)
		last := &lastDeploymentInfo{DeploymentID: d.id, Status: v.status, CreateTime: ts(d.created)}
		if v.complete != nil {
			last.EndTime = ts(*v.complete)
		}
		if info.LastAttemptedDeployment == nil {
			info.LastAttemptedDeployment = last
		}
		if v.status == stSucceeded && info.LastSuccessfulDeployment == nil {
			info.LastSuccessfulDeployment = last
		}
	}
	return info
}

func (s *Server) getDeploymentGroup(q *request, in *groupInput) (any, error) {
	_, g, err := q.acct.group(in.ApplicationName, in.DeploymentGroupName)
	if err != nil {
		return nil, err
	}
	return map[string]any{"deploymentGroupInfo": s.groupInfo(q, g)}, nil
}

// listDeploymentGroupsInput is the body of ListDeploymentGroups.
type listDeploymentGroupsInput struct {
	ApplicationName string `json:"applicationName"`
	NextToken       string `json:"nextToken"`
}

func (s *Server) listDeploymentGroups(q *request, in *listDeploymentGroupsInput) (any, error) {
	app, err := q.acct.app(in.ApplicationName)
	if err != nil {
		return nil, err
	}
	names, next, err := page(sortedKeys(app.groups), in.NextToken, 100)
	if err != nil {
		return nil, err
	}
	out := listReply("deploymentGroups", names, next)
	out["applicationName"] = app.name
	return out, nil
}

// batchGetDeploymentGroupsInput is the body of BatchGetDeploymentGroups.
type batchGetDeploymentGroupsInput struct {
	ApplicationName      string   `json:"applicationName"`
	DeploymentGroupNames []string `json:"deploymentGroupNames"`
}

func (s *Server) batchGetDeploymentGroups(q *request, in *batchGetDeploymentGroupsInput) (any, error) {
	app, err := q.acct.app(in.ApplicationName)
	if err != nil {
		return nil, err
	}
	if len(in.DeploymentGroupNames) == 0 {
		return nil, apiErr("DeploymentGroupNameRequiredException", "The deployment group names must be specified.")
	}
	if err := batchLimit(len(in.DeploymentGroupNames), 100); err != nil {
		return nil, err
	}
	infos := []deploymentGroupInfo{}
	var missing []string
	for _, name := range in.DeploymentGroupNames {
		if g := app.groups[name]; g != nil {
			infos = append(infos, s.groupInfo(q, g))
		} else {
			missing = append(missing, name)
		}
	}
	out := map[string]any{"deploymentGroupsInfo": infos}
	if len(missing) > 0 {
		out["errorMessage"] = "Deployment groups not found: " + strings.Join(missing, ", ")
	}
	return out, nil
}

func (s *Server) updateDeploymentGroup(q *request, in *groupInput) (any, error) {
	app, g, err := q.acct.group(in.ApplicationName, in.CurrentDeploymentGroupName)
	if err != nil {
		return nil, err
	}
	updated := *g
	in.apply(&updated)
	if n := in.NewDeploymentGroupName; n != "" && n != g.name {
		if app.groups[n] != nil {
			return nil, apiErr("DeploymentGroupAlreadyExistsException",
				"The deployment group %s already exists for application %s.", n, app.name)
		}
		updated.name = n
	}
	if err := q.acct.validate(app, &updated); err != nil {
		return nil, err
	}
	delete(app.groups, g.name)
	app.groups[updated.name] = &updated
	return map[string]any{"hooksNotCleanedUp": []any{}}, nil
}

func (s *Server) deleteDeploymentGroup(q *request, in *groupInput) (any, error) {
	app, err := q.acct.groupApp(in.ApplicationName, in.DeploymentGroupName)
	if err != nil {
		return nil, err
	}
	delete(app.groups, in.DeploymentGroupName)
	return map[string]any{"hooksNotCleanedUp": []any{}}, nil
}

// getDeploymentConfigInput is the body of GetDeploymentConfig.
type getDeploymentConfigInput struct {
	DeploymentConfigName string `json:"deploymentConfigName"`
}

func (s *Server) getDeploymentConfig(q *request, in *getDeploymentConfigInput) (any, error) {
	if in.DeploymentConfigName == "" {
		return nil, apiErr("DeploymentConfigNameRequiredException", "The deployment configuration name must be specified.")
	}
	c := q.acct.config(in.DeploymentConfigName)
	if c == nil {
		return nil, apiErr("DeploymentConfigDoesNotExistException", "No deployment configuration found for name: %s", in.DeploymentConfigName)
	}
	return map[string]any{"deploymentConfigInfo": c.info(q.acct.id)}, nil
}

// listDeploymentConfigsInput is the body of ListDeploymentConfigs.
type listDeploymentConfigsInput struct {
	NextToken string `json:"nextToken"`
}

func (s *Server) listDeploymentConfigs(q *request, in *listDeploymentConfigsInput) (any, error) {
	var names []string
	for _, c := range predefinedConfigs() {
		names = append(names, c.name)
	}
	names = append(names, sortedKeys(q.acct.configs)...)
	names, next, err := page(names, in.NextToken, 100)
	if err != nil {
		return nil, err
	}
	return listReply("deploymentConfigsList", names, next), nil
}

// createDeploymentConfigInput is the body of CreateDeploymentConfig.
type createDeploymentConfigInput struct {
	DeploymentConfigName string                `json:"deploymentConfigName"`
	ComputePlatform      string                `json:"computePlatform"`
	TrafficRoutingConfig *trafficRoutingConfig `json:"trafficRoutingConfig"`
	MinimumHealthyHosts  json.RawMessage       `json:"minimumHealthyHosts"`
}

func (s *Server) createDeploymentConfig(q *request, in *createDeploymentConfigInput) (any, error) {
	if in.DeploymentConfigName == "" {
		return nil, apiErr("DeploymentConfigNameRequiredException", "The deployment configuration name must be specified.")
	}
	if q.acct.config(in.DeploymentConfigName) != nil {
		return nil, apiErr("DeploymentConfigAlreadyExistsException", "The deployment configuration %s already exists.", in.DeploymentConfigName)
	}
	if in.ComputePlatform == "" {
		in.ComputePlatform = "Server"
	}
	if r := in.TrafficRoutingConfig; r != nil {
		ok := r.Type == routeAllAtOnce ||
			(r.Type == routeCanary && r.TimeBasedCanary != nil && r.TimeBasedCanary.CanaryPercentage > 0) ||
			(r.Type == routeLinear && r.TimeBasedLinear != nil && r.TimeBasedLinear.LinearPercentage > 0)
		if !ok {
			return nil, apiErr("InvalidTrafficRoutingConfigurationException", "The traffic routing configuration is invalid.")
		}
	}
	c := &deploymentConfig{
		name:     in.DeploymentConfigName,
		platform: in.ComputePlatform,
		created:  q.now,
		routing:  in.TrafficRoutingConfig,
		minHosts: in.MinimumHealthyHosts,
	}
	q.acct.configs[c.name] = c
	return map[string]string{"deploymentConfigId": c.info(q.acct.id).DeploymentConfigID}, nil
}

// deleteDeploymentConfigInput is the body of DeleteDeploymentConfig.
type deleteDeploymentConfigInput struct {
	DeploymentConfigName string `json:"deploymentConfigName"`
}

func (s *Server) deleteDeploymentConfig(q *request, in *deleteDeploymentConfigInput) (any, error) {
	if q.acct.configs[in.DeploymentConfigName] == nil {
		if q.acct.config(in.DeploymentConfigName) != nil {
			return nil, apiErr("InvalidOperationException", "A predefined deployment configuration cannot be deleted.")
		}
		return struct{}{}, nil
	}
	for _, app := range q.acct.apps {
		for _, g := range app.groups {
			if g.configName == in.DeploymentConfigName {
				return nil, apiErr("DeploymentConfigInUseException", "The deployment configuration is in use by %s.", g.name)
			}
		}
	}
	delete(q.acct.configs, in.DeploymentConfigName)
	return struct{}{}, nil
}
