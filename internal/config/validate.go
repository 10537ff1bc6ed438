package config

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// Config values are checked here, one rule per key, before anything calls AWS. Each
// error names the file, the key's line and the key, and says what is allowed.

// regionPattern is the shape of AWS region names (partition prefix, optional
// government/isolated marker, geography, number): us-east-1, us-gov-west-1,
// cn-north-1, eu-central-2, us-isob-east-1, eusc-de-east-1. See
// https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
var regionPattern = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+){1,3}-[0-9]{1,2}$`)

// clusterARN matches arn:PARTITION:ecs:REGION:ACCOUNT:cluster/NAME.
var clusterARN = regexp.MustCompile(`^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/(.+)$`)

// ValidRegion explains why s is not an AWS region name, or returns nil.
func ValidRegion(s string) error {
	if regionPattern.MatchString(s) {
		return nil
	}
	return fmt.Errorf("%q is not an AWS region name; allowed: a region such as us-east-1 or eu-west-1", s)
}

type configRule struct {
	key   string
	check func(c *Config, src []byte) error
}

var roleARN = regexp.MustCompile(`^arn:[a-z-]+:iam::[0-9]{12}:role/.+$`)

func configRules() []configRule {
	return []configRule{
		{"doppio", func(c *Config, _ []byte) error {
			if c.Doppio == nil {
				return nil
			}
			// IAM ARNs: arn:partition:iam::account-id:role/role-name-with-path.
			if r := c.Doppio.AssumeRoleARN; r != "" && !roleARN.MatchString(r) {
				return fmt.Errorf("assume_role_arn %q is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", r)
			}
			for _, u := range c.Doppio.Notify {
				if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
					return fmt.Errorf("notify %q is not an http(s) URL", u)
				}
			}
			return nil
		}},
		{"region", func(c *Config, _ []byte) error {
			if c.Region == "" || c.regionFromEnv {
				return nil
			}
			return ValidRegion(c.Region)
		}},
		{"cluster", func(c *Config, _ []byte) error {
			// CreateCluster clusterName: "Up to 255 letters ..., numbers, underscores,
			// and hyphens"; an ARN is accepted wherever a cluster is named.
			name := c.Cluster
			if m := clusterARN.FindStringSubmatch(name); m != nil {
				name = m[1]
			}
			if err := ecsdef.ValidName(name); err != nil {
				return fmt.Errorf("cluster name %v (or a cluster ARN)", err)
			}
			return nil
		}},
		{"service", func(c *Config, _ []byte) error {
			if c.Service == "" {
				return nil
			}
			if err := ecsdef.ValidName(c.Service); err != nil {
				return fmt.Errorf("service name %v", err)
			}
			return nil
		}},
		{"timeout", func(c *Config, _ []byte) error {
			if c.Timeout != nil && c.Timeout.Duration <= 0 {
				return errors.New("0 would end every command at once; allowed: a positive duration such as \"10m\" (or leave it unset for 10m)")
			}
			return nil
		}},
		{"appspec", func(c *Config, _ []byte) error {
			if c.AppSpec == nil {
				return nil
			}
			if _, ok := c.AppSpec.(map[string]any); !ok {
				return fmt.Errorf("expected an object (a CodeDeploy AppSpec with version, Resources, Hooks), got %s", jsonType(c.AppSpec))
			}
			return nil
		}},
	}
}

// CheckDefinitionFile checks that the definition file the key (task_definition or
// service_definition) names exists and is a file, naming the key when not. It is
// called by the verbs that read the file, not by Load: verbs that do not need a
// definition (status, delete) work without one, as in ecspresso.
func (c *Config) CheckDefinitionFile(key string) error {
	if err := checkFile(c.DefinitionPath(key)); err != nil {
		src, _ := os.ReadFile(c.Path)
		return &diag.Error{File: c.Path, Line: lineOfKey(src, key), Field: key, Err: err, Code: diag.ExitUsage,
			Hint: "fix the path in the config; relative paths are resolved against the config file's directory"}
	}
	return nil
}

// checkFile requires a definition path to name a readable regular file.
func checkFile(path string) error {
	if path == "" {
		return nil
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("file %s does not exist", path)
	case err != nil:
		return fmt.Errorf("file %s: %v", path, errors.Unwrap(err))
	case fi.IsDir():
		return fmt.Errorf("%s is a directory; name the definition file in it", path)
	}
	return nil
}

func jsonType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%T", v)
}

// validate runs every config rule and joins the failures, each located at its key.
func (c *Config) validate(src []byte) error {
	var errs []error
	for _, r := range configRules() {
		if err := r.check(c, src); err != nil {
			errs = append(errs, &diag.Error{File: c.Path, Line: lineOfKey(src, r.key), Field: r.key, Err: err, Code: diag.ExitUsage})
		}
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}

// checkRegionEnv validates a region taken from the environment, naming the variable.
func checkRegionEnv(name, value string) error {
	if err := ValidRegion(value); err != nil {
		return diag.Invalid(fmt.Errorf("%s: %w", name, err), "set region: in the config or export a valid "+name)
	}
	return nil
}
