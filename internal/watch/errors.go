package watch

import (
	"errors"
	"net"

	"github.com/aws/smithy-go"
)

// throttled reports whether err is an API throttling error. The SDK's retryer has
// already retried the call; we slow the poll down on top of that.
func throttled(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded":
		return true
	}
	return false
}

// transient reports whether err is a server-side or network failure worth another
// poll: 5xx replies, and connections that failed or dropped.
func transient(err error) bool {
	var hs interface{ HTTPStatusCode() int }
	if errors.As(err, &hs) && hs.HTTPStatusCode() >= 500 {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}
