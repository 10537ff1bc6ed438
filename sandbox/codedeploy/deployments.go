package codedeploy

import (
	"fmt"
	"time"
)

// settle brings every unfinished deployment of the account up to now: it applies the
// ECS side effects they have reached, records successes and starts rollbacks. New
// rollback deployments are appended while iterating, so they are settled too.
func (s *Server) settle(q *request) {
	a := q.acct
	for i := 0; i < len(a.deployments); i++ {
		d := a.deployments[i]
		if d.settled {
			continue
		}
		v := s.evaluate(d, q.now)
		for range 3 {
			if !s.applyECS(q, d, v) {
				break
			}
			v = s.evaluate(d, q.now)
		}
		if !terminal(v.status) {
			continue
		}
		d.settled = true
		if d.triggerID != "" {
			continue // rollback deployments do not roll back
		}
		switch {
		case v.status == stSucceeded:
			if app := a.apps[d.app]; app != nil {
				if g := app.groups[d.groupName]; g != nil {
					g.lastGoodRev = d.revision
				}
			}
		case v.status == stFailed && d.rollbackCfg.on("DEPLOYMENT_FAILURE"),
			v.status == stStopped && d.stopRollback:
			s.startRollback(q, d, *v.complete)
		}
	}
}

// startRollback creates the deployment that rolls d back, as CodeDeploy does on a
// failure with automatic rollback or a StopDeployment with autoRollbackEnabled ("Redeploy
// and roll back a deployment with CodeDeploy",
// https://docs.aws.amazon.com/codedeploy/latest/userguide/deployments-rollback-and-redeploy.html).
func (s *Server) startRollback(q *request, d *deployment, at time.Time) {
	rb := &deployment{
		id:          q.acct.newDeploymentID(),
		app:         d.app,
		groupName:   d.groupName,
		configName:  d.configName,
		creator:     "codeDeployRollback",
		region:      d.region,
		created:     at,
		revision:    d.previous,
		previous:    d.revision,
		cluster:     d.cluster,
		service:     d.service,
		targetGroup: d.targetGroup,
		lb:          d.lb,
		blueGreen:   d.blueGreen,
		triggerID:   d.id,
		description: fmt.Sprintf("Rollback of deployment %s", d.id),
	}
	if rb.revision == nil {
		rb.revision = d.revision
	}
	d.rollbackID = rb.id
	q.acct.add(rb)
}

// createDeploymentInput is the body of CreateDeployment.
type createDeploymentInput struct {
	ApplicationName           string              `json:"applicationName"`
	DeploymentGroupName       string              `json:"deploymentGroupName"`
	DeploymentConfigName      string              `json:"deploymentConfigName"`
	Description               string              `json:"description"`
	Revision                  *revisionLocation   `json:"revision"`
	AutoRollbackConfiguration *autoRollbackConfig `json:"autoRollbackConfiguration"`
}

func (s *Server) createDeployment(q *request, in *createDeploymentInput) (any, error) {
	app, g, err := q.acct.group(in.ApplicationName, in.DeploymentGroupName)
	if err != nil {
		return nil, err
	}
	if in.Revision == nil {
		return nil, apiErr("RevisionRequiredException", "The revision must be specified.")
	}
	configName := g.configName
	if in.DeploymentConfigName != "" {
		configName = in.DeploymentConfigName
	}
	cfg := q.acct.config(configName)
	if cfg == nil {
		return nil, apiErr("DeploymentConfigDoesNotExistException", "No deployment configuration found for name: %s", configName)
	}
	d := &deployment{
		app:         app.name,
		groupName:   g.name,
		configName:  configName,
		description: in.Description,
		creator:     "user",
		region:      q.region,
		created:     q.now,
		revision:    in.Revision,
		previous:    g.lastGoodRev,
		lb:          g.LoadBalancerInfo,
		blueGreen:   g.BlueGreenDeploymentConfiguration,
		rollbackCfg: g.AutoRollbackConfiguration,
		routing:     cfg.routing,
	}
	if in.AutoRollbackConfiguration != nil {
		d.rollbackCfg = in.AutoRollbackConfiguration // overrides the group's
	}
	if d.target, err = revisionTarget(in.Revision); err != nil {
		return nil, err
	}
	d.targetGroupOf(g)
	// One deployment at a time per group (the real service answers
	// DeploymentLimitExceededException, "The deployment group already has an active
	// deployment"); a rollback in progress counts too.
	for _, other := range q.acct.deployments {
		if other.app == d.app && other.groupName == d.groupName && !terminal(s.evaluate(other, q.now).status) {
			return nil, apiErr("DeploymentLimitExceededException",
				"The deployment group %s already has an active deployment %s.", g.name, other.id)
		}
	}
	if d.target != nil {
		d.crash = crashLoops(q.ctx, q.ecs(), d.target.props.TaskDefinition)
	}
	d.id = q.acct.newDeploymentID()
	q.acct.add(d)
	return map[string]string{"deploymentId": d.id}, nil
}

