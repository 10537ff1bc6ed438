package watch

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

// holdingClient is a fleet's batching client that holds first polls until release
// is closed.
type holdingClient struct {
	waitersClient
	release chan struct{}
	asked   int
}

func (h *holdingClient) HoldFirstPoll(ctx context.Context, held func()) error {
	h.asked++
	select {
	case <-h.release:
		return nil
	default:
	}
	held()
	select {
	case <-h.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// heldObserver counts Held calls.
type heldObserver struct {
	nopObserver
	held []string
}

type nopObserver struct{}

func (nopObserver) Event(ServiceEvent) {}
func (nopObserver) Progress(Snapshot)  {}

func (o *heldObserver) Held(cluster, service string) { o.held = append(o.held, cluster+"/"+service) }

// A fleet member's first poll waits for the fleet's apply phase (FirstPollHolder):
// no DescribeServices while held, the observer is told once, and the first poll
// comes on the fleet's grid right after the release. Its own deadline still ends a
// held wait (TimedOut, nothing changed); outside a fleet nothing is held.
func TestFirstPollHeldForTheFleet(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake()
		started := time.Now()
		id, arn := f.update("app:2", true)
		c := &holdingClient{waitersClient: waitersClient{Client: f, started: 1}, release: make(chan struct{})}
		obs := &heldObserver{}
		done := make(chan Outcome, 1)
		go func() {
			out, err := New(c, Options{Epoch: started, Observer: obs}).Wait(t.Context(), Target{Cluster: "prod", Service: "web",
				DeploymentID: id, DeploymentARN: arn, TaskDefinition: f.tdARN("app:2"), StartedAt: started})
			if err != nil {
				t.Error(err)
			}
			done <- out
		}()
		<-time.After(2 * time.Minute) // the rest of the fleet applies (virtual time inside the bubble)
		synctest.Wait()
		if n := f.count(opDS); n != 0 {
			t.Fatalf("%d DescribeServices while the fleet applies, want 0", n)
		}
		if len(obs.held) != 1 || obs.held[0] != "prod/web" {
			t.Errorf("observer told %v, want [prod/web]", obs.held)
		}
		released := time.Now()
		close(c.release)
		out := <-done
		if out.Kind != Succeeded {
			t.Errorf("outcome %v (%s)", out.Kind, out.Reason)
		}
		if first := f.dsAt[0].Sub(released); first > defaultInterval/5 {
			t.Errorf("first poll %v after the release, want within %v (the grid)", first, defaultInterval/5)
		}
	})

	synctest.Test(t, func(t *testing.T) {
		f := newFake()
		started := time.Now()
		id, _ := f.update("app:2", true)
		c := &holdingClient{waitersClient: waitersClient{Client: f, started: 1}, release: make(chan struct{})}
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		out, err := New(c, Options{Epoch: started}).Wait(ctx, Target{Cluster: "prod", Service: "web", DeploymentID: id, StartedAt: started})
		if err != nil || out.Kind != TimedOut || f.count(opDS) != 0 || time.Since(started) != time.Minute {
			t.Errorf("held past its deadline: %v after %v, %d DescribeServices, %v; want timed out after 1m0s, none",
				out.Kind, time.Since(started), f.count(opDS), err)
		}
	})

	synctest.Test(t, func(t *testing.T) {
		f := newFake()
		started := time.Now()
		id, arn := f.update("app:2", true)
		c := &holdingClient{waitersClient: waitersClient{Client: f, started: 1}, release: make(chan struct{})}
		out, err := New(c, Options{}).Wait(t.Context(), Target{Cluster: "prod", Service: "web", DeploymentID: id, DeploymentARN: arn,
			TaskDefinition: f.tdARN("app:2"), StartedAt: started})
		if err != nil || out.Kind != Succeeded || c.asked != 0 {
			t.Errorf("outside a fleet (no Epoch): %v, %v, held %d times; want succeeded, never held", out.Kind, err, c.asked)
		}
	})
}
