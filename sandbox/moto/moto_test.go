package moto

import (
	"context"
	"testing"
)

func TestStartResetStop(t *testing.T) {
	s, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err) // never skip: a missing moto must fail CI loudly
	}
	if err := s.Reset(context.Background(), nil); err != nil {
		t.Errorf("reset: %v", err)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
	if err := s.Reset(context.Background(), nil); err == nil {
		t.Errorf("reset after stop succeeded; the server is still running")
	}
}
