package watch

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// throttled reports whether err is an API throttling error, by the SDK's own list of
// throttling codes (retry.DefaultThrottles). The SDK's retryer has already retried
// the call; we slow the poll down on top of that.
func throttled(err error) bool {
	return retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary
}

// transient reports whether err is worth another poll by the SDK's own rules
// (retry.DefaultRetryables): 5xx replies, connections that failed or dropped,
// request timeouts. A cancelled context is not.
func transient(err error) bool {
	return retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err) == aws.TrueTernary
}
