package sandbox

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// roleARNRe is an IAM role ARN: arn:partition:iam::account:role/path/name.
var roleARNRe = regexp.MustCompile(`^arn:aws[a-z-]*:iam::([0-9]{12}):role/(?:[\w+=,.@-]+/)*([\w+=,.@-]{1,64})$`)

// sessionNameRe is RoleSessionName's pattern (STS API Reference, AssumeRole:
// "[\w+=,.@-]*", 2 to 64 characters).
var sessionNameRe = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

// assumeRole answers sts:AssumeRole with credentials of the role's account: their
// access key is AKID<account>, so every call made with them lands in that sandbox
// account, as calls with assumed-role credentials act in the role's account ("AWS STS
// AssumeRole": "returns a set of temporary security credentials that you can use to
// access AWS resources", in the account that owns the role). Trust policies are not
// evaluated: any caller may assume any well-formed role.
func (s *Server) assumeRole(w http.ResponseWriter, body []byte) bool {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		writeXML(w, http.StatusBadRequest, queryError("Sender", "ValidationError", "malformed request body"))
		return true
	}
	role, session := form.Get("RoleArn"), form.Get("RoleSessionName")
	m := roleARNRe.FindStringSubmatch(role)
	switch {
	case m == nil:
		writeXML(w, http.StatusBadRequest, queryError("Sender", "ValidationError",
			fmt.Sprintf("1 validation error detected: Value '%s' at 'roleArn' failed to satisfy constraint: Member must be a valid IAM role ARN", xmlEscape(role))))
		return true
	case !sessionNameRe.MatchString(session):
		writeXML(w, http.StatusBadRequest, queryError("Sender", "ValidationError",
			fmt.Sprintf("1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", xmlEscape(session))))
		return true
	}
	// DurationSeconds: 900 s to the role's maximum (1 h by default); default 1 h.
	dur := time.Hour
	if v := form.Get("DurationSeconds"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 900 || n > 43200 {
			writeXML(w, http.StatusBadRequest, queryError("Sender", "ValidationError", "DurationSeconds must be between 900 and 43200"))
			return true
		}
		dur = time.Duration(n) * time.Second
	}
	account, name := m[1], m[2]
	// The SDK compares the expiry with the wall clock, not the sandbox's simulated one.
	exp := time.Now().Add(dur).UTC().Format(time.RFC3339)
	writeXML(w, http.StatusOK, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>`+
		`<Credentials><AccessKeyId>`+AccessKeyForAccount(account)+`</AccessKeyId><SecretAccessKey>`+SecretAccessKey+`</SecretAccessKey>`+
		`<SessionToken>sandbox-session-`+account+`-`+xmlEscape(session)+`</SessionToken><Expiration>`+exp+`</Expiration></Credentials>`+
		`<AssumedRoleUser><AssumedRoleId>AROASANDBOX`+account+`:`+xmlEscape(session)+`</AssumedRoleId>`+
		`<Arn>arn:aws:sts::`+account+`:assumed-role/`+xmlEscape(name)+`/`+xmlEscape(session)+`</Arn></AssumedRoleUser>`+
		`</AssumeRoleResult><ResponseMetadata><RequestId>00000000-0000-4000-8000-000000000000</RequestId></ResponseMetadata></AssumeRoleResponse>`)
	return true
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
