package codedeploy

import (
	"encoding/json"
	"time"
)

// deploymentConfig is a deployment configuration: how AllowTraffic shifts production
// traffic to the replacement task set.
type deploymentConfig struct {
	name     string
	platform string
	created  time.Time
	routing  *trafficRoutingConfig
	minHosts json.RawMessage
}

const (
	routeAllAtOnce = "AllAtOnce"
	routeCanary    = "TimeBasedCanary"
	routeLinear    = "TimeBasedLinear"
)

// predefinedConfigs lists the built-in configurations. The ECS ones are those of
// "Deployment configurations on an Amazon ECS compute platform"
// (https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html):
// canary shifts the first percentage, then the rest after the interval; linear shifts
// the same percentage every interval (minutes).
func predefinedConfigs() []*deploymentConfig {
	ecs := func(name string, r *trafficRoutingConfig) *deploymentConfig {
		return &deploymentConfig{name: name, platform: "ECS", routing: r}
	}
	canary := func(pct, mins int) *trafficRoutingConfig {
		return &trafficRoutingConfig{Type: routeCanary, TimeBasedCanary: &timeBasedCanary{CanaryPercentage: pct, CanaryInterval: mins}}
	}
	linear := func(pct, mins int) *trafficRoutingConfig {
		return &trafficRoutingConfig{Type: routeLinear, TimeBasedLinear: &timeBasedLinear{LinearPercentage: pct, LinearInterval: mins}}
	}
	server := func(name, typ string, v int) *deploymentConfig {
		return &deploymentConfig{name: name, platform: "Server",
			minHosts: json.RawMessage(`{"type":"` + typ + `","value":` + itoa(v) + `}`)}
	}
	return []*deploymentConfig{
		ecs("CodeDeployDefault.ECSAllAtOnce", &trafficRoutingConfig{Type: routeAllAtOnce}),
		ecs("CodeDeployDefault.ECSLinear10PercentEvery1Minutes", linear(10, 1)),
		ecs("CodeDeployDefault.ECSLinear10PercentEvery3Minutes", linear(10, 3)),
		ecs("CodeDeployDefault.ECSCanary10Percent5Minutes", canary(10, 5)),
		ecs("CodeDeployDefault.ECSCanary10Percent15Minutes", canary(10, 15)),
		server("CodeDeployDefault.OneAtATime", "HOST_COUNT", 1),
		server("CodeDeployDefault.HalfAtATime", "FLEET_PERCENT", 50),
		server("CodeDeployDefault.AllAtOnce", "HOST_COUNT", 0),
	}
}

func itoa(v int) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func (a *account) config(name string) *deploymentConfig {
	for _, c := range predefinedConfigs() {
		if c.name == name {
			return c
		}
	}
	return a.configs[name]
}

func (c *deploymentConfig) info(acct string) deploymentConfigInfo {
	created := c.created
	if created.IsZero() {
		created = time.Date(2018, 11, 27, 0, 0, 0, 0, time.UTC) // ECS support launched
	}
	return deploymentConfigInfo{
		DeploymentConfigID:   uuidFor(acct, "config", c.name),
		DeploymentConfigName: c.name,
		ComputePlatform:      c.platform,
		CreateTime:           ts(created),
		MinimumHealthyHosts:  c.minHosts,
		TrafficRoutingConfig: c.routing,
	}
}

// shiftDuration is how long AllowTraffic takes under routing r.
func shiftDuration(r *trafficRoutingConfig, allAtOnce time.Duration) time.Duration {
	switch {
	case r == nil:
		return allAtOnce
	case r.Type == routeCanary && r.TimeBasedCanary != nil:
		return time.Duration(max(r.TimeBasedCanary.CanaryInterval, 0)) * time.Minute
	case r.Type == routeLinear && r.TimeBasedLinear != nil && r.TimeBasedLinear.LinearPercentage > 0:
		steps := (100 + r.TimeBasedLinear.LinearPercentage - 1) / r.TimeBasedLinear.LinearPercentage
		return time.Duration(steps-1) * time.Duration(max(r.TimeBasedLinear.LinearInterval, 0)) * time.Minute
	}
	return allAtOnce
}

// shiftedWeight is the percentage of production traffic on the replacement task set
// elapsed into AllowTraffic (before the event completes).
func shiftedWeight(r *trafficRoutingConfig, elapsed time.Duration) float64 {
	switch {
	case r == nil:
		return 0
	case r.Type == routeCanary && r.TimeBasedCanary != nil:
		return float64(r.TimeBasedCanary.CanaryPercentage)
	case r.Type == routeLinear && r.TimeBasedLinear != nil && r.TimeBasedLinear.LinearInterval > 0:
		step := int(elapsed / (time.Duration(r.TimeBasedLinear.LinearInterval) * time.Minute))
		return float64(min(100, (step+1)*r.TimeBasedLinear.LinearPercentage))
	}
	return 0
}
