package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// secretRef is a parsed secrets[].valueFrom or credentialsParameter.
type secretRef struct {
	ssm     bool   // SSM parameter (else Secrets Manager secret)
	region  string // the ARN's region, or the project's
	id      string // parameter name, or secret ARN (without the suffix fields) or name
	jsonKey string // Secrets Manager :json-key
	stage   string // Secrets Manager :version-stage
	version string // Secrets Manager :version-id
}

// parseSecretRef reads valueFrom as ECS does: a Secrets Manager ARN, optionally
// followed by :json-key:version-stage:version-id (each part may be empty); an SSM
// parameter ARN; or, otherwise, the name of an SSM parameter in the task's region.
func parseSecretRef(s, region string) secretRef {
	a, err := arn.Parse(s)
	if err != nil {
		return secretRef{ssm: true, region: region, id: s}
	}
	r := secretRef{region: orDefault(a.Region, region)}
	if a.Service == "secretsmanager" {
		parts := strings.Split(a.Resource, ":") // secret, name-AbCdEf, json-key, stage, version
		if len(parts) >= 2 {
			a.Resource = parts[0] + ":" + parts[1]
		}
		r.id = a.String()
		field := func(i int) string {
			if i < len(parts) {
				return parts[i]
			}
			return ""
		}
		r.jsonKey, r.stage, r.version = field(2), field(3), field(4)
		return r
	}
	r.ssm = true
	r.id = s
	if a.Service == "ssm" && strings.HasPrefix(a.Resource, "parameter/") {
		// parameter/name for "name", parameter/a/b for the hierarchical "/a/b".
		tail := strings.TrimPrefix(a.Resource, "parameter")
		if strings.Count(tail, "/") > 1 {
			r.id = tail
		} else {
			r.id = tail[1:]
		}
	}
	return r
}

// secretCheck checks that a secret exists and, with GetSecrets, that its value is
// readable and has the JSON key valueFrom names (and keys, for repository
// credentials). Values never leave this function: results name keys, not values.
func (v *Verifier) secretCheck(path []string, kind, valueFrom string, keys []string) check {
	ref := parseSecretRef(valueFrom, v.deps.Region)
	if ref.ssm {
		v.ssm.add(ref.region, ref.id)
	}
	return check{path: path, kind: kind, resource: valueFrom, key: "secret:" + valueFrom + "|" + strings.Join(keys, ","),
		run: func(ctx context.Context) outcome {
			if ref.ssm {
				return v.ssmParameter(ctx, ref)
			}
			return v.smSecret(ctx, ref, keys)
		}}
}

// ssmParameter looks the parameter up in its batch of GetParameters.
func (v *Verifier) ssmParameter(ctx context.Context, ref secretRef) outcome {
	names, key := v.ssm.chunk(ref.region, ref.id)
	found, err := once(&v.memo, key, func() (map[string]bool, error) {
		out, err := v.deps.SSM(ref.region).GetParameters(ctx, &ssm.GetParametersInput{
			Names: names, WithDecryption: aws.Bool(v.opts.GetSecrets),
		})
		if err != nil {
			return nil, err
		}
		got := map[string]bool{}
		for _, p := range out.Parameters {
			got[aws.ToString(p.Name)+aws.ToString(p.Selector)] = true
			got[aws.ToString(p.ARN)+aws.ToString(p.Selector)] = true
		}
		return got, nil
	})
	if err != nil {
		return failed(fmt.Errorf("get SSM parameters: %w", err), "doppio needs ssm:GetParameters (and kms:Decrypt for SecureString) on the parameters")
	}
	if !found[ref.id] {
		return ng(fmt.Sprintf("SSM parameter %q not found in %s", ref.id, ref.region),
			"create the parameter, or fix valueFrom (names are case-sensitive; a parameter of another region needs its full ARN)")
	}
	return ok()
}

