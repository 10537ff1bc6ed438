// Package moto starts and stops a local moto_server (the pre-installed moto 5.2.1),
// the source of truth for the sandbox's AWS state.
package moto

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// ErrMissing is returned when moto_server is not on PATH. It is never a reason to
// skip: callers fail loudly, because CI must exercise the AWS flows.
var ErrMissing = errors.New("moto_server not found on PATH: the sandbox needs moto 5.2.1 " +
	"with its [server] extras (pre-installed on the project machine image; in a PyPI-capable " +
	"environment: python3 -m venv .venv && .venv/bin/pip install 'moto[server]==5.2.1')")

// Server is a running moto_server process.
type Server struct {
	// URL is the base endpoint, e.g. http://127.0.0.1:40123.
	URL  string
	Port int
	cmd  *exec.Cmd
	done chan struct{}
}

// Options tune Start.
type Options struct {
	// Log receives moto's request log and tracebacks; nil discards them.
	Log *os.File
	// Env is added to the server's environment (e.g. MOTO_ECS_SERVICE_RUNNING).
	Env []string
	// ReadyTimeout bounds the wait for the first successful reset (default 30s).
	ReadyTimeout time.Duration
}

// Start launches moto_server on a free 127.0.0.1 port and waits until it answers.
// The process is tied to the caller's lifetime (it receives SIGTERM if the parent
// dies), and Stop ends it.
func Start(ctx context.Context, opts Options) (*Server, error) {
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, ErrMissing
	}
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("find a free port for moto: %w", err)
	}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Env = append(os.Environ(), opts.Env...)
	if opts.Log != nil {
		cmd.Stdout, cmd.Stderr = opts.Log, opts.Log
	}
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start moto_server: %w", err)
	}
	s := &Server{URL: fmt.Sprintf("http://127.0.0.1:%d", port), Port: port, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()

	timeout := opts.ReadyTimeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	if err := s.waitReady(ctx, timeout); err != nil {
		_ = s.Stop()
		return nil, err
	}
	return s, nil
}

// waitReady polls POST /moto-api/reset until it answers 200, the process exits, or
// the timeout passes. Polling uses a ticker selected against ctx, never a sleep.
func (s *Server) waitReady(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		if err := s.Reset(ctx, client); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("moto_server on port %d did not become ready within %s", s.Port, timeout)
		case <-s.done:
			return fmt.Errorf("moto_server exited during start-up (is moto 5.2.1 with [server] extras installed?)")
		case <-tick.C:
		}
	}
}

// Reset clears every moto backend in every account.
func (s *Server) Reset(ctx context.Context, client *http.Client) error {
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/moto-api/reset", nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("moto reset: HTTP %d", resp.StatusCode)
	}
	return nil
}

// Stop terminates the server and waits for it to exit.
func (s *Server) Stop() error {
	if s == nil || s.cmd.Process == nil {
		return nil
	}
	select {
	case <-s.done:
		return nil
	default:
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case <-s.done:
	case <-t.C:
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
