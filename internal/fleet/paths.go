package fleet

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// Config is one member's config file, as --config named it, and the IAM role its AWS
// calls assume ("" for the command's own credentials).
type Config struct {
	Path    string
	RoleARN string
}

// roleSep joins a --config value and the role its members assume:
// 'prod/ecspresso.yml@arn:aws:iam::111122223333:role/deploy'.
const roleSep = "@arn:"

// SplitRole splits a --config value into its path (or glob) and its role ARN.
func SplitRole(value string) (path, roleARN string) {
	if i := strings.LastIndex(value, roleSep); i >= 0 {
		return value[:i], value[i+1:]
	}
	return value, ""
}

// Expand expands --config values: each is a path or a glob pattern (relative to dir),
// optionally followed by @<role ARN>, which every config it names assumes. Paths
// matched by globs are made relative by rel and sorted; a config named twice is
// kept once (the first time). It returns nil for no values.
func Expand(dir string, values []string, rel func(string) string) ([]Config, error) {
	var out []Config
	add := func(c Config) {
		if !slices.ContainsFunc(out, func(o Config) bool { return o.Path == c.Path }) {
			out = append(out, c)
		}
	}
	for _, v := range values {
		path, role := SplitRole(v)
		if role != "" && !validRole(role) {
			return nil, diag.Invalid(fmt.Errorf("--config %q: %q is not an IAM role ARN", v, role),
				"write --config FILE@arn:aws:iam::ACCOUNT:role/NAME")
		}
		if !strings.ContainsAny(path, "*?[") {
			add(Config{Path: path, RoleARN: role})
			continue
		}
		pattern := path
		if !filepath.IsAbs(pattern) {
			pattern = filepath.Join(dir, pattern)
		}
		matches, err := filepath.Glob(pattern)
		if err != nil {
			return nil, diag.Invalid(fmt.Errorf("--config %q: %w", path, err), "use * ? and [...] as in shell globs")
		}
		if len(matches) == 0 {
			return nil, diag.Invalid(fmt.Errorf("--config %q matches no file", path), "check the pattern (quote it so the shell does not expand it)")
		}
		slices.Sort(matches)
		for _, m := range matches {
			add(Config{Path: rel(m), RoleARN: role})
		}
	}
	return out, nil
}

// validRole reports whether s looks like arn:<partition>:iam::<12 digits>:role/<name>.
func validRole(s string) bool {
	parts := strings.SplitN(s, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[2] == "iam" && len(AccountOfRole(s)) == 12 && strings.HasPrefix(parts[5], "role/") && len(parts[5]) > len("role/")
}

// AccountOfRole returns the account ID of a role ARN ("" when s is not one).
func AccountOfRole(s string) string {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ""
	}
	for _, r := range parts[4] {
		if r < '0' || r > '9' {
			return ""
		}
	}
	return parts[4]
}