// revisionTarget is what an inline revision (an AppSpec) deploys; nil for a revision
// the sandbox cannot fetch (S3, GitHub), which is recorded as sent and runs without
// touching ECS.
func revisionTarget(rev *revisionLocation) (*target, error) {
	switch rev.RevisionType {
	case "AppSpecContent", "String":
		content, ok := rev.content()
		if !ok {
			return nil, apiErr("InvalidRevisionException", "The %s revision has no content.", rev.RevisionType)
		}
		return parseAppSpec(content)
	case "S3", "GitHub":
		return nil, nil
	}
	return nil, apiErr("InvalidRevisionException", "The revision type %q is invalid.", rev.RevisionType)
}

// targetGroupOf takes what a deployment of g acts on: its ECS service, its two
// target groups, and its blue/green waits.
func (d *deployment) targetGroupOf(g *group) {
	if len(g.EcsServices) > 0 {
		d.cluster, d.service = g.EcsServices[0].ClusterName, g.EcsServices[0].ServiceName
	}
	if g.LoadBalancerInfo != nil && len(g.LoadBalancerInfo.TargetGroupPairInfoList) > 0 {
		tgs := g.LoadBalancerInfo.TargetGroupPairInfoList[0].TargetGroups
		for i := 0; i < len(tgs) && i < 2; i++ {
			d.targetGroup[i] = tgs[i].Name
		}
	}
	if bg := g.BlueGreenDeploymentConfiguration; bg != nil {
		if r := bg.DeploymentReadyOption; r != nil && r.ActionOnTimeout == "STOP_DEPLOYMENT" {
			d.readyWait = true
			d.readyTimeout = time.Duration(r.WaitTimeInMinutes) * time.Minute
		}
		if t := bg.TerminateBlueInstancesOnDeploymentSuccess; t != nil {
			d.termWait = time.Duration(t.TerminationWaitTimeInMinutes) * time.Minute
		}
	}
}

func (s *Server) deploymentInfo(q *request, d *deployment) deploymentInfo {
	v := s.evaluate(d, q.now)
	info := deploymentInfo{
		DeploymentID:                       d.id,
		ApplicationName:                    d.app,
		DeploymentGroupName:                d.groupName,
		DeploymentConfigName:               d.configName,
		Status:                             v.status,
		Description:                        d.description,
		Creator:                            d.creator,
		ComputePlatform:                    "ECS",
		CreateTime:                         ts(d.created),
		DeploymentStyle:                    &deploymentStyle{DeploymentType: "BLUE_GREEN", DeploymentOption: "WITH_TRAFFIC_CONTROL"},
		ErrorInformation:                   v.err,
		AutoRollbackConfiguration:          d.rollbackCfg,
		BlueGreenDeploymentConfiguration:   d.blueGreen,
		LoadBalancerInfo:                   d.lb,
		InstanceTerminationWaitTimeStarted: v.termWait,
		DeploymentOverview:                 &deploymentOverview{},
	}
	if d.revision != nil {
		info.Revision = d.revision.withDigest()
	}
	if d.previous != nil {
		info.PreviousRevision = d.previous.withDigest()
	}
	if v.start != nil {
		info.StartTime = ts(*v.start)
	}
	if v.complete != nil {
		info.CompleteTime = ts(*v.complete)
	}
	switch targetStatus(v) {
	case "Pending":
		info.DeploymentOverview.Pending = 1
	case "InProgress":
		info.DeploymentOverview.InProgress = 1
	case "Ready":
		info.DeploymentOverview.Ready = 1
	case "Succeeded":
		info.DeploymentOverview.Succeeded = 1
	case "Skipped":
		info.DeploymentOverview.Skipped = 1
	default:
		info.DeploymentOverview.Failed = 1
	}
	switch {
	case d.triggerID != "":
		info.RollbackInfo = &rollbackInfo{
			RollbackTriggeringDeploymentID: d.triggerID,
			RollbackMessage:                fmt.Sprintf("Rollback deployment for deployment %s.", d.triggerID),
		}
	case d.rollbackID != "":
		info.RollbackInfo = &rollbackInfo{
			RollbackDeploymentID: d.rollbackID,
			RollbackMessage:      fmt.Sprintf("Deployment %s was rolled back by deployment %s.", d.id, d.rollbackID),
		}
	}
	return info
}

