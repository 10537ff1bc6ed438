package sandbox

import "time"

// bgDecide records a decision on a traffic-shifting deployment at T and replans it.
func (s *service) bgDecide(a *account, T time.Time, P *deployment, d bgDecision) {
	P.decisions = append(P.decisions, d)
	s.truncate(a, T)
	s.plan(a, T)
}

// continueServiceDeployment follows the ContinueServiceDeployment API reference: the
// hook must be a PAUSE hook awaiting action; action CONTINUE (the default) moves the
// deployment to its next step, ROLLBACK rolls it back to the previous revision.
func (e *ecsCall) continueServiceDeployment(req obj, T time.Time) {
	arn, hookID, action := str(req, "serviceDeploymentArn"), str(req, "hookId"), str(req, "action")
	if arn == "" || hookID == "" {
		e.fail("InvalidParameterException", "serviceDeploymentArn and hookId are required.")
		return
	}
	if action == "" {
		action = "CONTINUE"
	}
	if action != "CONTINUE" && action != "ROLLBACK" {
		e.failf("InvalidParameterException", "Invalid action %q: valid values are CONTINUE and ROLLBACK.", action)
		return
	}
	s, sd := e.requestedSD(arn, T)
	if sd == nil {
		return
	}
	P := sd.target
	if P.bg == nil {
		e.fail("InvalidParameterException", "The service deployment has no lifecycle hooks.")
		return
	}
	awaiting := false
	for _, h := range P.timeline().hooks {
		if h.id == hookID && h.pause && h.status(T) == "AWAITING_ACTION" {
			awaiting = true
		}
	}
	if st, _, _ := sd.status(T); !awaiting || (st != "IN_PROGRESS" && st != "PENDING") {
		e.failf("ConflictException", "The lifecycle hook %s of the service deployment is not awaiting action.", hookID)
		return
	}
	s.bgDecide(e.a, T, P, bgDecision{at: T, hookID: hookID, rollback: action == "ROLLBACK"})
	e.ok(wireSDArn{ServiceDeploymentArn: arn})
}

// codeDeployFixed are the UpdateService fields a CODE_DEPLOY service refuses: the
// UpdateService API reference lists what can be updated for the CODE_DEPLOY
// controller (desired count, deployment configuration, placement, health check grace
// period, tags propagation, ECS Exec...); a new task definition, network
// configuration, platform version, load balancers, service registries and capacity
// provider strategy go through a CodeDeploy deployment.
var codeDeployFixed = []string{"taskDefinition", "networkConfiguration", "platformVersion", "loadBalancers", "serviceRegistries", "capacityProviderStrategy"}

// rejectCodeDeployUpdate answers an UpdateService that a CODE_DEPLOY service cannot
// take with InvalidParameterException, as ECS does.
func (e *ecsCall) rejectCodeDeployUpdate(req obj) bool {
	e.a.mu.Lock()
	s := e.a.services[e.requestedServiceKey(req)]
	e.a.mu.Unlock()
	if s == nil || s.controller != "CODE_DEPLOY" {
		return false
	}
	for _, k := range codeDeployFixed {
		if v, ok := req[k]; ok && v != nil {
			e.failf("InvalidParameterException", "Unable to update %s on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.", k)
			return true
		}
	}
	return false
}
