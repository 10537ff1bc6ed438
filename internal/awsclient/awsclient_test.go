package awsclient

import (
	"context"
	"strings"
	"testing"
)

func TestLoadRegion(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_PROFILE", "")
	if _, err := Load(context.Background(), Options{}); err == nil || !strings.Contains(err.Error(), "no AWS region") {
		t.Fatalf("err = %v, want no AWS region", err)
	}
	cfg, err := Load(context.Background(), Options{Region: "eu-central-1"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-central-1" {
		t.Errorf("Region = %q", cfg.Region)
	}
	if got := cfg.Retryer().MaxAttempts(); got != 10 {
		t.Errorf("MaxAttempts = %d, want 10", got)
	}
}

func TestLazyBuildsOnce(t *testing.T) {
	l := NewLazy(Options{Region: "us-west-2", AssumeRoleARN: "arn:aws:iam::123456789012:role/deploy"})
	a, err := l.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := l.Get(context.Background())
	if a.Credentials != b.Credentials {
		t.Error("Lazy built two configs")
	}
}
