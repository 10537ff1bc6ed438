package e2e

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
	"slices"
	"strings"
	"testing"
)

// sandboxPlugin is a stand-in session-manager-plugin (the test binary run as
// "doppio-sandbox-plugin"): it appends its arguments to $PLUGIN_RECORD, one per line
// and a line "--" after each run, and plays the container's side of an ECS Exec
// session: it asks the sandbox what the session runs (GET /_sandbox/sessions) and
// runs that command as the SSM agent in a container does (split into words, no
// shell) in $PLUGIN_ROOT with $CONTAINER_PATH as its PATH, through what a terminal
// does to output (\n becomes \r\n, stderr joins stdout), between the banner lines
// the real plugin prints. Like the real plugin it exits 0 whatever the command's exit status.
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
	// The SSM agent in a container splits the command as a shell would split words
	// (no shell runs it: google/shlex, then exec) and runs it on a pty.
	argv := splitWords(s.Command)
	path := os.Getenv("CONTAINER_PATH")
	if path == "" {
		path = os.Getenv("PATH")
	}
	if bin := lookPath(argv[0], path); bin == "" {
		fmt.Fprintf(tty, "exec: %q: executable file not found in $PATH\n", argv[0])
	} else {
		cmd := exec.Command(bin, argv[1:]...)
		cmd.Env = []string{"PATH=" + path}
		cmd.Dir, cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Getenv("PLUGIN_ROOT"), os.Stdin, tty, tty
		_ = cmd.Run()
	}
	fmt.Fprintf(tty, "\n\nExiting session with sessionId: %s.\n\n", id)
	return 0
}

// splitWords splits s into words like google/shlex (what the SSM agent uses):
// blanks separate words, '...' is literal, "..." and a bare backslash escape the
// next character, and an unquoted # at the start of a word begins a comment.
func splitWords(s string) []string {
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words, inWord = append(words, w.String()), false
				w.Reset()
			}
		case c == '#' && !inWord:
			return words
		case c == '\'':
			inWord = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				j = len(s) - i - 1
			}
			w.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case c == '"':
			inWord = true
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				w.WriteByte(s[i])
			}
		case c == '\\' && i+1 < len(s):
			inWord = true
			i++
			w.WriteByte(s[i])
		default:
			inWord = true
			w.WriteByte(c)
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	if len(words) == 0 {
		words = []string{""}
	}
	return words
}

// lookPath finds name in path (a PATH value), or "".
func lookPath(name, path string) string {
	if strings.Contains(name, "/") {
		return name
	}
	for _, dir := range filepath.SplitList(path) {
		f := filepath.Join(dir, name)
		if fi, err := os.Stat(f); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return f
		}
	}
	return ""
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

func TestSplitWordsLikeShlex(t *testing.T) {
	for in, want := range map[string][]string{
		`sh -c 'a "b" $1' doppio-cp '/tmp/x y'`: {"sh", "-c", `a "b" $1`, "doppio-cp", "/tmp/x y"},
		`echo "a \"b\"" c\ d`:                   {"echo", `a "b"`, "c d"},
		`ls /; rm -rf`:                          {"ls", "/;", "rm", "-rf"},
		`cat x # comment`:                       {"cat", "x"},
		`a#b`:                                   {"a#b"},
	} {
		if got := splitWords(in); !slices.Equal(got, want) {
			t.Errorf("splitWords(%q) = %q, want %q", in, got, want)
		}
	}
}
