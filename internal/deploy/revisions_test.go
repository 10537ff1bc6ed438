package deploy

import (
	"context"
	"errors"
	"fmt"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"slices"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/google/go-cmp/cmp"
)

// revFake is a stateful in-memory ECS for revision handling. ListTaskDefinitions
// answers in a scrambled order, two per page, and ignores Sort, as some servers do.
type revFake struct {
	tds         map[string]types.TaskDefinitionStatus // ARN -> status
	service     *types.Service
	tasks       []types.Task
	inProgress  string // ARN of an IN_PROGRESS service deployment
	stopped     []string
	deleteCalls [][]string
}

func tdARN(family string, rev int) string {
	return fmt.Sprintf("arn:aws:ecs:us-east-1:123456789012:task-definition/%s:%d", family, rev)
}

func newRevFake(family string, revisions int, current int) *revFake {
	f := &revFake{tds: map[string]types.TaskDefinitionStatus{}}
	for i := 1; i <= revisions; i++ {
		f.tds[tdARN(family, i)] = types.TaskDefinitionStatusActive
	}
	f.tds[tdARN(family+"-worker", 1)] = types.TaskDefinitionStatusActive // same prefix, other family
	f.service = &types.Service{ServiceName: aws.String("web"), Status: aws.String("ACTIVE"), TaskDefinition: aws.String(tdARN(family, current)),
		Deployments: []types.Deployment{{Status: aws.String("PRIMARY"), TaskDefinition: aws.String(tdARN(family, current))}}}
	return f
}

