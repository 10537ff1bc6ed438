package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	sdtypes "github.com/aws/aws-sdk-go-v2/service/servicediscovery/types"
)

// efsChecks checks an EFS volume's file system and access point.
func (v *Verifier) efsChecks(path []string, c *types.EFSVolumeConfiguration) []check {
	fs := aws.ToString(c.FileSystemId)
	cs := []check{{path: path, kind: "FileSystem", resource: fs, key: "efs:" + fs,
		run: func(ctx context.Context) outcome {
			_, err := v.deps.EFS.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{FileSystemId: aws.String(fs)})
			return exists[*efstypes.FileSystemNotFound](err, fmt.Sprintf("EFS file system %q not found", fs), "create it, or fix efsVolumeConfiguration.fileSystemId",
				fmt.Sprintf("describe EFS file system %q", fs), "doppio needs elasticfilesystem:DescribeFileSystems")
		}}}
	if c.AuthorizationConfig == nil || aws.ToString(c.AuthorizationConfig.AccessPointId) == "" {
		return cs
	}
	ap := aws.ToString(c.AuthorizationConfig.AccessPointId)
	return append(cs, check{path: path, kind: "AccessPoint", resource: ap, key: "efs-ap:" + ap + "|" + fs,
		run: func(ctx context.Context) outcome {
			out, err := v.deps.EFS.DescribeAccessPoints(ctx, &efs.DescribeAccessPointsInput{AccessPointId: aws.String(ap)})
			var nf *efstypes.AccessPointNotFound
			switch {
			case errors.As(err, &nf) || (err == nil && len(out.AccessPoints) == 0):
				return ng(fmt.Sprintf("EFS access point %q not found", ap), "create it, or fix authorizationConfig.accessPointId")
			case err != nil:
				return failed(fmt.Errorf("describe EFS access point %q: %w", ap, err), "doppio needs elasticfilesystem:DescribeAccessPoints")
			}
			if got := aws.ToString(out.AccessPoints[0].FileSystemId); got != fs {
				return ng(fmt.Sprintf("access point %q belongs to file system %q, not %q", ap, got, fs), "use an access point of the volume's file system")
			}
			return ok()
		}})
}

// cluster describes the cluster once; nil when it does not exist.
func (v *Verifier) cluster(ctx context.Context, name string) (*types.Cluster, error) {
	return once(&v.memo, "ecs:cluster:"+name, func() (*types.Cluster, error) {
		out, err := v.deps.ECS.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{name}})
		if err != nil {
			return nil, err
		}
		if len(out.Clusters) == 0 {
			return nil, nil
		}
		return &out.Clusters[0], nil
	})
}

// clusterCheck checks that the cluster exists and is ACTIVE.
func (v *Verifier) clusterCheck(path []string, name string) check {
	name = orDefault(name, "default")
	return check{path: path, kind: "Cluster", resource: name, key: "cluster:" + name,
		run: func(ctx context.Context) outcome {
			c, err := v.cluster(ctx, name)
			switch {
			case err != nil:
				return failed(fmt.Errorf("describe cluster %q: %w", name, err), "doppio needs ecs:DescribeClusters")
			case c == nil:
				return ng(fmt.Sprintf("cluster %q not found", name), "create the cluster, or fix cluster: in the config")
			case aws.ToString(c.Status) != "ACTIVE":
				return ng(fmt.Sprintf("cluster %q is %s", name, aws.ToString(c.Status)), "services run only in ACTIVE clusters")
			}
			return ok()
		}}
}

// serviceChecks are the checks of the service definition.
func (v *Verifier) serviceChecks(in Input, td *ecs.RegisterTaskDefinitionInput) []check {
	sd := in.Service
	root := []string{"ServiceDefinition"}
	cluster := orDefault(in.Cluster, "default")
	var cs []check
	launch := serviceLaunch(sd)
	if launch != "" {
		cs = append(cs, check{path: root, kind: "LaunchType", resource: launch, key: "launch",
			run: constant(compatibility(launch, td))})
	}
	for _, s := range sd.CapacityProviderStrategy {
		name := aws.ToString(s.CapacityProvider)
		cs = append(cs, check{path: root, kind: "CapacityProvider", resource: name, key: "cp:" + name,
			run: func(ctx context.Context) outcome {
				c, err := v.cluster(ctx, cluster)
				switch {
				case err != nil:
					return failed(fmt.Errorf("describe cluster %q: %w", cluster, err), "")
				case c == nil:
					return skip(fmt.Sprintf("cluster %q not found", cluster))
				case !slices.Contains(c.CapacityProviders, name):
					return ng(fmt.Sprintf("capacity provider %q is not attached to cluster %q", name, cluster),
						"attach it (aws ecs put-cluster-capacity-providers), or fix capacityProviderStrategy")
				}
				return ok()
			}})
	}
	cs = append(cs, v.networkChecks(root, sd, td, launch)...)
	for _, lb := range sd.LoadBalancers {
		cs = append(cs, v.loadBalancerChecks(root, lb, td)...)
	}
	for _, r := range sd.ServiceRegistries {
		cs = append(cs, v.registryCheck(root, aws.ToString(r.RegistryArn)))
	}
	if sc := sd.ServiceConnectConfiguration; sc != nil && sc.Enabled && aws.ToString(sc.Namespace) != "" {
		cs = append(cs, v.namespaceCheck(root, aws.ToString(sc.Namespace)))
	}
	for _, vc := range sd.VolumeConfigurations {
		if vc.ManagedEBSVolume != nil && aws.ToString(vc.ManagedEBSVolume.RoleArn) != "" {
			cs = append(cs, v.roleCheck(sub(root, "VolumeConfiguration["+aws.ToString(vc.Name)+"]"), "InfrastructureRole", aws.ToString(vc.ManagedEBSVolume.RoleArn), principalECS))
		}
	}
	return cs
}