// targetStatus maps a deployment's status onto its single ECS target (TargetStatus).
func targetStatus(v view) string {
	switch v.status {
	case stCreated:
		return "Pending"
	case stInProgress:
		return "InProgress"
	case stReady:
		return "Ready"
	case stSucceeded:
		return "Succeeded"
	case stStopped:
		if v.start == nil {
			return "Skipped"
		}
	}
	return "Failed"
}

// getDeploymentInput is the body of GetDeployment.
type getDeploymentInput struct {
	DeploymentID string `json:"deploymentId"`
}

func (s *Server) getDeployment(q *request, in *getDeploymentInput) (any, error) {
	d, err := q.acct.deployment(in.DeploymentID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"deploymentInfo": s.deploymentInfo(q, d)}, nil
}

// batchGetDeploymentsInput is the body of BatchGetDeployments.
type batchGetDeploymentsInput struct {
	DeploymentIDs []string `json:"deploymentIds"`
}

func (s *Server) batchGetDeployments(q *request, in *batchGetDeploymentsInput) (any, error) {
	if err := batchLimit(len(in.DeploymentIDs), 25); err != nil {
		return nil, err
	}
	infos := []deploymentInfo{}
	for _, id := range in.DeploymentIDs {
		d, err := q.acct.deployment(id)
		if err != nil {
			if ae, ok := err.(*apiError); ok && ae.Type == "DeploymentDoesNotExistException" {
				continue // unknown IDs are left out, not an error
			}
			return nil, err
		}
		infos = append(infos, s.deploymentInfo(q, d))
	}
	return map[string]any{"deploymentsInfo": infos}, nil
}

// listDeploymentsInput is the body of ListDeployments.
type listDeploymentsInput struct {
	ApplicationName     string   `json:"applicationName"`
	DeploymentGroupName string   `json:"deploymentGroupName"`
	IncludeOnlyStatuses []string `json:"includeOnlyStatuses"`
	CreateTimeRange     *struct {
		Start *epoch `json:"start"`
		End   *epoch `json:"end"`
	} `json:"createTimeRange"`
	NextToken string `json:"nextToken"`
}

func (s *Server) listDeployments(q *request, in *listDeploymentsInput) (any, error) {
	if in.ApplicationName != "" {
		if _, err := q.acct.app(in.ApplicationName); err != nil {
			return nil, err
		}
		if in.DeploymentGroupName != "" {
			if _, _, err := q.acct.group(in.ApplicationName, in.DeploymentGroupName); err != nil {
				return nil, err
			}
		}
	} else if in.DeploymentGroupName != "" {
		return nil, apiErr("ApplicationNameRequiredException", "The application name must be specified with a deployment group name.")
	}
	want := map[string]bool{}
	for _, st := range in.IncludeOnlyStatuses {
		switch st {
		case stCreated, "Queued", stInProgress, "Baking", stSucceeded, stFailed, stStopped, stReady:
			want[st] = true
		default:
			return nil, apiErr("InvalidDeploymentStatusException", "The deployment status %q is invalid.", st)
		}
	}
	var ids []string
	// Newest first.
	for i := len(q.acct.deployments) - 1; i >= 0; i-- {
		d := q.acct.deployments[i]
		if in.ApplicationName != "" && d.app != in.ApplicationName {
			continue
		}
		if in.DeploymentGroupName != "" && d.groupName != in.DeploymentGroupName {
			continue
		}
		if r := in.CreateTimeRange; r != nil {
			if r.Start != nil && d.created.Before(time.Time(*r.Start)) {
				continue
			}
			if r.End != nil && d.created.After(time.Time(*r.End)) {
				continue
			}
		}
		if len(want) > 0 && !want[s.evaluate(d, q.now).status] {
			continue
		}
		ids = append(ids, d.id)
	}
	ids, next, err := page(ids, in.NextToken, 100)
	if err != nil {
		return nil, err
	}
	return listReply("deployments", ids, next), nil
}

