// Package secretsmanager is the secretsmanager plugin: secretsmanager_arn, which
// resolves a secret name to its full ARN (with the random suffix), for task
// definitions' secrets[].valueFrom.
package secretsmanager

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/render"
)

// Client is the part of the Secrets Manager API the plugin uses.
type Client interface {
	DescribeSecret(ctx context.Context, in *secretsmanager.DescribeSecretInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
}

// Lookup resolves secret ARNs, each once per process. Safe for concurrent use.
type Lookup struct {
	newClient func(ctx context.Context) (Client, error)

	mu     sync.Mutex
	client Client
	cache  map[string]string
}

// New returns a Lookup that builds its client with newClient on first use.
func New(newClient func(ctx context.Context) (Client, error)) *Lookup {
	return &Lookup{newClient: newClient, cache: map[string]string{}}
}

// ARN returns the ARN of the secret with this name or ARN.
func (l *Lookup) ARN(ctx context.Context, id string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if arn, ok := l.cache[id]; ok {
		return arn, nil
	}
	if l.client == nil {
		c, err := l.newClient(ctx)
		if err != nil {
			return "", err
		}
		l.client = c
	}
	out, err := l.client.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(id)})
	if err != nil {
		var nf *types.ResourceNotFoundException
		if errors.As(err, &nf) {
			return "", &diag.Error{Err: fmt.Errorf("secret %s not found in Secrets Manager", id), Code: diag.ExitUsage,
				Hint: "check the secret name and the region"}
		}
		return "", fmt.Errorf("Secrets Manager DescribeSecret %s: %w", id, err)
	}
	arn := aws.ToString(out.ARN)
	l.cache[id] = arn
	return arn, nil
}

// Functions returns secretsmanager_arn, named with prefix.
func Functions(l *Lookup, prefix string) []render.Function {
	return []render.Function{{
		Name:   prefix + "secretsmanager_arn",
		Params: []string{"id"},
		Call: func(ctx context.Context, args []any) (any, error) {
			if len(args) != 1 {
				return nil, fmt.Errorf("takes one secret name or ARN, got %d arguments", len(args))
			}
			id, ok := args[0].(string)
			if !ok {
				return nil, fmt.Errorf("secret id must be a string, got %T", args[0])
			}
			return l.ARN(ctx, id)
		},
	}}
}