// compatibility checks the service's infrastructure against the task definition's
// requiresCompatibilities and Fargate's network mode.
func compatibility(launch string, td *ecs.RegisterTaskDefinitionInput) outcome {
	if len(td.RequiresCompatibilities) > 0 && !slices.Contains(td.RequiresCompatibilities, types.Compatibility(launch)) {
		req := make([]string, len(td.RequiresCompatibilities))
		for i, c := range td.RequiresCompatibilities {
			req[i] = string(c)
		}
		return ng(fmt.Sprintf("the service runs on %s but the task definition requires %s", launch, strings.Join(req, ", ")),
			"add "+launch+" to requiresCompatibilities, or change the service's launchType or capacityProviderStrategy")
	}
	if launch == "FARGATE" && td.NetworkMode != types.NetworkModeAwsvpc {
		return ng(fmt.Sprintf("Fargate needs network mode awsvpc, the task definition has %q", orDefault(string(td.NetworkMode), "bridge")),
			`set "networkMode": "awsvpc" in the task definition`)
	}
	return ok()
}

// networkChecks checks the awsvpc configuration: subnets and security groups exist
// and share one VPC, and a public IP is only asked for where it is allowed.
func (v *Verifier) networkChecks(root []string, sd *ecs.CreateServiceInput, td *ecs.RegisterTaskDefinitionInput, launch string) []check {
	var vpc *types.AwsVpcConfiguration
	if sd.NetworkConfiguration != nil {
		vpc = sd.NetworkConfiguration.AwsvpcConfiguration
	}
	if vpc == nil {
		if td.NetworkMode == types.NetworkModeAwsvpc {
			return []check{{path: root, kind: "NetworkConfiguration", key: "network",
				run: constant(ng("the task definition's network mode is awsvpc but the service has no networkConfiguration.awsvpcConfiguration",
					"add networkConfiguration.awsvpcConfiguration with subnets and securityGroups"))}}
		}
		return nil
	}
	p := sub(root, "NetworkConfiguration")
	var cs []check
	for _, id := range vpc.Subnets {
		cs = append(cs, check{path: p, kind: "Subnet", resource: id, key: "subnet:" + id,
			run: func(ctx context.Context) outcome { return v.inVPC(ctx, "subnet", id, vpc) }})
	}
	for _, id := range vpc.SecurityGroups {
		cs = append(cs, check{path: p, kind: "SecurityGroup", resource: id, key: "sg:" + id,
			run: func(ctx context.Context) outcome { return v.inVPC(ctx, "security group", id, vpc) }})
	}
	cs = append(cs, check{path: p, kind: "VPC", key: "vpc",
		run: func(ctx context.Context) outcome {
			nets, err := v.vpcs(ctx, vpc)
			if err != nil {
				return failed(err, "doppio needs ec2:DescribeSubnets and ec2:DescribeSecurityGroups")
			}
			var ids []string
			for _, id := range slices.Concat(vpc.Subnets, vpc.SecurityGroups) {
				if n, ok := nets[id]; ok && !slices.Contains(ids, n) {
					ids = append(ids, n)
				}
			}
			if len(ids) > 1 {
				slices.Sort(ids)
				var parts []string
				for _, id := range slices.Concat(vpc.Subnets, vpc.SecurityGroups) {
					if n, ok := nets[id]; ok {
						parts = append(parts, id+" in "+n)
					}
				}
				return ng("subnets and security groups are in different VPCs ("+strings.Join(ids, ", ")+")",
					"use subnets and security groups of one VPC: "+strings.Join(parts, ", "))
			}
			return ok()
		}})
	if vpc.AssignPublicIp == types.AssignPublicIpEnabled && launch == "EC2" {
		cs = append(cs, check{path: p, kind: "AssignPublicIp", resource: "ENABLED", key: "public-ip",
			run: constant(ng("assignPublicIp ENABLED is supported only for tasks on Fargate",
				"set assignPublicIp to DISABLED (use a NAT gateway or VPC endpoints for outbound access)"))})
	}
	return cs
}

