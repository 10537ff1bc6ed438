package awsclient

import (
	"strings"
	"testing"
)

func TestCheckRoleARN(t *testing.T) {
	tests := []struct{ in, want string }{
		{"arn:aws:iam::123456789012:role/deploy", ""},
		{"arn:aws-cn:iam::123456789012:role/path/to/deploy", ""},
		{"arn:aws-us-gov:iam::123456789012:role/ci+deploy@x.y", ""},
		{"notanarn", `"notanarn" is not an ARN`},
		{"", `"" is not an ARN`},
		{"arn:aws:sts::123456789012:assumed-role/deploy/session", `an ARN of the service "sts", not iam`},
		{"arn:aws:iam::123456789012:user/bob", `names "user/bob", not a role`},
		{"arn:aws:iam::123456789012:role/", `names "role/", not a role`},
		{"arn:aws:iam::123456789012:role/has space", `not a role`},
		{"arn:aws:iam::acct:role/deploy", `has the account "acct"`},
		{"arn:foo:iam::123456789012:role/deploy", `"foo" is not an AWS partition`},
	}
	for _, tt := range tests {
		err := CheckRoleARN(tt.in)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckRoleARN(%q) = %v, want nil", tt.in, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckRoleARN(%q) = %v, want an error containing %q", tt.in, err, tt.want)
		}
	}
}
