package deploy

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// DeleteOptions say how delete goes about it.
type DeleteOptions struct {
	// Terminate stops the service's running tasks (DeleteService force).
	Terminate bool
	// Confirm asks the user to type the name shown in prompt; nil deletes without
	// asking (--force).
	Confirm func(prompt, name string) bool
}

// Deleted is what a delete did.
type Deleted struct {
	// ServiceARN and Status are the deleted ECS service as DeleteService returned
	// it ("" when the kind reports no result document).
	ServiceARN, Status string
	// Note is the line logged once it was deleted, with its attributes.
	Note      string
	NoteAttrs []any
}

func (o DeleteOptions) confirm(prompt, name, what string) error {
	if o.Confirm != nil && !o.Confirm(prompt, name) {
		return fmt.Errorf("cancelled; the %s was not deleted", what)
	}
	return nil
}

// Status is the service as Resolve described it.
func (c *ecsController) Status(context.Context) (*Status, error) {
	if !c.w.Exists() {
		return nil, &NotFoundError{What: "service", Name: c.w.Service, Cluster: c.w.Cluster}
	}
	return &Status{Service: c.w.Live}, nil
}

// Delete deletes the service; ECS drains it in the background. ECS refuses
// DeleteService without force while the desired count is above 0.
func (c *ecsController) Delete(ctx context.Context, st *Status, o DeleteOptions) (*Deleted, error) {
	svc := st.Service
	if svc.DesiredCount > 0 && !o.Terminate && svc.SchedulingStrategy != types.SchedulingStrategyDaemon {
		return nil, diag.WithHint(fmt.Errorf("service %q still wants %d task(s); ECS deletes it only at 0", c.w.Service, svc.DesiredCount),
			"scale it to 0 first ('doppio scale --tasks 0'), or pass --terminate to stop its tasks")
	}
	if err := o.confirm(fmt.Sprintf("type the service name (%s) to delete it: ", c.w.Service), c.w.Service, "service"); err != nil {
		return nil, err
	}
	out, err := c.d.ECS.DeleteService(ctx, &ecs.DeleteServiceInput{
		Cluster: aws.String(c.w.Cluster), Service: aws.String(c.w.Service), Force: aws.Bool(o.Terminate),
	})
	if err != nil {
		return nil, diag.WithHint(fmt.Errorf("delete service %q: %w", c.w.Service, err), "scale it to 0 first ('doppio scale --tasks 0'), or pass --terminate")
	}
	d := &Deleted{ServiceARN: aws.ToString(out.Service.ServiceArn), Status: aws.ToString(out.Service.Status)}
	d.Note, d.NoteAttrs = "deleted service; ECS drains it in the background", []any{"service", c.w.Service, "status", d.Status}
	return d, nil
}

// Status is the Express Mode service: the ECS service and the express service
// behind it (its status and ingress paths).
func (c *expressController) Status(ctx context.Context) (*Status, error) {
	st, err := c.ecsController.Status(ctx)
	if err != nil || !IsExpress(st.Service) {
		return st, err
	}
	if st.Express, err = ExpressServiceOf(ctx, c.api, st.Service); err != nil {
		return nil, err
	}
	return st, nil
}

// Delete deletes the Express Mode service with the resources ECS manages for it
// (load balancer, target groups, scaling). A service the config calls express but
// that is not is deleted as a service.
func (c *expressController) Delete(ctx context.Context, st *Status, o DeleteOptions) (*Deleted, error) {
	if !IsExpress(st.Service) {
		return c.ecsController.Delete(ctx, st, o)
	}
	if err := o.confirm(fmt.Sprintf("type the service name (%s) to delete it with its load balancer: ", c.w.Service), c.w.Service, "service"); err != nil {
		return nil, err
	}
	if _, err := c.api.DeleteExpressGatewayService(ctx, &ecs.DeleteExpressGatewayServiceInput{ServiceArn: st.Service.ServiceArn}); err != nil {
		return nil, fmt.Errorf("delete express gateway service %q: %w", c.w.Service, err)
	}
	return &Deleted{Note: "express gateway service deleted", NoteAttrs: []any{"service", c.w.Service}}, nil
}

// Status is the daemon, its revisions and its latest deployment.
func (c *daemonController) Status(ctx context.Context) (*Status, error) {
	live, err := c.live(ctx)
	if err != nil {
		return nil, err
	}
	if live == nil {
		return nil, c.notFound()
	}
	st := &Status{Daemon: live}
	if arn := aws.ToString(live.Detail.DeploymentArn); arn != "" {
		out, err := c.api.DescribeDaemonDeployments(ctx, &ecs.DescribeDaemonDeploymentsInput{DaemonDeploymentArns: []string{arn}})
		if err != nil {
			return nil, fmt.Errorf("describe daemon deployment: %w", err)
		}
		if len(out.DaemonDeployments) == 1 {
			st.DaemonDeployment = &out.DaemonDeployments[0]
		}
	}
	return st, nil
}

func (c *daemonController) notFound() error {
	return &NotFoundError{What: "daemon", Name: c.w.Service, Cluster: c.w.Cluster}
}

// Delete deletes the daemon: its tasks stop on every instance.
func (c *daemonController) Delete(ctx context.Context, st *Status, o DeleteOptions) (*Deleted, error) {
	if st.Daemon == nil || st.Daemon.Detail == nil {
		return nil, errors.New("daemon status missing")
	}
	if err := o.confirm(fmt.Sprintf("type the daemon name (%s) to delete it: ", c.w.Service), c.w.Service, "daemon"); err != nil {
		return nil, err
	}
	if _, err := c.api.DeleteDaemon(ctx, &ecs.DeleteDaemonInput{DaemonArn: st.Daemon.Detail.DaemonArn}); err != nil {
		return nil, fmt.Errorf("delete daemon %q: %w", c.w.Service, err)
	}
	return &Deleted{Note: "daemon deleted", NoteAttrs: []any{"daemon", c.w.Service}}, nil
}