// vpcs maps each subnet and security group of the configuration to its VPC, with one
// DescribeSubnets and one DescribeSecurityGroups call filtered by id (a filter,
// unlike ids, does not fail the whole call when one is missing).
func (v *Verifier) vpcs(ctx context.Context, c *types.AwsVpcConfiguration) (map[string]string, error) {
	return once(&v.memo, "ec2:network", func() (map[string]string, error) {
		m := map[string]string{}
		if len(c.Subnets) > 0 {
			p := ec2.NewDescribeSubnetsPaginator(v.deps.EC2, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("subnet-id"), Values: c.Subnets}}})
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					return nil, fmt.Errorf("describe subnets: %w", err)
				}
				for _, s := range out.Subnets {
					m[aws.ToString(s.SubnetId)] = aws.ToString(s.VpcId)
				}
			}
		}
		if len(c.SecurityGroups) > 0 {
			p := ec2.NewDescribeSecurityGroupsPaginator(v.deps.EC2, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{{Name: aws.String("group-id"), Values: c.SecurityGroups}}})
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					return nil, fmt.Errorf("describe security groups: %w", err)
				}
				for _, g := range out.SecurityGroups {
					m[aws.ToString(g.GroupId)] = aws.ToString(g.VpcId)
				}
			}
		}
		return m, nil
	})
}

func (v *Verifier) inVPC(ctx context.Context, what, id string, c *types.AwsVpcConfiguration) outcome {
	nets, err := v.vpcs(ctx, c)
	if err != nil {
		return failed(err, "doppio needs ec2:DescribeSubnets and ec2:DescribeSecurityGroups")
	}
	if _, ok := nets[id]; !ok {
		return ng(fmt.Sprintf("%s %q not found", what, id), "fix networkConfiguration.awsvpcConfiguration (ids differ between accounts and regions)")
	}
	return ok()
}

// loadBalancerChecks checks a service load balancer: its target group (and, for
// ECS blue/green, the alternate target group, listener rules and role).
func (v *Verifier) loadBalancerChecks(root []string, lb types.LoadBalancer, td *ecs.RegisterTaskDefinitionInput) []check {
	if aws.ToString(lb.TargetGroupArn) == "" {
		name := aws.ToString(lb.LoadBalancerName)
		return []check{{path: root, kind: "LoadBalancer", resource: name, key: "clb:" + name,
			run: constant(skip("Classic Load Balancers are not checked"))}}
	}
	cs := []check{v.targetGroupCheck(root, "TargetGroup", aws.ToString(lb.TargetGroupArn), lb, td)}
	if ac := lb.AdvancedConfiguration; ac != nil {
		if a := aws.ToString(ac.AlternateTargetGroupArn); a != "" {
			cs = append(cs, v.targetGroupCheck(root, "AlternateTargetGroup", a, lb, td))
		}
		for _, r := range []string{aws.ToString(ac.ProductionListenerRule), aws.ToString(ac.TestListenerRule)} {
			if r != "" {
				cs = append(cs, v.ruleCheck(root, r))
			}
		}
		if r := aws.ToString(ac.RoleArn); r != "" {
			cs = append(cs, v.roleCheck(root, "LoadBalancerRole", r, principalECS))
		}
	}
	return cs
}

