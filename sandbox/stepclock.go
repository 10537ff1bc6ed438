package sandbox

import "time"

// Stepping the clock per call: a test that runs a command polling the sandbox can
// make each poll move the account's simulated time by a fixed step, so what every
// poll sees is deterministic (no clock speed racing real time, no sleeps).

// StepRule advances the account's clock by Step before each call matching
// Operation (same syntax as FaultRule.Operation) is served.
type StepRule struct {
	Operation string
	Step      time.Duration
}

// SetClockSteps replaces account's clock steps; none clears them.
func (s *Server) SetClockSteps(account string, rules ...StepRule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.steps == nil {
		s.steps = map[string][]StepRule{}
	}
	s.steps[account] = rules
}

// stepClock advances a's clock for call c by every matching rule.
func (s *Server) stepClock(a *account, c call) {
	s.mu.Lock()
	rules := s.steps[a.id]
	s.mu.Unlock()
	for _, r := range rules {
		if (FaultRule{Operation: r.Operation}).matches(c) && r.Step > 0 {
			a.clock.Advance(r.Step)
		}
	}
}

// StepClock makes every call of the Env's account that matches op (e.g.
// "ecs:DescribeServices") first advance its clock by step; no rules clear them.
func (e *Env) StepClock(rules ...StepRule) { e.srv.SetClockSteps(e.Account, rules...) }