// stopDeploymentInput is the body of StopDeployment.
type stopDeploymentInput struct {
	DeploymentID        string `json:"deploymentId"`
	AutoRollbackEnabled *bool  `json:"autoRollbackEnabled"`
}

func (s *Server) stopDeployment(q *request, in *stopDeploymentInput) (any, error) {
	d, err := q.acct.deployment(in.DeploymentID)
	if err != nil {
		return nil, err
	}
	if terminal(s.evaluate(d, q.now).status) {
		return nil, apiErr("DeploymentAlreadyCompletedException", "The deployment %s is already completed.", d.id)
	}
	if d.stopAt == nil {
		at := q.now.Add(s.opts.StopDelay)
		d.stopAt = &at
		// StopDeployment's autoRollbackEnabled decides, whatever the group says
		// (API_StopDeployment.html); without it, the group's
		// DEPLOYMENT_STOP_ON_REQUEST event does.
		if in.AutoRollbackEnabled != nil {
			d.stopRollback = *in.AutoRollbackEnabled
		} else {
			d.stopRollback = d.rollbackCfg.on("DEPLOYMENT_STOP_ON_REQUEST")
		}
	}
	if s.opts.StopDelay > 0 {
		return map[string]string{"status": "Pending", "statusMessage": "Stopping Pending. Stopping to schedule commands in the deployment instances"}, nil
	}
	return map[string]string{"status": "Succeeded", "statusMessage": "Stopping Succeeded."}, nil
}

// continueDeploymentInput is the body of ContinueDeployment.
type continueDeploymentInput struct {
	DeploymentID       string `json:"deploymentId"`
	DeploymentWaitType string `json:"deploymentWaitType"`
}

func (s *Server) continueDeployment(q *request, in *continueDeploymentInput) (any, error) {
	d, err := q.acct.deployment(in.DeploymentID)
	if err != nil {
		return nil, err
	}
	v := s.evaluate(d, q.now)
	if terminal(v.status) {
		return nil, apiErr("DeploymentAlreadyCompletedException", "The deployment %s is already completed.", d.id)
	}
	switch in.DeploymentWaitType {
	case "", "READY_WAIT":
		if v.status != stReady {
			return nil, apiErr("DeploymentIsNotInReadyStateException",
				"The deployment %s is not in a ready state; its status is %s.", d.id, v.status)
		}
		if d.readyContinued == nil { // a repeated call while still Ready changes nothing
			d.readyContinued = ptr(q.now.Add(s.opts.ContinueDelay))
		}
	case "TERMINATION_WAIT":
		if !v.termWait {
			return nil, apiErr("DeploymentIsNotInReadyStateException",
				"The deployment %s is not waiting to terminate the original task set.", d.id)
		}
		d.termContinued = ptr(q.now)
	default:
		return nil, apiErr("InvalidDeploymentWaitTypeException", "The wait type %q is invalid.", in.DeploymentWaitType)
	}
	return struct{}{}, nil
}

func targetID(d *deployment) string { return d.cluster + ":" + d.service }

func (s *Server) ecsTarget(q *request, d *deployment) deploymentTarget {
	v := s.evaluate(d, q.now)
	t := &ecsTarget{
		DeploymentID:    d.id,
		TargetID:        targetID(d),
		TargetArn:       fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s/%s", d.region, q.acct.id, d.cluster, d.service),
		LastUpdatedAt:   ts(v.lastUpdated),
		LifecycleEvents: v.events,
		Status:          targetStatus(v),
	}
	e := d.ecs
	if d.triggerID != "" {
		if trig := q.acct.byID[d.triggerID]; trig != nil {
			e = trig.ecs
		}
	}
	blue, green := e.original, e.replacement
	if blue.id != "" || green.id != "" {
		weight := v.weight
		if d.triggerID != "" {
			// A rollback moves traffic from the replacement back to the original.
			weight = 100 - weight
			if v.status == stSucceeded {
				weight = 0
			}
		}
		set := func(ref taskSetRef, label string, tg string, w float64, primary bool) ecsTaskSetInfo {
			info := ecsTaskSetInfo{Identifer: ref.id, DesiredCount: e.desired, RunningCount: e.desired,
				Status: "ACTIVE", TrafficWeight: w, TaskSetLabel: label}
			if primary {
				info.Status = "PRIMARY"
			}
			if tg != "" {
				info.TargetGroup = &targetGroupInfo{Name: tg}
			}
			return info
		}
		greenPrimary := weight >= 100
		if blue.id != "" {
			t.TaskSetsInfo = append(t.TaskSetsInfo, set(blue, "Blue", d.targetGroup[0], 100-weight, !greenPrimary))
		}
		if green.id != "" {
			t.TaskSetsInfo = append(t.TaskSetsInfo, set(green, "Green", d.targetGroup[1], weight, greenPrimary))
		}
	}
	return deploymentTarget{DeploymentTargetType: "ECSTarget", EcsTarget: t}
}