// targetGroupCheck checks that a target group exists, that its target type suits
// the task's network mode, and that the container and port exist.
func (v *Verifier) targetGroupCheck(root []string, kind, tgARN string, lb types.LoadBalancer, td *ecs.RegisterTaskDefinitionInput) check {
	container, port := aws.ToString(lb.ContainerName), aws.ToInt32(lb.ContainerPort)
	return check{path: root, kind: kind, resource: tgARN, key: "tg:" + tgARN + "|" + container + "|" + strconv.Itoa(int(port)),
		run: func(ctx context.Context) outcome {
			tg, err := once(&v.memo, "elb:tg:"+tgARN, func() (*elbtypes.TargetGroup, error) {
				out, err := v.deps.ELB.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{TargetGroupArns: []string{tgARN}})
				if err != nil || len(out.TargetGroups) == 0 {
					return nil, err
				}
				return &out.TargetGroups[0], nil
			})
			var nf *elbtypes.TargetGroupNotFoundException
			switch {
			case errors.As(err, &nf) || (err == nil && tg == nil):
				return ng("target group not found", "create it, or fix loadBalancers[].targetGroupArn")
			case err != nil:
				return failed(fmt.Errorf("describe target group: %w", err), "doppio needs elasticloadbalancing:DescribeTargetGroups")
			}
			want := elbtypes.TargetTypeEnumInstance
			if td.NetworkMode == types.NetworkModeAwsvpc {
				want = elbtypes.TargetTypeEnumIp
			}
			if tg.TargetType != want {
				return ng(fmt.Sprintf("target group %q has target type %q; network mode %q needs %q", aws.ToString(tg.TargetGroupName), tg.TargetType, orDefault(string(td.NetworkMode), "bridge"), want),
					fmt.Sprintf("create a target group with target type %s (the target type cannot be changed) and use its ARN", want))
			}
			i := slices.IndexFunc(td.ContainerDefinitions, func(c types.ContainerDefinition) bool { return aws.ToString(c.Name) == container })
			if i < 0 {
				return ng(fmt.Sprintf("no container %q in the task definition", container), "fix loadBalancers[].containerName")
			}
			if !slices.ContainsFunc(td.ContainerDefinitions[i].PortMappings, func(pm types.PortMapping) bool { return aws.ToInt32(pm.ContainerPort) == port }) {
				return ng(fmt.Sprintf("container %q has no port mapping for port %d", container, port),
					fmt.Sprintf("fix loadBalancers[].containerPort, or add the port to the container's portMappings (it maps %s)", portList(td.ContainerDefinitions[i])))
			}
			return ok()
		}}
}

// exists is the outcome of a call that looks a resource up: ng(missing, fix) when
// err is the service's NF (not found), failed with "what: err" and perm (the
// permission doppio needs) on any other error, else ok.
func exists[NF error](err error, missing, fix, what, perm string) outcome {
	var nf NF
	switch {
	case errors.As(err, &nf):
		return ng(missing, fix)
	case err != nil:
		return failed(fmt.Errorf("%s: %w", what, err), perm)
	}
	return ok()
}

// ruleCheck checks that a listener rule exists.
func (v *Verifier) ruleCheck(root []string, rule string) check {
	return check{path: root, kind: "ListenerRule", resource: rule, key: "rule:" + rule,
		run: func(ctx context.Context) outcome {
			_, err := v.deps.ELB.DescribeRules(ctx, &elb.DescribeRulesInput{RuleArns: []string{rule}})
			return exists[*elbtypes.RuleNotFoundException](err, "listener rule not found", "create it, or fix advancedConfiguration.productionListenerRule / testListenerRule", "describe listener rule", "doppio needs elasticloadbalancing:DescribeRules")
		}}
}

// registryCheck checks that a Cloud Map service of serviceRegistries exists.
func (v *Verifier) registryCheck(root []string, ref string) check {
	return check{path: root, kind: "ServiceRegistry", resource: ref, key: "sd:" + ref,
		run: func(ctx context.Context) outcome {
			a, err := arn.Parse(ref)
			if err != nil || !strings.HasPrefix(a.Resource, "service/") {
				return ng(fmt.Sprintf("%q is not a Cloud Map service ARN", ref), "use arn:aws:servicediscovery:REGION:ACCOUNT:service/srv-...")
			}
			_, err = v.deps.ServiceDiscovery.GetService(ctx, &servicediscovery.GetServiceInput{Id: aws.String(strings.TrimPrefix(a.Resource, "service/"))})
			return exists[*sdtypes.ServiceNotFound](err, "Cloud Map service not found", "create it, or fix serviceRegistries[].registryArn", "get Cloud Map service", "doppio needs servicediscovery:GetService")
		}}
}

// namespaceCheck checks the Service Connect namespace (name or ARN).
func (v *Verifier) namespaceCheck(root []string, ns string) check {
	return check{path: root, kind: "ServiceConnectNamespace", resource: ns, key: "ns:" + ns,
		run: func(ctx context.Context) outcome {
			hint := "create the Cloud Map namespace, or fix serviceConnectConfiguration.namespace"
			if a, err := arn.Parse(ns); err == nil {
				_, err := v.deps.ServiceDiscovery.GetNamespace(ctx, &servicediscovery.GetNamespaceInput{Id: aws.String(strings.TrimPrefix(a.Resource, "namespace/"))})
				return exists[*sdtypes.NamespaceNotFound](err, "namespace not found", hint, "get namespace", "doppio needs servicediscovery:GetNamespace")
			}
			p := servicediscovery.NewListNamespacesPaginator(v.deps.ServiceDiscovery, &servicediscovery.ListNamespacesInput{})
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					return failed(fmt.Errorf("list namespaces: %w", err), "doppio needs servicediscovery:ListNamespaces")
				}
				for _, n := range out.Namespaces {
					if aws.ToString(n.Name) == ns {
						return ok()
					}
				}
			}
			return ng(fmt.Sprintf("namespace %q not found", ns), hint)
		}}
}
