package awsclient

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/doppio-ecs/doppio/internal/diag"
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

// TestNoCredentials: with no credentials anywhere, the first use of the config says
// so — where doppio looked and how to set them — instead of the SDK's raw
// instance-metadata error.
func TestNoCredentials(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "")
	t.Setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "")
	t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "")
	env := map[string]string{"AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
		"AWS_EC2_METADATA_DISABLED": "true"}
	_, err := NewLazy(Options{Env: env}).Get(t.Context())
	var nc *NoCredentialsError
	if !errors.As(err, &nc) {
		t.Fatalf("err = %v, want a NoCredentialsError", err)
	}
	msg := err.Error()
	for _, want := range []string{"no AWS credentials found", "AWS_ACCESS_KEY_ID", `profile "default"`, "/dev/null", "instance metadata"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not say %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "IMDS") {
		t.Errorf("error shows the SDK's raw instance-metadata error:\n%s", msg)
	}
	if h := diag.Hint(err); !strings.Contains(h, "make sandbox") || !strings.Contains(h, "AWS_PROFILE") {
		t.Errorf("hint = %q", h)
	}
}
