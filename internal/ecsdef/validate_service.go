package ecsdef

import (
	"fmt"
	"math"
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
				// containerPort: "This port must correspond to a containerPort in the
				// task definition": a port, so never 0 (which ECS takes, and the
				// target group then never gets a healthy target).
				if lb.ContainerPort != nil && (*lb.ContainerPort < 0 || *lb.ContainerPort > 65535) {
					r.add(p+".containerPort", "%d; allowed: 0-65535", *lb.ContainerPort)
				} else if lb.ContainerPort != nil && *lb.ContainerPort == 0 {
					r.add(p+".containerPort", "0 is not a port; allowed: 1-65535, the containerPort of a portMappings entry of container %q", aws.ToString(lb.ContainerName))
				}
				// targetGroupArn: "The full Amazon Resource Name (ARN) of the Elastic
				// Load Balancing target group".
				checkARN(r, p+".targetGroupArn", lb.TargetGroupArn, arnTargetGroup)
				// AdvancedConfiguration: alternateTargetGroupArn, "The Amazon Resource
				// Name (ARN) of the alternate target group", and roleArn, "The Amazon
				// Resource Name (ARN) of the IAM role" (refAdvancedLB).
				if ac := lb.AdvancedConfiguration; ac != nil {
					checkARN(r, p+".advancedConfiguration.alternateTargetGroupArn", ac.AlternateTargetGroupArn, arnTargetGroup)
					checkARN(r, p+".advancedConfiguration.roleArn", ac.RoleArn, arnIAMRole)
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
		{"role", refCreateSvc, func(s si, r *report) {
			// role: "The name or full Amazon Resource Name (ARN) of the IAM role";
			// a role with a path is named with its path.
			checkNameOrARN(r, "role", s.sd.Role, arnIAMRole, iamRoleName, "an IAM role name")
		}},
		{"serviceRegistries", refRegistry, func(s si, r *report) {
			// registryArn: "The Amazon Resource Name (ARN) of the service registry.
			// The currently supported service registry is Cloud Map"; port and
			// containerPort are ports.
			for i, sr := range s.sd.ServiceRegistries {
				p := fmt.Sprintf("serviceRegistries[%d]", i)
				checkARN(r, p+".registryArn", sr.RegistryArn, arnCloudMapService)
				checkRange(r, p+".port", sr.Port, 1, 65535, "")
				checkRange(r, p+".containerPort", sr.ContainerPort, 1, 65535, "")
			}
		}},
		{"deployment strategy", refDeployConfig, func(s si, r *report) {
			dc := s.sd.DeploymentConfiguration
			if dc == nil {
				return
			}
			// CanaryConfiguration: canaryPercent "multiples of 0.1 from 0.1 to
			// 100.0"; canaryBakeTimeInMinutes "0 to 1440 minutes" (refCanary).
			if c := dc.CanaryConfiguration; c != nil {
				checkPercent(r, "deploymentConfiguration.canaryConfiguration.canaryPercent", c.CanaryPercent, 0.1)
				checkRange(r, "deploymentConfiguration.canaryConfiguration.canaryBakeTimeInMinutes", c.CanaryBakeTimeInMinutes, 0, 1440, "minutes")
			}
			// LinearConfiguration: stepPercent "multiples of 0.1 from 3.0 to
			// 100.0"; stepBakeTimeInMinutes "0 to 1440 minutes" (refLinear).
			if l := dc.LinearConfiguration; l != nil {
				checkPercent(r, "deploymentConfiguration.linearConfiguration.stepPercent", l.StepPercent, 3)
				checkRange(r, "deploymentConfiguration.linearConfiguration.stepBakeTimeInMinutes", l.StepBakeTimeInMinutes, 0, 1440, "minutes")
			}
			// DeploymentLifecycleHook: hookTargetArn, "The Amazon Resource Name (ARN)
			// of the hook target. Currently, only Lambda function ARNs are
			// supported", and roleArn, "The Amazon Resource Name (ARN) of the IAM
			// role" (refLifecycle).
			for i, h := range dc.LifecycleHooks {
				p := fmt.Sprintf("deploymentConfiguration.lifecycleHooks[%d]", i)
				checkARN(r, p+".hookTargetArn", h.HookTargetArn, arnLambda)
				checkARN(r, p+".roleArn", h.RoleArn, arnIAMRole)
			}
		}},
		{"serviceConnectConfiguration", refSCService, func(s si, r *report) {
			sc := s.sd.ServiceConnectConfiguration
			if sc == nil {
				return
			}
			// namespace: "The namespace name or full Amazon Resource Name (ARN) of
			// the Cloud Map namespace"; logConfiguration.secretOptions as in a
			// container (refSecret).
			checkNameOrARN(r, "serviceConnectConfiguration.namespace", sc.Namespace, arnCloudMapNamespace, namespaceName, "a Cloud Map namespace name")
			if lc := sc.LogConfiguration; lc != nil {
				for j, so := range lc.SecretOptions {
					checkNameOrARN(r, fmt.Sprintf("serviceConnectConfiguration.logConfiguration.secretOptions[%d].valueFrom", j), so.ValueFrom, arnSecretOrParameter, ssmParameterName, "an SSM parameter name")
				}
			}
			for i, svc := range sc.Services {
				p := fmt.Sprintf("serviceConnectConfiguration.services[%d]", i)
				// clientAliases: "The maximum number of client aliases that you can
				// have in this list is 1"; each has a port (required).
				if n := len(svc.ClientAliases); n > 1 {
					r.add(p+".clientAliases", "%d client aliases; at most 1 is allowed", n)
				}
				for j, ca := range svc.ClientAliases {
					cp := fmt.Sprintf("%s.clientAliases[%d].port", p, j)
					if ca.Port == nil {
						r.add(cp, "required: the port the Service Connect proxy listens on, 1-65535")
					}
					checkRange(r, cp, ca.Port, 1, 65535, "")
				}
				checkRange(r, p+".ingressPortOverride", svc.IngressPortOverride, 1, 65535, "")
				// TimeoutConfiguration: "A value of 0 can be set to disable" each
				// timeout; a negative one means nothing.
				if to := svc.Timeout; to != nil {
					checkRange(r, p+".timeout.idleTimeoutSeconds", to.IdleTimeoutSeconds, 0, math.MaxInt32, "seconds")
					checkRange(r, p+".timeout.perRequestTimeoutSeconds", to.PerRequestTimeoutSeconds, 0, math.MaxInt32, "seconds")
				}
				// ServiceConnectTlsConfiguration: awsPcaAuthorityArn "The ARN of the
				// Amazon Web Services Private Certificate Authority certificate";
				// kmsKey "The Amazon Web Services Key Management Service key"; roleArn
				// "The Amazon Resource Name (ARN) of the IAM role" (refSCTLS).
				if tls := svc.Tls; tls != nil {
					if ca := tls.IssuerCertificateAuthority; ca != nil {
						checkARN(r, p+".tls.issuerCertificateAuthority.awsPcaAuthorityArn", ca.AwsPcaAuthorityArn, arnPrivateCA)
					}
					checkNameOrARN(r, p+".tls.kmsKey", tls.KmsKey, arnKMSKey, kmsKeyRef, "a KMS key id or alias")
					checkARN(r, p+".tls.roleArn", tls.RoleArn, arnIAMRole)
				}
			}
		}},
		{"volumeConfigurations", refEBSVolume, func(s si, r *report) {
			for i, vc := range s.sd.VolumeConfigurations {
				ebs := vc.ManagedEBSVolume
				if ebs == nil {
					continue
				}
				p := fmt.Sprintf("volumeConfigurations[%d].managedEBSVolume", i)
				// roleArn: "The ARN of the IAM role to associate with this volume";
				// kmsKeyId: "you specify an ID, alias, or ARN".
				checkARN(r, p+".roleArn", ebs.RoleArn, arnIAMRole)
				checkNameOrARN(r, p+".kmsKeyId", ebs.KmsKeyId, arnKMSKey, kmsKeyRef, "a KMS key id or alias")
				checkEBS(r, p, ebs)
			}
		}},
		{"vpcLatticeConfigurations", refVpcLattice, func(s si, r *report) {
			// roleArn: "The ARN of the IAM role to associate with this VPC Lattice
			// configuration"; targetGroupArn: "The full Amazon Resource Name (ARN)
			// of the target group or groups associated with the VPC Lattice
			// configuration".
			for i, v := range s.sd.VpcLatticeConfigurations {
				p := fmt.Sprintf("vpcLatticeConfigurations[%d]", i)
				checkARN(r, p+".roleArn", v.RoleArn, arnIAMRole)
				checkARN(r, p+".targetGroupArn", v.TargetGroupArn, arnLatticeTargetGroup)
			}
		}},
	}
}

