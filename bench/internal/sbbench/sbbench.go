// Package sbbench holds what the sandbox benchmark commands (apicalls, runcalls)
// share: a fresh account with its cluster "bench", doppio's environment for it, and
// a project directory.
package sbbench

import (
	"context"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/doppio-ecs/doppio/sandbox"
)

// Account is one sandbox account of srv.
type Account struct {
	// ID is the account's ID (for srv.Counts, srv.Clock, srv.ResetCounts).
	ID string
	// Vars is the environment doppio runs with: the sandbox's endpoint and the
	// account's credentials, no profile, no instance metadata.
	Vars map[string]string
	// ECS is a client on the account.
	ECS *ecs.Client
}

// NewAccount makes a fresh account on srv and creates its cluster "bench".
func NewAccount(ctx context.Context, srv *sandbox.Server) (*Account, error) {
	id := srv.NewAccount()
	key := sandbox.AccessKeyForAccount(id)
	a := &Account{ID: id, Vars: map[string]string{
		"AWS_ENDPOINT_URL": srv.URL(), "AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": sandbox.SecretAccessKey,
		"AWS_REGION": sandbox.DefaultRegion, "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
	}, ECS: ecs.NewFromConfig(aws.Config{Region: sandbox.DefaultRegion, BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider(key, sandbox.SecretAccessKey, "")})}
	if _, err := a.ECS.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("bench")}); err != nil {
		return nil, err
	}
	return a, nil
}

// Project writes files (name: content) into a new temporary directory named after
// pattern; remove deletes it.
func Project(pattern string, files map[string]string) (dir string, remove func(), err error) {
	dir, err = os.MkdirTemp("", pattern)
	if err != nil {
		return "", nil, err
	}
	remove = func() { os.RemoveAll(dir) }
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			remove()
			return "", nil, err
		}
	}
	return dir, remove, nil
}
