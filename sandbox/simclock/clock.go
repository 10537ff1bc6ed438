// Package simclock is the sandbox's scripted clock. Simulated AWS behaviour (rollouts,
// task lifecycles, CodeDeploy lifecycle events) is a pure function of Now(), evaluated
// lazily when a request arrives, so the clock can run manually (tests advance it) or
// scaled against real time (the demo and CLI end-to-end tests), with no goroutines.
package simclock

import (
	"sync"
	"time"
)

// Clock is a simulated clock. The zero value is not usable; call New.
type Clock struct {
	mu       sync.Mutex
	base     time.Time // simulated time at realBase
	realBase time.Time // real time when speed was last set
	speed    float64   // simulated seconds per real second; 0 means manual
	realNow  func() time.Time
}

// New returns a manual clock starting at start. A zero start means the current
// real time, truncated to the second.
func New(start time.Time) *Clock {
	if start.IsZero() {
		start = time.Now().UTC().Truncate(time.Second)
	}
	return &Clock{base: start, realNow: time.Now}
}

// Now returns the simulated time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *Clock) nowLocked() time.Time {
	if c.speed == 0 {
		return c.base
	}
	real := c.realNow().Sub(c.realBase)
	return c.base.Add(time.Duration(float64(real) * c.speed))
}

// Advance moves simulated time forward by d (negative values are ignored).
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.nowLocked()
	if d > 0 {
		now = now.Add(d)
	}
	c.base, c.realBase = now, c.realNow()
	return now
}

// SetSpeed makes the clock follow real time scaled by speed (simulated seconds per
// real second); 0 stops it so that only Advance moves it.
func (c *Clock) SetSpeed(speed float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.base = c.nowLocked()
	c.realBase = c.realNow()
	if speed < 0 {
		speed = 0
	}
	c.speed = speed
}

// Speed reports the current speed (0 for manual).
func (c *Clock) Speed() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.speed
}
