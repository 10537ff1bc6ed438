package simclock

import (
	"testing"
	"time"
)

func TestManualAdvance(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := New(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("Now = %v, want %v", got, start)
	}
	c.Advance(90 * time.Second)
	c.Advance(-time.Hour) // ignored
	if got, want := c.Now(), start.Add(90*time.Second); !got.Equal(want) {
		t.Fatalf("Now = %v, want %v", got, want)
	}
}

func TestScaledSpeed(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	real := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c := New(start)
	c.realNow = func() time.Time { return real }
	c.SetSpeed(10)
	real = real.Add(2 * time.Second)
	if got, want := c.Now(), start.Add(20*time.Second); !got.Equal(want) {
		t.Fatalf("Now = %v, want %v", got, want)
	}
	c.Advance(time.Minute)
	real = real.Add(time.Second)
	if got, want := c.Now(), start.Add(90*time.Second); !got.Equal(want) {
		t.Fatalf("Now = %v, want %v", got, want)
	}
	c.SetSpeed(0)
	real = real.Add(time.Hour)
	if got, want := c.Now(), start.Add(90*time.Second); !got.Equal(want) {
		t.Fatalf("manual Now = %v, want %v", got, want)
	}
}
