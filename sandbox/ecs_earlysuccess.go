package sandbox

import (
	"fmt"
	"slices"
	"time"
)

// Early success criteria of a rolling deployment, following the Developer Guide,
// "Complete Amazon ECS rolling deployments early with early success criteria"
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/early-success-criteria.html)
// and DeploymentEarlySuccessCriteria in the API reference:
//   - only the rolling strategy uses them;
//   - healthyPercent is a share of the service's desiredCount, rounded up (50% of 3
//     tasks is 2); a task counts once it is running and healthy;
//   - with alarm-based rollback the bake time (bakeTimeInMinutes) still elapses after
//     that;
//   - sourceServiceRevisionCleanup BLOCKING removes the source revision's tasks and
//     then completes the deployment; DEFERRED completes it and removes them in the
//     background;
//   - ECS starts the remaining target tasks outside the deployment, by regular
//     service scaling; once the deployment has completed, the circuit breaker and
//     alarm rollback no longer apply.

// earlySuccess is a deployment's early success configuration.
type earlySuccess struct {
	healthyPercent int
	blocking       bool
	bake           time.Duration // alarm-based rollback only
}

// earlySuccessOf reads deploymentConfiguration.earlySuccessCriteria; nil when it is
// off or the strategy is not ROLLING.
func earlySuccessOf(dc obj) *earlySuccess {
	es := sub(dc, "earlySuccessCriteria")
	if !boolean(es, "enable") {
		return nil
	}
	if st := str(dc, "strategy"); st != "" && st != "ROLLING" {
		return nil
	}
	hp, ok := num(es, "healthyPercent")
	if !ok {
		return nil
	}
	e := &earlySuccess{healthyPercent: min(max(hp, 0), 100), blocking: str(es, "sourceServiceRevisionCleanup") != "DEFERRED"}
	if al := sub(dc, "alarms"); boolean(al, "enable") && boolean(al, "rollback") {
		if b, ok := num(dc, "bakeTimeInMinutes"); ok && b > 0 {
			e.bake = time.Duration(b) * time.Minute
		}
	}
	return e
}

// needed is how many healthy target tasks meet the criteria for desired tasks.
func (e *earlySuccess) needed(desired int) int {
	return (desired*e.healthyPercent + 99) / 100
}

// at returns when the criteria are met given the instants the target tasks become
// healthy (running), and whether that comes before full completion at done.
func (e *earlySuccess) at(healthy []time.Time, desired int, start, done time.Time) (time.Time, bool) {
	k := e.needed(desired)
	if k > len(healthy) {
		return time.Time{}, false
	}
	met := start
	if k > 0 {
		ts := slices.Clone(healthy)
		slices.SortFunc(ts, func(x, y time.Time) int { return x.Compare(y) })
		met = ts[k-1]
	}
	met = met.Add(e.bake)
	return met, met.Before(done)
}

// reason is the rolloutStateReason of a deployment that completed early (the
// sandbox's wording; the API reference does not give ECS's).
func (e *earlySuccess) reason(id string, desired int) string {
	cleanup := "BLOCKING"
	if !e.blocking {
		cleanup = "DEFERRED"
	}
	return fmt.Sprintf("ECS deployment %s completed: early success criteria met (%d of %d tasks healthy, healthyPercent %d, source revision cleanup %s).",
		id, e.needed(desired), desired, e.healthyPercent, cleanup)
}

// later returns the later of two instants.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
