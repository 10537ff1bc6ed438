package codedeploy

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ECS is the part of *ecs.Client the fake drives during a blue/green deployment.
//
// Against moto 5.2.1 (read from moto/ecs/models.py): task sets are stored and
// CreateTaskSet with a PERCENT scale runs tasks, but a service created with the
// CODE_DEPLOY controller gets no initial PRIMARY task set (AWS creates one), so a
// first deployment has no original to delete; UpdateServicePrimaryTaskSet only matches
// a full task set ARN, which is why the fake always passes ARNs when it has them; load
// balancers are not validated and DeleteTaskSet ignores Force.
type ECS interface {
	DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
	CreateTaskSet(ctx context.Context, in *ecs.CreateTaskSetInput, optFns ...func(*ecs.Options)) (*ecs.CreateTaskSetOutput, error)
	UpdateServicePrimaryTaskSet(ctx context.Context, in *ecs.UpdateServicePrimaryTaskSetInput, optFns ...func(*ecs.Options)) (*ecs.UpdateServicePrimaryTaskSetOutput, error)
	DeleteTaskSet(ctx context.Context, in *ecs.DeleteTaskSetInput, optFns ...func(*ecs.Options)) (*ecs.DeleteTaskSetOutput, error)
}

// ecsTimeout bounds each ECS call made on behalf of a deployment.
const ecsTimeout = 30 * time.Second

type taskSetRef struct {
	id  string
	arn string
}

func (r taskSetRef) ref() string {
	if r.arn != "" {
		return r.arn
	}
	return r.id
}

// ecsState records the ECS side effects applied for a deployment.
type ecsState struct {
	original    taskSetRef // PRIMARY task set when Install started ("" if none)
	replacement taskSetRef
	desired     int64
	created     bool // Install done: replacement task set created
	switched    bool // AllowTraffic done: replacement is primary
	cleaned     bool // original (or, for a rollback, replacement) task set deleted
	restored    bool // rollback: original is primary again

	// Traffic (traffic.go): the pair's target group ARNs as the deployment uses them
	// (blue serves the original task set, green the replacement), and what was last
	// written to the listeners. Empty when the names could not be resolved.
	blueTG, greenTG string
	prodWeight      float64 // weight on green last written to the production listeners
	prodWritten     bool
	testRouted      bool
}

// crashLoops reports whether the task definition trips the scripted failure rule: a
// family or image tag containing "crashloop" (DESIGN.md §6). Images are only known
// when an ECS client is available.
func crashLoops(ctx context.Context, backend ECS, taskDef string) bool {
	if strings.Contains(family(taskDef), "crashloop") {
		return true
	}
	if backend == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, ecsTimeout)
	defer cancel()
	out, err := backend.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(taskDef)})
	if err != nil || out.TaskDefinition == nil {
		return false
	}
	if strings.Contains(aws.ToString(out.TaskDefinition.Family), "crashloop") {
		return true
	}
	for _, c := range out.TaskDefinition.ContainerDefinitions {
		if strings.Contains(imageTag(aws.ToString(c.Image)), "crashloop") {
			return true
		}
	}
	return false
}

// syntheticTaskSet names a task set when there is no ECS to create one, shaped like
// ECS's "ecs-svc/<19 digits>".
func syntheticTaskSet(parts ...string) taskSetRef {
	h := fnv.New64a()
	h.Write([]byte(strings.Join(parts, "/")))
	return taskSetRef{id: fmt.Sprintf("ecs-svc/%019d", h.Sum64()%1e19)}
}

