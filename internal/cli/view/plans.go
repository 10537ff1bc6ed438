package view

import (
	"fmt"
	"io"
	"strings"

	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// RollbackPlan is what rollback prints before it changes anything (on stdout with
// --dry-run, else on stderr). Its JSON is the plan's.
type RollbackPlan struct{ *deploy.RollbackPlan }

// WriteText prints the plan for people.
func (p RollbackPlan) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "plan: roll back service %s in cluster %s from %s\n", p.Service, p.Cluster, ecsdef.TaskDefinitionName(p.Current))
	if p.StopDeployment != "" {
		fmt.Fprintf(&b, "  stop deployment %s with ROLLBACK\n", p.StopDeployment)
	} else {
		fmt.Fprintf(&b, "  update the service to %s\n", ecsdef.TaskDefinitionName(p.Target))
	}
	if p.Deregister != "" {
		fmt.Fprintf(&b, "  then deregister %s unless still in use\n", ecsdef.TaskDefinitionName(p.Deregister))
	}
	return flush(w, []byte(b.String()))
}

// DeregisterPlan is what deregister prints before it asks (on stdout with --dry-run,
// else on stderr). Its JSON is the plan's.
type DeregisterPlan struct{ *deploy.DeregisterPlan }

// WriteText prints one line per revision: what happens to it, and why a kept one is
// in use.
func (p DeregisterPlan) WriteText(w io.Writer) error {
	var b strings.Builder
	verb := "deregister"
	if p.Delete {
		verb = "deregister and delete"
	}
	for _, x := range p.Deregister {
		fmt.Fprintf(&b, "%s %s:%d\n", verb, x.Family, x.Number)
	}
	for _, x := range p.Keep {
		note := ""
		if x.InUse {
			note = " (in use: " + x.UseNotes + ")"
		}
		fmt.Fprintf(&b, "keep %s:%d%s\n", x.Family, x.Number, note)
	}
	return flush(w, []byte(b.String()))
}
