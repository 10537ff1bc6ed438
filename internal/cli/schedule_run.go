package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/schedule"
	"github.com/doppio-ecs/doppio/internal/task"
)

// Run starts the rule's task with the rule's parameters and overrides, through
// run's machinery (logs, exit code). The task is started by the rule's startedBy
// (events-rule/NAME, or chronos-schedule/NAME for a Scheduler schedule), as the
// rule would start it, so status lists it; a tag marks it as started by hand.
func (c *ScheduleRunCmd) Run(ctx context.Context, a *app, s *ScheduleCmd) error {
	if c.PollInterval <= 0 || c.PollInterval > 5*time.Second {
		return diag.Invalid(fmt.Errorf("--poll-interval %s: must be above 0 and at most 5s", c.PollInterval), "")
	}
	ss, rc, err := s.openWith(ctx, a)
	if err != nil {
		return err
	}
	if err := ss.CheckRules([]string{c.Rule}); err != nil {
		return err
	}
	if err := ss.Connect(ctx); err != nil {
		return err
	}
	f, r := ss.Find(c.Rule)
	o, err := r.RunOptions()
	if err != nil {
		return err
	}
	if f.SchedulerOf(r.Name) != nil {
		o.StartedBy = schedule.SchedulerStartedBy(r.Name)
	}
	o.Tags = append(o.Tags, ecstypes.Tag{Key: aws.String(schedule.ManualTag), Value: aws.String("true")})
	clients, err := rc.get(f.AWS.Name)
	if err != nil {
		return err
	}
	ecsClient, err := clients.ECS(ctx)
	if err != nil {
		return err
	}
	runner := task.NewRunner(task.Deps{ECS: ecsClient, Logs: clients.Logs})
	plan, err := runner.Plan(ctx, o)
	if err != nil {
		return err
	}
	if c.DryRun {
		return view.Write(a.stdout, a.g.Output, view.RunPlan{RunPlan: plan})
	}
	started, err := runner.Start(ctx, plan)
	if err != nil {
		return err
	}
	for _, arn := range started.TaskARNs {
		a.log.Info("started task", "rule", r.Name, "task", task.ID(arn), "taskDefinition", started.TaskDefinitionARN)
	}
	if !c.Wait {
		return view.Write(a.stdout, a.g.Output, view.Run{Cluster: started.Cluster, TaskDefinitionARN: started.TaskDefinitionARN, Outcome: view.OutcomeStarted, TaskARNs: started.TaskARNs, Failures: started.Failures})
	}
	wo := task.WaitOptions{Interval: c.PollInterval, Source: plan.Logs, Container: plan.WatchContainer, DrainGrace: c.PollInterval / 5}
	if c.Logs {
		wo.Logs = &task.LogWriter{W: a.stderr}
	}
	res, err := runner.Wait(ctx, started, wo)
	if err != nil {
		return err
	}
	code := res.ExitCode
	if task.Finished(res.Outcome) {
		code = started.ExitCode(res.ExitCode)
	}
	for _, t := range res.Tasks {
		if t.ExitCode != nil {
			a.log.Info("task finished", "task", task.ID(t.TaskARN), "container", t.Container, "exitCode", *t.ExitCode, "stoppedReason", t.StoppedReason)
		}
	}
	if err := view.Write(a.stdout, a.g.Output, view.Run{Cluster: started.Cluster, TaskDefinitionARN: started.TaskDefinitionARN, Outcome: res.Outcome,
		ExitCode: code, TaskARNs: started.TaskARNs, Tasks: res.Tasks, Failures: started.Failures}); err != nil {
		return err
	}
	if code != 0 {
		return silentExit(code)
	}
	return nil
}
