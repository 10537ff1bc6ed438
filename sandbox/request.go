package sandbox

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// DefaultAccount is the account of every access key that does not carry one.
const DefaultAccount = "123456789012"

// DefaultRegion is used when a request carries no SigV4 credential scope.
const DefaultRegion = "us-east-1"

// protocol is the wire protocol of a request, which decides the shape of errors.
type protocol int

const (
	protoJSON  protocol = iota // AWS JSON 1.0/1.1 (X-Amz-Target)
	protoQuery                 // AWS query (Action=, XML ErrorResponse)
	protoEC2                   // EC2 query (Response/Errors)
	protoREST                  // REST-XML/JSON (S3 and friends)
)

// call identifies one AWS API request.
type call struct {
	Service   string // SigV4 scope service, e.g. "ecs", "logs", "sts"
	Operation string // e.g. "DescribeServices"
	Target    string // X-Amz-Target, when present
	Region    string
	AccessKey string
	Account   string
	Protocol  protocol
}

// Key is the name calls are counted and faults matched under: "ecs:DescribeServices".
func (c call) Key() string { return c.Service + ":" + c.Operation }

var (
	credentialRe = regexp.MustCompile(`Credential=([^/,\s]+)/[0-9]{8}/([^/]+)/([^/]+)/aws4_request`)
	accountKeyRe = regexp.MustCompile(`^AKID([0-9]{12})$`)
)

// AccessKeyForAccount is the access key id that the proxy maps to account.
func AccessKeyForAccount(account string) string { return "AKID" + account }

// accountForKey derives the account from an access key id: AKID<12 digits> names its
// account, anything else is the default account.
func accountForKey(key string) string {
	if m := accountKeyRe.FindStringSubmatch(key); m != nil {
		return m[1]
	}
	return DefaultAccount
}

// identify reads service, region and account from the SigV4 credential scope (header
// or presigned query) and the operation from X-Amz-Target or the query/form Action.
func identify(r *http.Request, body []byte) call {
	c := call{Region: DefaultRegion, Account: DefaultAccount}
	scope := r.Header.Get("Authorization")
	if scope == "" {
		if v := r.URL.Query().Get("X-Amz-Credential"); v != "" {
			scope = "Credential=" + v
		}
	}
	if m := credentialRe.FindStringSubmatch(scope); m != nil {
		c.AccessKey, c.Region, c.Service = m[1], m[2], m[3]
		c.Account = accountForKey(c.AccessKey)
	}
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		c.Target = t
		c.Protocol = protoJSON
		if i := strings.LastIndexByte(t, '.'); i >= 0 {
			c.Operation = t[i+1:]
		} else {
			c.Operation = t
		}
		return c
	}
	action := r.URL.Query().Get("Action")
	if action == "" && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if v, err := url.ParseQuery(string(bytes.TrimSpace(body))); err == nil {
			action = v.Get("Action")
		}
	}
	if action != "" {
		c.Operation = action
		c.Protocol = protoQuery
		if c.Service == "ec2" {
			c.Protocol = protoEC2
		}
		return c
	}
	c.Protocol = protoREST
	c.Operation = r.Method
	if c.Service == "" {
		c.Service = "s3"
	}
	return c
}

type ctxKey struct{}

func withCall(ctx context.Context, c call) context.Context {
	return context.WithValue(ctx, ctxKey{}, c)
}

func callFrom(ctx context.Context) (call, bool) {
	c, ok := ctx.Value(ctxKey{}).(call)
	return c, ok
}