// listDeploymentTargetsInput is the body of ListDeploymentTargets.
type listDeploymentTargetsInput struct {
	DeploymentID string `json:"deploymentId"`
	NextToken    string `json:"nextToken"`
}

func (s *Server) listDeploymentTargets(q *request, in *listDeploymentTargetsInput) (any, error) {
	d, err := q.acct.deployment(in.DeploymentID)
	if err != nil {
		return nil, err
	}
	ids, next, err := page([]string{targetID(d)}, in.NextToken, 100)
	if err != nil {
		return nil, err
	}
	return listReply("targetIds", ids, next), nil
}

func (s *Server) findTarget(q *request, d *deployment, id string) (deploymentTarget, error) {
	if id == "" {
		return deploymentTarget{}, apiErr("DeploymentTargetIdRequiredException", "A deployment target ID was not provided.")
	}
	if id != targetID(d) {
		return deploymentTarget{}, apiErr("DeploymentTargetDoesNotExistException",
			"The target %s does not exist in deployment %s.", id, d.id)
	}
	return s.ecsTarget(q, d), nil
}

// getDeploymentTargetInput is the body of GetDeploymentTarget.
type getDeploymentTargetInput struct {
	DeploymentID string `json:"deploymentId"`
	TargetID     string `json:"targetId"`
}

func (s *Server) getDeploymentTarget(q *request, in *getDeploymentTargetInput) (any, error) {
	d, err := q.acct.deployment(in.DeploymentID)
	if err != nil {
		return nil, err
	}
	t, err := s.findTarget(q, d, in.TargetID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"deploymentTarget": t}, nil
}

// batchGetDeploymentTargetsInput is the body of BatchGetDeploymentTargets.
type batchGetDeploymentTargetsInput struct {
	DeploymentID string   `json:"deploymentId"`
	TargetIDs    []string `json:"targetIds"`
}

func (s *Server) batchGetDeploymentTargets(q *request, in *batchGetDeploymentTargetsInput) (any, error) {
	d, err := q.acct.deployment(in.DeploymentID)
	if err != nil {
		return nil, err
	}
	if len(in.TargetIDs) > 25 {
		return nil, apiErr("DeploymentTargetListSizeExceededException", "The maximum number of targets (25) was exceeded.")
	}
	targets := []deploymentTarget{}
	for _, id := range in.TargetIDs {
		t, err := s.findTarget(q, d, id)
		if err != nil {
			return nil, err
		}
		targets = append(targets, t)
	}
	return map[string]any{"deploymentTargets": targets}, nil
}

// getApplicationRevisionInput is the body of GetApplicationRevision.
type getApplicationRevisionInput struct {
	ApplicationName string            `json:"applicationName"`
	Revision        *revisionLocation `json:"revision"`
}

func (s *Server) getApplicationRevision(q *request, in *getApplicationRevisionInput) (any, error) {
	app, err := q.acct.app(in.ApplicationName)
	if err != nil {
		return nil, err
	}
	if in.Revision == nil {
		return nil, apiErr("RevisionRequiredException", "The revision must be specified.")
	}
	var first, last *deployment
	groups := map[string]bool{}
	for _, d := range q.acct.deployments {
		if d.app == app.name && d.revision.sameAs(in.Revision) {
			if first == nil {
				first = d
			}
			last = d
			groups[d.groupName] = true
		}
	}
	if first == nil {
		return nil, apiErr("RevisionDoesNotExistException", "No application revision found for application %s.", app.name)
	}
	return map[string]any{
		"applicationName": app.name,
		"revision":        first.revision.withDigest(),
		"revisionInfo": map[string]any{
			"deploymentGroups": sortedKeys(groups),
			"firstUsedTime":    ts(first.created),
			"lastUsedTime":     ts(last.created),
			"registerTime":     ts(first.created),
		},
	}, nil
}
