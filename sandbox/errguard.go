package sandbox

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
)

// Internal errors of the sandbox always reach the caller as the AWS error of the
// request's protocol, naming the operation and the cause — never an HTML page, an
// empty 500 or a dropped connection from a Go panic. An SDK decodes an HTML body as a
// serialization error ("invalid character '<'"), which hides what went wrong.
//
// Shapes ("Error responses" of each protocol): AWS JSON 1.0/1.1 and REST-JSON send
// {"__type": code, "message": ...} with X-Amzn-ErrorType; the query protocol (ELBv2,
// IAM, STS, CloudFormation…) an <ErrorResponse><Error><Type>Receiver</Type>; EC2
// <Response><Errors><Error>; S3 <Error><Code>.

// writeInternal answers c with an InternalFailure whose message is
// "<Operation>: <cause>".
func writeInternal(w http.ResponseWriter, c call, cause string) {
	h := w.Header()
	for _, k := range []string{"Content-Length", "Content-Encoding", "Transfer-Encoding", "Etag", "Last-Modified"} {
		h.Del(k)
	}
	op := c.Operation
	if op == "" {
		op = "request"
	}
	msg := op + ": " + cause
	esc := func(s string) string {
		var b bytes.Buffer
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	switch {
	case c.Protocol == protoJSON:
		writeJSONError(w, http.StatusInternalServerError, "InternalFailure", msg)
	case c.Protocol == protoEC2:
		writeXML(w, http.StatusInternalServerError, ec2Error("InternalError", esc(msg)))
	case c.Protocol == protoQuery:
		writeXML(w, http.StatusInternalServerError, queryError("Receiver", "InternalFailure", esc(msg)))
	case c.Service == "s3":
		writeXML(w, http.StatusInternalServerError, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>`+
			esc(msg)+`</Message><RequestId>00000000-0000-4000-8000-000000000000</RequestId></Error>`)
	default: // REST-JSON services
		writeJSONError(w, http.StatusInternalServerError, "InternalFailure", msg)
	}
}

// guard buffers error replies (status 400 and up) so that an HTML page — moto's
// Werkzeug error page when one of its handlers raises — or an empty 5xx is turned into
// the protocol's InternalFailure before it leaves the sandbox. Successful replies
// stream through untouched.
type guard struct {
	w       http.ResponseWriter
	c       call
	status  int  // 0 until WriteHeader
	passing bool // header sent to w: the body streams through
	buf     bytes.Buffer
	hijack  bool
}

func (g *guard) Header() http.Header { return g.w.Header() }

func (g *guard) WriteHeader(status int) {
	if g.status != 0 {
		return
	}
	g.status = status
	if status < http.StatusBadRequest {
		g.passing = true
		g.w.WriteHeader(status)
	}
}

func (g *guard) Write(b []byte) (int, error) {
	if g.status == 0 {
		g.WriteHeader(http.StatusOK)
	}
	if g.passing {
		return g.w.Write(b)
	}
	return g.buf.Write(b)
}

// Flush lets the reverse proxy stream successful replies.
func (g *guard) Flush() {
	if f, ok := g.w.(http.Flusher); ok && g.passing {
		f.Flush()
	}
}

// Hijack lets a dropped-connection fault close the connection.
func (g *guard) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := g.w.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("sandbox: connection cannot be hijacked")
	}
	g.hijack = true
	return hj.Hijack()
}

// finish writes the buffered error reply, rewritten when it is not an AWS error.
func (g *guard) finish() {
	if g.passing || g.hijack {
		return
	}
	if g.status == 0 {
		// Nothing written at all: the handler gave up without a reply.
		writeInternal(g.w, g.c, "the sandbox produced no reply")
		return
	}
	body := g.buf.Bytes()
	if cause, bad := notAWSError(g.status, g.w.Header().Get("Content-Type"), body); bad {
		writeInternal(g.w, g.c, cause)
		return
	}
	g.w.WriteHeader(g.status)
	_, _ = g.w.Write(body)
}

// recovered turns a panic of a handler into the protocol's InternalFailure (when no
// reply has started yet).
func (g *guard) recovered(v any) {
	if v == http.ErrAbortHandler {
		panic(v)
	}
	if g.passing || g.hijack {
		return
	}
	g.buf.Reset()
	writeInternal(g.w, g.c, fmt.Sprintf("sandbox internal error: panic: %v", v))
	g.passing = true
}

// notAWSError reports whether an error reply is something an SDK cannot read as an
// AWS error (an HTML page, or an empty 5xx), with a cause for the message.
func notAWSError(status int, contentType string, body []byte) (string, bool) {
	trimmed := bytes.TrimSpace(body)
	lower := strings.ToLower(string(trimmed[:min(len(trimmed), 512)]))
	html := strings.Contains(strings.ToLower(contentType), "text/html") ||
		strings.HasPrefix(lower, "<!doctype html") || strings.HasPrefix(lower, "<html")
	switch {
	case html:
		return fmt.Sprintf("the sandbox's backend (moto_server) failed with HTTP %d: %s", status, htmlText(string(trimmed))), true
	case len(trimmed) == 0 && status >= http.StatusInternalServerError:
		return fmt.Sprintf("the sandbox's backend failed with HTTP %d and no body", status), true
	}
	return "", false
}

// htmlText extracts the readable text of an error page (Werkzeug's title and
// paragraph), shortened.
func htmlText(page string) string {
	var b strings.Builder
	in := false
	for _, r := range page {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
			b.WriteByte(' ')
		case !in:
			b.WriteRune(r)
		}
	}
	text := strings.Join(strings.Fields(b.String()), " ")
	if len(text) > 300 {
		text = text[:300] + "…"
	}
	if text == "" {
		text = "an HTML error page"
	}
	return text
}