// checkPercent checks a traffic percentage: "multiples of 0.1 from lo to 100.0".
func checkPercent(r *report, path string, v *float64, lo float64) {
	if v == nil {
		return
	}
	tenths := *v * 10
	if *v < lo || *v > 100 || math.Abs(tenths-math.Round(tenths)) > 1e-9 {
		r.add(path, "%v; allowed: multiples of 0.1 from %.1f to 100.0", *v, lo)
	}
}

// checkEBS implements ServiceManagedEBSVolumeConfiguration's sizes by volume type:
// sizeInGiB "gp2 and gp3: 1-16,384; io1 and io2: 4-16,384; st1 and sc1:
// 125-16,384; standard: 1-1,024"; iops "gp3: 3,000 - 16,000; io1: 100 - 64,000;
// io2: 100 - 256,000"; throughput "a maximum of 1,000 MiB/s".
func checkEBS(r *report, p string, ebs *types.ServiceManagedEBSVolumeConfiguration) {
	vt := aws.ToString(ebs.VolumeType)
	if vt == "" {
		vt = "gp3"
	}
	sizes := map[string][2]int32{"gp2": {1, 16384}, "gp3": {1, 16384}, "io1": {4, 16384}, "io2": {4, 16384},
		"st1": {125, 16384}, "sc1": {125, 16384}, "standard": {1, 1024}}
	if sz, ok := sizes[vt]; ok {
		checkRange(r, p+".sizeInGiB", ebs.SizeInGiB, sz[0], sz[1], "GiB for "+vt)
	} else {
		r.add(p+".volumeType", "%q; allowed: gp2, gp3, io1, io2, st1, sc1, standard", vt)
	}
	iops := map[string][2]int32{"gp3": {3000, 16000}, "io1": {100, 64000}, "io2": {100, 256000}}
	if ebs.Iops != nil {
		if rg, ok := iops[vt]; ok {
			checkRange(r, p+".iops", ebs.Iops, rg[0], rg[1], "IOPS for "+vt)
		} else if vt == "st1" || vt == "sc1" || vt == "standard" {
			// "This parameter is not supported for st1, sc1, or standard volume types."
			r.add(p+".iops", "%d: iops is not supported for %s volumes", *ebs.Iops, vt)
		}
	}
	checkRange(r, p+".throughput", ebs.Throughput, 0, 1000, "MiB/s")
}

// lastSegment turns a cluster ARN into its name.
func lastSegment(s string) string {
	if i := strings.LastIndex(s, "/"); i >= 0 {
		return s[i+1:]
	}
	return s
}