// applyECS performs the side effects a deployment has reached, the way CodeDeploy
// drives ECS ("What happens during an Amazon ECS deployment",
// https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-steps-ecs.html):
// Install creates the replacement task set, AllowTraffic makes it primary, success
// deletes the original; a rollback makes the original primary again and deletes the
// replacement. It reports whether an ECS failure changed the deployment's outcome, in
// which case the caller evaluates it again.
func (s *Server) applyECS(q *request, d *deployment, v view) bool {
	if d.triggerID != "" {
		return s.applyRollbackECS(q, d, v)
	}
	e := &d.ecs
	fail := func(at time.Time, op string, err error) bool {
		if d.failAt == nil || at.Before(*d.failAt) {
			d.failAt = &at
			d.failCode = "ECS_UPDATE_ERROR"
			d.failMsg = fmt.Sprintf("The ECS service cannot be updated: %s: %v", op, err)
		}
		return true
	}
	if v.installAt != nil && !e.created {
		e.created = true
		if q.ecs() == nil || d.target == nil {
			e.original = syntheticTaskSet(q.acct.id, d.cluster, d.service, "original", d.id)
			e.replacement = syntheticTaskSet(q.acct.id, d.cluster, d.service, d.id)
		} else if err := s.createReplacement(q, d); err != nil {
			// The failure is reported from the start of Install, which it interrupts.
			return fail(*v.installAt, "CreateTaskSet", err)
		}
	}
	if err := s.applyTraffic(q, d, v); err != nil {
		return fail(q.now, "ModifyListener", err)
	}
	if v.shiftedAt != nil && !e.switched {
		e.switched = true
		if q.ecs() != nil && e.replacement.ref() != "" && d.target != nil {
			ctx, cancel := context.WithTimeout(q.ctx, ecsTimeout)
			defer cancel()
			_, err := q.ecs().UpdateServicePrimaryTaskSet(ctx, &ecs.UpdateServicePrimaryTaskSetInput{
				Cluster: aws.String(d.cluster), Service: aws.String(d.service), PrimaryTaskSet: aws.String(e.replacement.ref()),
			})
			if err != nil {
				e.switched = false
				// Fail AllowTraffic itself, just before it would have completed.
				return fail(v.shiftedAt.Add(-time.Millisecond), "UpdateServicePrimaryTaskSet", err)
			}
		}
	}
	if v.status == stSucceeded && !e.cleaned {
		e.cleaned = true
		if q.ecs() != nil && e.original.ref() != "" && d.target != nil {
			// The deployment has already succeeded; a failed clean-up does not undo it.
			s.deleteTaskSet(q, d.cluster, d.service, e.original)
		}
	}
	return false
}

func (s *Server) applyRollbackECS(q *request, d *deployment, v view) bool {
	trig := q.acct.byID[d.triggerID]
	if trig == nil || q.ecs() == nil || trig.target == nil {
		return false
	}
	if v.shiftedAt != nil && !d.ecs.restored {
		d.ecs.restored = true
		if trig.ecs.blueTG != "" && q.elb() != nil {
			// Reroute production (and test) traffic back to the original task set.
			prod, test := trig.listeners()
			_ = route(q.ctx, q.elb(), append(prod, test...), trig.ecs.blueTG, trig.ecs.greenTG, 0)
		}
		if trig.ecs.switched && trig.ecs.original.ref() != "" {
			ctx, cancel := context.WithTimeout(q.ctx, ecsTimeout)
			defer cancel()
			_, err := q.ecs().UpdateServicePrimaryTaskSet(ctx, &ecs.UpdateServicePrimaryTaskSetInput{
				Cluster: aws.String(trig.cluster), Service: aws.String(trig.service), PrimaryTaskSet: aws.String(trig.ecs.original.ref()),
			})
			if err != nil {
				at := v.shiftedAt.Add(-time.Millisecond)
				d.failAt, d.failCode = &at, "ECS_UPDATE_ERROR"
				d.failMsg = fmt.Sprintf("The ECS service cannot be rolled back: UpdateServicePrimaryTaskSet: %v", err)
				return true
			}
		}
	}
	if v.status == stSucceeded && !d.ecs.cleaned {
		d.ecs.cleaned = true
		if trig.ecs.created && trig.ecs.replacement.ref() != "" {
			s.deleteTaskSet(q, trig.cluster, trig.service, trig.ecs.replacement)
		}
	}
	return false
}

// createReplacement records the service's PRIMARY task set and creates the
// replacement from the AppSpec's properties, at 100% scale like CodeDeploy.
func (s *Server) createReplacement(q *request, d *deployment) error {
	ctx, cancel := context.WithTimeout(q.ctx, ecsTimeout)
	defer cancel()
	in := &ecs.CreateTaskSetInput{
		Cluster:        aws.String(d.cluster),
		Service:        aws.String(d.service),
		TaskDefinition: aws.String(d.target.props.TaskDefinition),
		ExternalId:     aws.String(d.id),
		Scale:          &ecstypes.Scale{Unit: ecstypes.ScaleUnitPercent, Value: 100},
	}
	out, err := q.ecs().DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(d.cluster), Services: []string{d.service}})
	if err != nil {
		return err
	}
	if len(out.Services) == 0 {
		return fmt.Errorf("service %s not found in cluster %s", d.service, d.cluster)
	}
	svc := out.Services[0]
	d.ecs.desired = int64(svc.DesiredCount)
	for _, set := range svc.TaskSets {
		if aws.ToString(set.Status) == "PRIMARY" {
			d.ecs.original = taskSetRef{id: aws.ToString(set.Id), arn: aws.ToString(set.TaskSetArn)}
			in.LaunchType = set.LaunchType
			// The replacement serves from the same load balancer (moto does not check
			// which target group; the real one would use the other of the pair).
			in.LoadBalancers = set.LoadBalancers
		}
	}
	if in.LaunchType == "" && len(svc.CapacityProviderStrategy) == 0 {
		// No original task set (moto creates none for a CODE_DEPLOY service): the
		// replacement runs on the service's launch type, as ECS's task sets inherit it.
		in.LaunchType = svc.LaunchType
	}
	if in.LoadBalancers == nil {
		in.LoadBalancers = svc.LoadBalancers
	}
	if err := s.pickTargetGroups(q, d, in); err != nil {
		return err
	}
	p := d.target.props
	if p.PlatformVersion != "" {
		in.PlatformVersion = aws.String(p.PlatformVersion)
	}
	if nc := p.NetworkConfiguration; nc != nil {
		in.NetworkConfiguration = &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
			Subnets:        nc.AwsvpcConfiguration.Subnets,
			SecurityGroups: nc.AwsvpcConfiguration.SecurityGroups,
			AssignPublicIp: ecstypes.AssignPublicIp(nc.AwsvpcConfiguration.AssignPublicIp),
		}}
	}
	for _, c := range p.CapacityProviderStrategy {
		in.CapacityProviderStrategy = append(in.CapacityProviderStrategy, ecstypes.CapacityProviderStrategyItem{
			Base: c.Base, CapacityProvider: aws.String(c.CapacityProvider), Weight: c.Weight,
		})
	}
	if len(in.CapacityProviderStrategy) > 0 {
		in.LaunchType = ""
	}
	created, err := q.ecs().CreateTaskSet(ctx, in)
	if err != nil {
		return err
	}
	if created.TaskSet != nil {
		d.ecs.replacement = taskSetRef{id: aws.ToString(created.TaskSet.Id), arn: aws.ToString(created.TaskSet.TaskSetArn)}
	}
	return nil
}