// smSecret checks a Secrets Manager secret, its version and its JSON keys.
func (v *Verifier) smSecret(ctx context.Context, ref secretRef, keys []string) outcome {
	what := fmt.Sprintf("secret %q", ref.id)
	if ref.stage != "" {
		what += fmt.Sprintf(" version stage %q", ref.stage)
	}
	if ref.version != "" {
		what += fmt.Sprintf(" version %q", ref.version)
	}
	if ref.jsonKey != "" {
		keys = append(slices.Clone(keys), ref.jsonKey)
	}
	if !v.opts.GetSecrets {
		return v.smDescribe(ctx, ref, what, keys)
	}
	value, err := v.secretValue(ctx, ref)
	var nf *smtypes.ResourceNotFoundException
	switch {
	case errors.As(err, &nf):
		return ng(what+" not found", "create the secret, or fix valueFrom (a full secret ARN ends with the 6 characters Secrets Manager appended to the name)")
	case err != nil:
		return failed(fmt.Errorf("read %s: %w", what, err), "doppio needs secretsmanager:GetSecretValue (and kms:Decrypt) on the secret")
	}
	if len(keys) == 0 {
		return ok()
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(value), &doc); err != nil {
		return ng(fmt.Sprintf("%s is not a JSON object, so it has no key %s", what, quoteList(keys)),
			"store the value as a JSON object, or drop the JSON key from valueFrom")
	}
	var missing []string
	for _, k := range keys {
		if _, ok := doc[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		present := make([]string, 0, len(doc))
		for k := range doc {
			present = append(present, k)
		}
		slices.Sort(present)
		return ng(fmt.Sprintf("%s has no JSON key %s", what, quoteList(missing)),
			fmt.Sprintf("add the key to the secret, or fix the key in valueFrom (keys present: %s)", strings.Join(present, ", ")))
	}
	return ok()
}

// secretValue reads a secret's string once per run (shared by the secret checks
// and the registry credentials).
func (v *Verifier) secretValue(ctx context.Context, ref secretRef) (string, error) {
	return once(&v.memo, "sm:value:"+ref.region+"|"+ref.id+"|"+ref.stage+"|"+ref.version, func() (string, error) {
		in := &secretsmanager.GetSecretValueInput{SecretId: aws.String(ref.id)}
		if ref.stage != "" {
			in.VersionStage = aws.String(ref.stage)
		}
		if ref.version != "" {
			in.VersionId = aws.String(ref.version)
		}
		out, err := v.deps.SecretsManager(ref.region).GetSecretValue(ctx, in)
		if err != nil {
			return "", err
		}
		return aws.ToString(out.SecretString), nil
	})
}

// smDescribe checks existence and versions without reading the value.
func (v *Verifier) smDescribe(ctx context.Context, ref secretRef, what string, keys []string) outcome {
	out, err := once(&v.memo, "sm:describe:"+ref.region+"|"+ref.id, func() (*secretsmanager.DescribeSecretOutput, error) {
		return v.deps.SecretsManager(ref.region).DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(ref.id)})
	})
	var nf *smtypes.ResourceNotFoundException
	switch {
	case errors.As(err, &nf):
		return ng(fmt.Sprintf("secret %q not found", ref.id), "create the secret, or fix valueFrom")
	case err != nil:
		return failed(fmt.Errorf("describe secret %q: %w", ref.id, err), "doppio needs secretsmanager:DescribeSecret on the secret")
	}
	if ref.version != "" {
		if _, ok := out.VersionIdsToStages[ref.version]; !ok {
			return ng(what+" not found", "fix the version id in valueFrom, or leave it empty for the current version")
		}
	}
	if ref.stage != "" {
		found := false
		for _, stages := range out.VersionIdsToStages {
			found = found || slices.Contains(stages, ref.stage)
		}
		if !found {
			return ng(what+" not found", "fix the version stage in valueFrom (AWSCURRENT, AWSPREVIOUS or a custom label)")
		}
	}
	if len(keys) > 0 {
		return okNote(fmt.Sprintf("exists; JSON key %s not checked (--no-get-secrets)", quoteList(keys)))
	}
	return ok()
}
