package ecsdef

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ServiceContext is what the config says about the service a definition is for;
// zero values are not checked.
type ServiceContext struct {
	Cluster, Service string
}

type serviceInput struct {
	sd  *ecs.CreateServiceInput
	ctx ServiceContext
}

// ValidateServiceDefinition returns every way sd breaks a rule CreateService and
// UpdateService enforce, or contradicts ctx; nil when sd is acceptable.
func ValidateServiceDefinition(sd *ecs.CreateServiceInput, ctx ServiceContext) []Problem {
	if sd == nil {
		return []Problem{{Msg: "the service definition is empty (null); write at least {}", Ref: refCreateSvc}}
	}
	return run(serviceRules(), serviceInput{sd, ctx})
}

func serviceRules() []rule[serviceInput] {
	type si = serviceInput
	return []rule[si]{
		{"serviceName", refCreateSvc, func(s si, r *report) {
			// serviceName: "Up to 255 letters ..., numbers, underscores, and
			// hyphens"; doppio takes it from the config, so a different one in the
			// file is a contradiction.
			n := s.sd.ServiceName
			if n == nil {
				return
			}
			if err := ValidName(*n); err != nil {
				r.add("serviceName", "%v", err)
			} else if s.ctx.Service != "" && *n != s.ctx.Service {
				r.add("serviceName", "%q contradicts the config's service %q; remove serviceName or make them equal", *n, s.ctx.Service)
			}
		}},
		{"cluster", refCreateSvc, func(s si, r *report) {
			c := s.sd.Cluster
			if c == nil || s.ctx.Cluster == "" {
				return
			}
			if lastSegment(*c) != lastSegment(s.ctx.Cluster) {
				r.add("cluster", "%q contradicts the config's cluster %q; remove cluster or make them equal", *c, s.ctx.Cluster)
			}
		}},
		{"desiredCount", refQuotas, func(s si, r *report) {
			// desiredCount >= 0; quota "Tasks per service: 5,000".
			if d := s.sd.DesiredCount; d != nil && (*d < 0 || *d > MaxDesiredCount) {
				r.add("desiredCount", "%d; allowed: 0-%d (the ECS tasks-per-service quota)", *d, MaxDesiredCount)
			}
		}},
		{"deploymentConfiguration", refDeployConfig, func(s si, r *report) {
			// minimumHealthyPercent is a percentage of desiredCount, 0-100; with the
			// rolling update (ECS) controller maximumPercent is at least 100.
			dc := s.sd.DeploymentConfiguration
			if dc == nil {
				return
			}
			if m := dc.MinimumHealthyPercent; m != nil && (*m < 0 || *m > 100) {
				r.add("deploymentConfiguration.minimumHealthyPercent", "%d; allowed: 0-100", *m)
			}
			if m := dc.MaximumPercent; m != nil {
				lo := int32(0)
				if s.sd.SchedulingStrategy != types.SchedulingStrategyDaemon && (s.sd.DeploymentController == nil || s.sd.DeploymentController.Type == "" || s.sd.DeploymentController.Type == types.DeploymentControllerTypeEcs) {
					lo = 100
				}
				if *m < lo {
					r.add("deploymentConfiguration.maximumPercent", "%d; allowed: %d or more", *m, lo)
				}
				if mh := dc.MinimumHealthyPercent; mh != nil && *mh >= 0 && *m >= 0 && *m < *mh {
					r.add("deploymentConfiguration.maximumPercent", "%d is below minimumHealthyPercent %d", *m, *mh)
				}
			}
			if b := dc.BakeTimeInMinutes; b != nil && (*b < 0 || *b > 1440) {
				r.add("deploymentConfiguration.bakeTimeInMinutes", "%d; allowed: 0-1440", *b)
			}
		}},
		{"healthCheckGracePeriodSeconds", refCreateSvc, func(s si, r *report) {
			// "The health check grace period ... up to 2,147,483,647 seconds"; not negative.
			if h := s.sd.HealthCheckGracePeriodSeconds; h != nil && *h < 0 {
				r.add("healthCheckGracePeriodSeconds", "%d is negative; allowed: 0-2147483647 seconds", *h)
			}
		}},
		{"launchType and capacityProviderStrategy", refCreateSvc, func(s si, r *report) {
			// "If a capacityProviderStrategy is specified, the launchType parameter
			// must be omitted."
			if s.sd.LaunchType != "" && len(s.sd.CapacityProviderStrategy) > 0 {
				r.add("capacityProviderStrategy", "given together with launchType %q; keep one of them", s.sd.LaunchType)
			}
			// CapacityProviderStrategyItem: base 0-100000, weight 0-1000 (refCapacity).
			for i, c := range s.sd.CapacityProviderStrategy {
				p := fmt.Sprintf("capacityProviderStrategy[%d]", i)
				if aws.ToString(c.CapacityProvider) == "" {
					r.add(p+".capacityProvider", "required, e.g. FARGATE")
				}
				if c.Base < 0 || c.Base > 100000 {
					r.add(p+".base", "%d; allowed: 0-100000", c.Base)
				}
				if c.Weight < 0 || c.Weight > 1000 {
					r.add(p+".weight", "%d; allowed: 0-1000", c.Weight)
				}
			}
		}},
		{"loadBalancers", refLoadBalancer, func(s si, r *report) {
			for i, lb := range s.sd.LoadBalancers {
				p := fmt.Sprintf("loadBalancers[%d]", i)
				if lb.ContainerPort != nil && (*lb.ContainerPort < 0 || *lb.ContainerPort > 65535) {
					r.add(p+".containerPort", "%d; allowed: 0-65535", *lb.ContainerPort)
				}
				if lb.ContainerName != nil && ValidName(*lb.ContainerName) != nil {
					r.add(p+".containerName", "%v", ValidName(*lb.ContainerName))
				}
			}
		}},
		{"networkConfiguration", refAwsVpc, func(s si, r *report) {
			// subnets: required, at most 16; securityGroups: at most 5.
			nc := s.sd.NetworkConfiguration
			if nc == nil || nc.AwsvpcConfiguration == nil {
				return
			}
			v := nc.AwsvpcConfiguration
			p := "networkConfiguration.awsvpcConfiguration"
			switch n := len(v.Subnets); {
			case n == 0:
				r.add(p+".subnets", "required: 1-16 subnet IDs")
			case n > 16:
				r.add(p+".subnets", "%d subnets; at most 16 are allowed", n)
			}
			if n := len(v.SecurityGroups); n > 5 {
				r.add(p+".securityGroups", "%d security groups; at most 5 are allowed", n)
			}
		}},
		{"placement", refCreateSvc, func(s si, r *report) {
			// "You can specify a maximum of 10 constraints" and "5 strategy rules".
			if n := len(s.sd.PlacementConstraints); n > 10 {
				r.add("placementConstraints", "%d constraints; at most 10 are allowed", n)
			}
			if n := len(s.sd.PlacementStrategy); n > 5 {
				r.add("placementStrategy", "%d rules; at most 5 are allowed", n)
			}
		}},
		{"service tags", refTag, func(s si, r *report) { checkTags(r, "tags", s.sd.Tags) }},
	}
}

// lastSegment turns a cluster ARN into its name.
func lastSegment(s string) string {
	if i := strings.LastIndex(s, "/"); i >= 0 {
		return s[i+1:]
	}
	return s
}