func (f *revFake) ListTaskDefinitions(_ context.Context, in *ecs.ListTaskDefinitionsInput, _ ...func(*ecs.Options)) (*ecs.ListTaskDefinitionsOutput, error) {
	var arns []string
	for arn, st := range f.tds {
		if st == in.Status || in.Status == "" {
			arns = append(arns, arn)
		}
	}
	// Scramble deterministically: by the ARN's string order, where ":10" sorts
	// before ":2".
	slices.Sort(arns)
	slices.Reverse(arns)
	start := 0
	if in.NextToken != nil {
		start, _ = strconv.Atoi(*in.NextToken)
	}
	end := min(start+2, len(arns))
	out := &ecs.ListTaskDefinitionsOutput{TaskDefinitionArns: arns[start:end]}
	if end < len(arns) {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

func (f *revFake) ListTasks(_ context.Context, in *ecs.ListTasksInput, _ ...func(*ecs.Options)) (*ecs.ListTasksOutput, error) {
	out := &ecs.ListTasksOutput{}
	for _, t := range f.tasks {
		if aws.ToString(t.DesiredStatus) == string(in.DesiredStatus) {
			out.TaskArns = append(out.TaskArns, aws.ToString(t.TaskArn))
		}
	}
	return out, nil
}

func (f *revFake) DescribeTasks(_ context.Context, in *ecs.DescribeTasksInput, _ ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error) {
	out := &ecs.DescribeTasksOutput{}
	for _, t := range f.tasks {
		if slices.Contains(in.Tasks, aws.ToString(t.TaskArn)) {
			out.Tasks = append(out.Tasks, t)
		}
	}
	return out, nil
}

func (f *revFake) DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	if f.service == nil {
		return &ecs.DescribeServicesOutput{}, nil
	}
	return &ecs.DescribeServicesOutput{Services: []types.Service{*f.service}}, nil
}

func (f *revFake) UpdateService(_ context.Context, in *ecs.UpdateServiceInput, _ ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	if f.tds[aws.ToString(in.TaskDefinition)] != types.TaskDefinitionStatusActive {
		return nil, &types.ClientException{Message: aws.String("TaskDefinition is inactive")}
	}
	f.service.TaskDefinition = in.TaskDefinition
	f.service.Deployments = append([]types.Deployment{{Status: aws.String("PRIMARY"), TaskDefinition: in.TaskDefinition}}, f.service.Deployments...)
	f.service.Deployments[1].Status = aws.String("ACTIVE")
	s := *f.service
	return &ecs.UpdateServiceOutput{Service: &s}, nil
}

func (f *revFake) ListServiceDeployments(context.Context, *ecs.ListServiceDeploymentsInput, ...func(*ecs.Options)) (*ecs.ListServiceDeploymentsOutput, error) {
	out := &ecs.ListServiceDeploymentsOutput{}
	if f.inProgress != "" {
		out.ServiceDeployments = []types.ServiceDeploymentBrief{{ServiceDeploymentArn: aws.String(f.inProgress), Status: types.ServiceDeploymentStatusInProgress}}
	}
	return out, nil
}

func (f *revFake) StopServiceDeployment(_ context.Context, in *ecs.StopServiceDeploymentInput, _ ...func(*ecs.Options)) (*ecs.StopServiceDeploymentOutput, error) {
	f.stopped = append(f.stopped, aws.ToString(in.ServiceDeploymentArn)+" "+string(in.StopType))
	return &ecs.StopServiceDeploymentOutput{}, nil
}

func (f *revFake) DeregisterTaskDefinition(_ context.Context, in *ecs.DeregisterTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DeregisterTaskDefinitionOutput, error) {
	arn := aws.ToString(in.TaskDefinition)
	if _, ok := f.tds[arn]; !ok {
		return nil, &types.ClientException{Message: aws.String("not found")}
	}
	f.tds[arn] = types.TaskDefinitionStatusInactive
	return &ecs.DeregisterTaskDefinitionOutput{}, nil
}

func (f *revFake) DeleteTaskDefinitions(_ context.Context, in *ecs.DeleteTaskDefinitionsInput, _ ...func(*ecs.Options)) (*ecs.DeleteTaskDefinitionsOutput, error) {
	if len(in.TaskDefinitions) > 10 {
		return nil, &types.InvalidParameterException{Message: aws.String("at most 10 task definitions")}
	}
	f.deleteCalls = append(f.deleteCalls, in.TaskDefinitions)
	out := &ecs.DeleteTaskDefinitionsOutput{}
	for _, arn := range in.TaskDefinitions {
		f.tds[arn] = types.TaskDefinitionStatusDeleteInProgress
		out.TaskDefinitions = append(out.TaskDefinitions, types.TaskDefinition{TaskDefinitionArn: aws.String(arn)})
	}
	return out, nil
}

func (f *revFake) active(family string) []int {
	var revs []int
	for arn, st := range f.tds {
		if fam, n, _ := ecsdef.ParseTaskDefinitionRef(arn); fam == family && st == types.TaskDefinitionStatusActive {
			revs = append(revs, n)
		}
	}
	slices.Sort(revs)
	return revs
}

func task(id, family string, rev int, desired, last string) types.Task {
	return types.Task{TaskArn: aws.String("task/" + id), TaskDefinitionArn: aws.String(tdARN(family, rev)),
		DesiredStatus: aws.String(desired), LastStatus: aws.String(last)}
}

func TestRevisionsListSortsByNumber(t *testing.T) {
	f := newRevFake("web", 12, 12)
	f.tds[tdARN("web", 4)] = types.TaskDefinitionStatusInactive
	revs, err := NewRevisions(f, nil).List(t.Context(), "web")
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, r := range revs {
		got = append(got, r.Number)
	}
	if diff := cmp.Diff([]int{1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12}, got); diff != "" {
		t.Errorf("revisions (-want +got):\n%s", diff)
	}
}

func TestPlanRollback(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(*revFake)
		opts     RollbackOptions
		want     string // target revision, or stop ARN
		wantCode int    // exit code of the error, 0 for none
	}{
		{name: "previous by number, not by string order", setup: func(f *revFake) {}, want: tdARN("web", 9)},
		{name: "skips INACTIVE revisions", setup: func(f *revFake) { f.tds[tdARN("web", 9)] = types.TaskDefinitionStatusInactive }, want: tdARN("web", 8)},
		{name: "explicit revision", opts: RollbackOptions{Revision: 3}, want: tdARN("web", 3)},
		{name: "explicit INACTIVE revision", setup: func(f *revFake) { f.tds[tdARN("web", 3)] = types.TaskDefinitionStatusInactive },
			opts: RollbackOptions{Revision: 3}, wantCode: diag.ExitUsage},
		{name: "current revision", opts: RollbackOptions{Revision: 10}, wantCode: diag.ExitUsage},
		{name: "nothing older", setup: func(f *revFake) {
			for i := 1; i < 10; i++ {
				f.tds[tdARN("web", i)] = types.TaskDefinitionStatusInactive
			}
		}, wantCode: diag.ExitError},
		{name: "stop the deployment in progress", setup: func(f *revFake) { f.inProgress = "arn:sd/1" }, opts: RollbackOptions{Stop: true}, want: "arn:sd/1"},
		{name: "--stop without a deployment in progress rolls back to previous", opts: RollbackOptions{Stop: true}, want: tdARN("web", 9)},
		{name: "no service", setup: func(f *revFake) { f.service = nil }, wantCode: diag.ExitError}, // a *NotFoundError, as status meets it
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newRevFake("web", 10, 10)
			if tt.setup != nil {
				tt.setup(f)
			}
			tt.opts.Cluster, tt.opts.Service = "prod", "web"
			p, err := NewRevisions(f, nil).PlanRollback(t.Context(), tt.opts)
			if tt.wantCode != 0 {
				if err == nil || diag.ExitCode(err) != tt.wantCode {
					t.Fatalf("err = %v (code %d), want code %d", err, diag.ExitCode(err), tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := p.Target
			if p.StopDeployment != "" {
				got = p.StopDeployment
			}
			if got != tt.want {
				t.Errorf("target = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestRollbackThenDeregisterUnused(t *testing.T) {
	f := newRevFake("web", 3, 3)
	r := NewRevisions(f, nil)
	p, err := r.PlanRollback(t.Context(), RollbackOptions{Cluster: "prod", Service: "web", Deregister: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.ApplyRollback(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	// The old deployment still runs revision 3 (ACTIVE deployment): kept.
	by, err := r.DeregisterUnused(t.Context(), "prod", "web", p.Deregister)
	if err != nil || by == "" {
		t.Fatalf("DeregisterUnused while in use: by %q, err %v", by, err)
	}
	// Once the old deployment is gone, but a draining task still runs it: kept.
	f.service.Deployments = f.service.Deployments[:1]
	f.tasks = []types.Task{task("t1", "web", 3, "STOPPED", "RUNNING")}
	if by, err = r.DeregisterUnused(t.Context(), "prod", "web", p.Deregister); err != nil || by != "RUNNING task" {
		t.Fatalf("DeregisterUnused with a draining task: by %q, err %v", by, err)
	}
	f.tasks[0].LastStatus = aws.String("STOPPED")
	if by, err = r.DeregisterUnused(t.Context(), "prod", "web", p.Deregister); err != nil || by != "" {
		t.Fatalf("DeregisterUnused: by %q, err %v", by, err)
	}
	if diff := cmp.Diff([]int{1, 2}, f.active("web")); diff != "" {
		t.Errorf("active revisions (-want +got):\n%s", diff)
	}
}

func TestRollbackStop(t *testing.T) {
	f := newRevFake("web", 3, 3)
	f.inProgress = "arn:sd/7"
	r := NewRevisions(f, nil)
	p, err := r.PlanRollback(t.Context(), RollbackOptions{Cluster: "prod", Service: "web", Stop: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.ApplyRollback(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"arn:sd/7 ROLLBACK"}, f.stopped); diff != "" {
		t.Errorf("stopped (-want +got):\n%s", diff)
	}
}

func TestDeregisterKeeps(t *testing.T) {
	tests := []struct {
		name       string
		revisions  int
		current    int
		tasks      []types.Task
		keeps      int
		delete     bool
		wantActive []int
		wantBatch  []int // sizes of DeleteTaskDefinitions calls
	}{
		{name: "keeps the newest unused", revisions: 6, current: 6, keeps: 2, wantActive: []int{4, 5, 6}},
		{name: "in-use revisions kept and not counted", revisions: 8, current: 8, keeps: 1,
			tasks:      []types.Task{task("a", "web", 2, "RUNNING", "RUNNING"), task("b", "web", 5, "RUNNING", "PENDING"), task("c", "web", 3, "STOPPED", "STOPPED")},
			wantActive: []int{2, 5, 7, 8}},
		{name: "rolled back service keeps its old current", revisions: 5, current: 2, keeps: 1, wantActive: []int{2, 5}},
		{name: "nothing to do", revisions: 3, current: 3, keeps: 5, wantActive: []int{1, 2, 3}},
		{name: "delete in batches of 10", revisions: 25, current: 25, keeps: 1, delete: true, wantActive: []int{24, 25}, wantBatch: []int{10, 10, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newRevFake("web", tt.revisions, tt.current)
			f.tasks = tt.tasks
			r := NewRevisions(f, nil)
			p, err := r.PlanDeregister(t.Context(), DeregisterOptions{Cluster: "prod", Service: "web", Family: "web", Keeps: tt.keeps, Delete: tt.delete})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.ApplyDeregister(t.Context(), p); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantActive, f.active("web")); diff != "" {
				t.Errorf("active revisions (-want +got):\n%s", diff)
			}
			var batches []int
			for _, c := range f.deleteCalls {
				batches = append(batches, len(c))
			}
			if diff := cmp.Diff(tt.wantBatch, batches); diff != "" {
				t.Errorf("delete batches (-want +got):\n%s", diff)
			}
			if f.tds[tdARN("web-worker", 1)] != types.TaskDefinitionStatusActive {
				t.Error("a revision of another family with the same prefix was deregistered")
			}
		})
	}
}

func TestDeregisterRevision(t *testing.T) {
	tests := []struct {
		name     string
		revision string
		want     []int
		wantErr  bool
	}{
		{name: "unused number", revision: "3", want: []int{1, 2, 4, 5}},
		{name: "latest in use by the service", revision: "latest", wantErr: true},
		{name: "in use by a task", revision: "2", wantErr: true},
		{name: "not ACTIVE", revision: "9", wantErr: true},
		{name: "not a number", revision: "x", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newRevFake("web", 5, 5)
			f.tasks = []types.Task{task("a", "web", 2, "RUNNING", "RUNNING")}
			r := NewRevisions(f, nil)
			p, err := r.PlanDeregister(t.Context(), DeregisterOptions{Cluster: "prod", Service: "web", Family: "web", Revision: tt.revision})
			if tt.wantErr {
				var de *diag.Error
				if err == nil || (!errors.As(err, &de) && diag.ExitCode(err) != diag.ExitUsage) {
					t.Fatalf("err = %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.ApplyDeregister(t.Context(), p); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, f.active("web")); diff != "" {
				t.Errorf("active revisions (-want +got):\n%s", diff)
			}
		})
	}
}