func (s *Server) deleteTaskSet(q *request, cluster, service string, set taskSetRef) {
	ctx, cancel := context.WithTimeout(q.ctx, ecsTimeout)
	defer cancel()
	_, _ = q.ecs().DeleteTaskSet(ctx, &ecs.DeleteTaskSetInput{
		Cluster: aws.String(cluster), Service: aws.String(service), TaskSet: aws.String(set.ref()), Force: aws.Bool(true),
	})
}

// pickTargetGroups resolves the deployment group's target groups, given by name, to
// ARNs and puts the replacement task set in the one the original task set does not
// use: "CodeDeploy ... creates the replacement task set ... associated with the
// replacement target group" ("What happens during an Amazon ECS deployment",
// CodeDeploy User Guide). The names are reordered so that targetGroup[0] is the one
// serving production now (blue) and [1] the replacement's (green).
//
// Leniency: when there is no ELBv2 client or the names do not resolve (older sandbox
// tests name target groups that were never created), the replacement keeps the
// original's load balancers and no listener is touched.
func (s *Server) pickTargetGroups(q *request, d *deployment, in *ecs.CreateTaskSetInput) error {
	if q.elb() == nil {
		return nil
	}
	arns, err := resolveTargetGroups(q.ctx, q.elb(), d.targetGroup)
	if err != nil {
		return nil
	}
	blue, green := 0, 1
	for _, lb := range in.LoadBalancers {
		if aws.ToString(lb.TargetGroupArn) == arns[1] {
			blue, green = 1, 0
		}
	}
	d.ecs.blueTG, d.ecs.greenTG = arns[blue], arns[green]
	d.targetGroup = [2]string{d.targetGroup[blue], d.targetGroup[green]}
	lbs := make([]ecstypes.LoadBalancer, 0, len(in.LoadBalancers))
	for _, lb := range in.LoadBalancers {
		if aws.ToString(lb.TargetGroupArn) == d.ecs.blueTG {
			lb.TargetGroupArn = aws.String(d.ecs.greenTG)
		}
		lbs = append(lbs, lb)
	}
	in.LoadBalancers = lbs
	return nil
}

// applyTraffic writes the listener weights the deployment has reached: the test
// listeners go to the replacement at AllowTestTraffic, the production listeners
// follow AllowTraffic's weight (all at once, or canary and linear steps).
func (s *Server) applyTraffic(q *request, d *deployment, v view) error {
	e := &d.ecs
	if e.blueTG == "" || q.elb() == nil {
		return nil
	}
	prod, test := d.listeners()
	if len(test) > 0 && !e.testRouted && v.eventReached(evAllowTestTraffic) {
		e.testRouted = true
		if err := route(q.ctx, q.elb(), test, e.blueTG, e.greenTG, 100); err != nil {
			return err
		}
	}
	w := v.weight
	if v.shiftedAt != nil {
		w = 100
	}
	if terminal(v.status) && v.shiftedAt == nil {
		return nil // failed or stopped before production moved: the rollback reroutes
	}
	if len(prod) > 0 && (!e.prodWritten || e.prodWeight != w) && (w > 0 || e.prodWritten) {
		e.prodWritten, e.prodWeight = true, w
		if err := route(q.ctx, q.elb(), prod, e.blueTG, e.greenTG, w); err != nil {
			return err
		}
	}
	return nil
}
