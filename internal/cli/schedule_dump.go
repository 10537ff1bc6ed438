package cli

import (
	"cmp"
	"context"
	"errors"

	"github.com/doppio-ecs/doppio/internal/awsclient"
	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/schedule"
)

// ScheduleDumpCmd writes an ecschedule file of the live rules and Scheduler schedules.
type ScheduleDumpCmd struct {
	Cluster string `help:"Cluster whose rules and Scheduler schedules to dump (default: the --conf file's)."`
	Region  string `help:"Region (default: the --conf file's, else AWS_REGION)."`
	Role    string `help:"Role written at the top of the file (ecschedule's -role)."`
}

// Run writes an ecschedule file (YAML, stdout) of every rule with one ECS task
// target on the cluster and every EventBridge Scheduler schedule running a task
// there (with its scheduler: settings), which apply then leaves unchanged.
func (c *ScheduleDumpCmd) Run(ctx context.Context, a *app, s *ScheduleCmd) error {
	f := &schedule.File{Region: c.Region, Cluster: c.Cluster, Role: c.Role}
	if len(s.Conf) > 0 {
		ss, err := s.open(ctx, a)
		if err != nil {
			return err
		}
		lf := ss.Files[0].File
		f.Region, f.Cluster, f.Role = cmp.Or(f.Region, lf.Region), cmp.Or(f.Cluster, lf.Cluster), cmp.Or(f.Role, lf.Role)
	}
	if f.Region == "" {
		f.Region, _ = a.getenv("AWS_REGION")
	}
	if f.Cluster == "" || f.Region == "" {
		return diag.Invalid(errors.New("schedule dump: --cluster and --region are required (or --conf FILE naming them)"), "doppio schedule dump --cluster api --region us-east-1 > ecschedule.yaml")
	}
	ss := schedule.NewSession(a.scheduleConnect(awsclient.NewBudget(a.g.MaxRPS), &regionClients{}))
	ss.Files = []*schedule.SessionFile{{Loaded: &schedule.Loaded{File: f}}}
	if err := ss.Connect(ctx); err != nil {
		return err
	}
	res, err := schedule.Dump(ctx, ss.Files[0].AWS, f)
	if err != nil {
		return err
	}
	return view.Write(a.stdout, a.g.Output, res)
}
