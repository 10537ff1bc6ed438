package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// sandboxPlugin is a stand-in session-manager-plugin (the test binary run as
// "doppio-sandbox-plugin"): it appends its arguments to $PLUGIN_RECORD, one per line
// and a line "--" after each run, and plays the container's side of an ECS Exec
// session: it asks the sandbox what the session runs (GET /_sandbox/sessions) and
// runs that command with sh in $PLUGIN_ROOT, through what a terminal does to output
// (\n becomes \r\n, stderr joins stdout), between the banner lines the real plugin
// prints. Like the real plugin it exits 0 whatever the command's exit status.
func sandboxPlugin() int {
	args := os.Args[1:]
	if rec := os.Getenv("PLUGIN_RECORD"); rec != "" {
		f, err := os.OpenFile(rec, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Fprintf(f, "%s\n--\n", strings.Join(args, "\n"))
		f.Close()
	}
	if len(args) != 6 {
		fmt.Fprintf(os.Stderr, "want 6 arguments, got %d\n", len(args))
		return 1
	}
	var sess map[string]string
	if err := json.Unmarshal([]byte(args[0]), &sess); err != nil {
		fmt.Fprintln(os.Stderr, "session:", err)
		return 1
	}
	id := sess["sessionId"] + sess["SessionId"]
	account := strings.TrimPrefix(os.Getenv("AWS_ACCESS_KEY_ID"), "AKID")
	resp, err := http.Get(args[5] + "/_sandbox/sessions?account=" + url.QueryEscape(account))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer resp.Body.Close()
	var sessions map[string]struct{ Command string }
	if err := json.NewDecoder(resp.Body).Decode(&sessions); err != nil {
		fmt.Fprintln(os.Stderr, "sessions:", err)
		return 1
	}
	s, ok := sessions[id]
	if !ok { // port forwarding: nothing runs in the container
		return 0
	}
	tty := &crlf{w: os.Stdout}
	fmt.Fprintf(tty, "\nStarting session with SessionId: %s\n", id)
	cmd := exec.Command("/bin/sh", "-c", s.Command)
	cmd.Dir, cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Getenv("PLUGIN_ROOT"), os.Stdin, tty, tty
	_ = cmd.Run()
	fmt.Fprintf(tty, "\n\nExiting session with sessionId: %s.\n\n", id)
	return 0
}

// crlf is a terminal's output processing (ONLCR).
type crlf struct{ w io.Writer }

func (c *crlf) Write(p []byte) (int, error) {
	if _, err := c.w.Write(bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n"))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// containerPlugin puts the sandbox plugin on doppio's PATH as session-manager-plugin,
// with the directory standing for the container's filesystem; it returns a reader of
// the recorded runs (each the plugin's arguments).
func (e *e2e) containerPlugin() func() [][]string {
	e.t.Helper()
	stub, err := exec.LookPath("doppio-sandbox-plugin")
	if err != nil {
		e.t.Fatal(err)
	}
	bin := filepath.Join(e.dir, "bin")
	record := filepath.Join(e.dir, "plugin-runs")
	e.write("bin/session-manager-plugin", "#!/bin/sh\nexec '"+stub+"' \"$@\"\n")
	if err := os.Chmod(filepath.Join(bin, "session-manager-plugin"), 0o755); err != nil {
		e.t.Fatal(err)
	}
	e.setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	e.setenv("PLUGIN_RECORD", record)
	e.setenv("PLUGIN_ROOT", e.dir)
	return func() [][]string {
		b, err := os.ReadFile(record)
		if err != nil {
			return nil
		}
		var runs [][]string
		for _, r := range strings.Split(strings.TrimSuffix(string(b), "\n--\n"), "\n--\n") {
			runs = append(runs, strings.Split(r, "\n"))
		}
		os.Remove(record)
		return runs
	}
}
