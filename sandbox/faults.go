package sandbox

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// FaultRule injects failures into the calls it matches. Rates are probabilities in
// [0,1], drawn from the account's seeded RNG so runs are reproducible.
type FaultRule struct {
	// Operation is "ecs:DescribeServices", a bare "DescribeServices" (any service),
	// "ecs:*" (every operation of a service) or "*" (every call).
	Operation string `json:"operation"`
	// Throttle is the rate of throttling errors (JSON: 400 ThrottlingException;
	// query: Throttling; EC2: RequestLimitExceeded; S3: 503 SlowDown).
	Throttle float64 `json:"throttle,omitempty"`
	// Error is the rate of server errors with HTTP Status (500 or 503, default 500).
	Error  float64 `json:"error,omitempty"`
	Status int     `json:"status,omitempty"`
	// Drop is the rate of connections closed without a response.
	Drop float64 `json:"drop,omitempty"`
	// Latency is added (real time) before the call is answered, at LatencyRate
	// (default 1 when Latency is set).
	Latency     Duration `json:"latency,omitempty"`
	LatencyRate float64  `json:"latencyRate,omitempty"`
	// Panic is the rate of calls whose handling panics inside the sandbox (a test
	// hook: the caller must still get the protocol's InternalFailure naming the
	// operation, errguard.go).
	Panic float64 `json:"panic,omitempty"`
	// Times caps how many failures this rule injects (0: unlimited).
	Times int `json:"times,omitempty"`
}

// Faults is the fault configuration of one account.
type Faults struct {
	// Seed seeds the RNG that draws the rates (0 means the server's seed).
	Seed  uint64      `json:"seed,omitempty"`
	Rules []FaultRule `json:"rules"`
}

// Duration is a time.Duration that reads and writes JSON as a Go duration string
// ("250ms") or a number of seconds.
type Duration time.Duration

// MarshalJSON writes the duration as a string such as "1.5s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON accepts "1.5s" or 1.5 (seconds).
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return err
		}
		*d = Duration(v)
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("duration must be a string like \"2s\" or a number of seconds")
	}
	*d = Duration(f * float64(time.Second))
	return nil
}

type faultKind int

const (
	faultNone faultKind = iota
	faultThrottle
	faultError
	faultDrop
	faultPanic
)

type faultState struct {
	cfg  Faults
	used []int
	rng  *rand.Rand
}

func newFaultState(f Faults, defaultSeed uint64) *faultState {
	seed := f.Seed
	if seed == 0 {
		seed = defaultSeed
	}
	return &faultState{cfg: f, used: make([]int, len(f.Rules)), rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (r FaultRule) matches(c call) bool {
	op := r.Operation
	switch {
	case op == "" || op == "*":
		return true
	case strings.HasSuffix(op, ":*"):
		return strings.TrimSuffix(op, ":*") == c.Service
	case strings.Contains(op, ":"):
		return op == c.Key()
	default:
		return op == c.Operation
	}
}

// decide draws the fault for one call. The caller holds the account lock.
func (f *faultState) decide(c call) (faultKind, int, time.Duration) {
	if f == nil {
		return faultNone, 0, 0
	}
	var latency time.Duration
	for i, r := range f.cfg.Rules {
		if !r.matches(c) {
			continue
		}
		if r.Latency > 0 {
			rate := r.LatencyRate
			if rate == 0 {
				rate = 1
			}
			if f.rng.Float64() < rate {
				latency += time.Duration(r.Latency)
			}
		}
		if r.Times > 0 && f.used[i] >= r.Times {
			continue
		}
		x := f.rng.Float64()
		kind := faultNone
		switch {
		case x < r.Throttle:
			kind = faultThrottle
		case x < r.Throttle+r.Error:
			kind = faultError
		case x < r.Throttle+r.Error+r.Drop:
			kind = faultDrop
		case x < r.Throttle+r.Error+r.Drop+r.Panic:
			kind = faultPanic
		}
		if kind != faultNone {
			f.used[i]++
			status := r.Status
			if status == 0 {
				status = http.StatusInternalServerError
			}
			return kind, status, latency
		}
	}
	return faultNone, 0, latency
}

// writeFault answers with the protocol's real error shape (see the "Error responses"
// pages of each service's API reference and aws-sdk-go-v2's retryable codes).
func writeFault(w http.ResponseWriter, c call, kind faultKind, status int) {
	switch kind {
	case faultDrop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		// Not hijackable (HTTP/2): fall back to a bare 502.
		w.WriteHeader(http.StatusBadGateway)
	case faultThrottle:
		switch c.Protocol {
		case protoJSON:
			writeJSONError(w, http.StatusBadRequest, "ThrottlingException", "Rate exceeded")
		case protoEC2:
			writeXML(w, http.StatusServiceUnavailable, ec2Error("RequestLimitExceeded", "Request limit exceeded."))
		case protoREST:
			writeXML(w, http.StatusServiceUnavailable, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>sandbox</RequestId></Error>`)
		default:
			writeXML(w, http.StatusBadRequest, queryError("Sender", "Throttling", "Rate exceeded"))
		}
	case faultError:
		code, msg := "InternalFailure", "The request processing has failed because of an unknown error, exception or failure."
		if status == http.StatusServiceUnavailable {
			code, msg = "ServiceUnavailable", "Service is unavailable, please try again later."
		}
		switch c.Protocol {
		case protoJSON:
			writeJSONError(w, status, code, msg)
		case protoEC2:
			writeXML(w, status, ec2Error(code, msg))
		case protoREST:
			writeXML(w, status, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>`+code+`</Code><Message>`+msg+`</Message><RequestId>sandbox</RequestId></Error>`)
		default:
			writeXML(w, status, queryError("Receiver", code, msg))
		}
	}
}

func queryError(typ, code, msg string) string {
	return `<ErrorResponse><Error><Type>` + typ + `</Type><Code>` + code + `</Code><Message>` + msg +
		`</Message></Error><RequestId>00000000-0000-4000-8000-000000000000</RequestId></ErrorResponse>`
}

func ec2Error(code, msg string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>` + code + `</Code><Message>` + msg +
		`</Message></Error></Errors><RequestID>00000000-0000-4000-8000-000000000000</RequestID></Response>`
}

func writeXML(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// writeJSONError writes an AWS JSON 1.1 error: the type in __type and in
// X-Amzn-ErrorType, as AWS services send it.
func writeJSONError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.Header().Set("X-Amzn-RequestId", "00000000-0000-4000-8000-000000000000")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]string{"__type": typ, "message": msg})
	_, _ = w.Write(b)
}
