package task

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/doppio-ecs/doppio/internal/diag"
)

// Copying a file through ECS Exec. ECS Exec has no file transfer of its own and
// session-manager-plugin does not report the remote command's exit status, so each
// transfer is a shell command in the container whose output is framed by marker
// lines that doppio checks:
//
//   - download: one session runs `base64 FILE` between a begin and an end line
//     that carries the file's size; doppio decodes and checks the size.
//   - upload: the file goes in base64 chunks of CopyChunk bytes, one session each
//     (the command line is the only channel that is not a terminal), appended to
//     a temporary file that the last session renames over the destination, printing
//     the final size.
//
// The container needs sh, base64, wc and mv (busybox has them). Only single regular
// files are copied; an upload is at most MaxUpload bytes.

const (
	// CopyChunk is how many bytes of an upload one ExecuteCommand session carries
	// (about 43 KB of base64 on the command line, well under Linux's 128 KiB limit
	// for one argument).
	CopyChunk = 32 << 10
	// MaxUpload bounds an upload (128 sessions).
	MaxUpload = 4 << 20
	// maxDownload bounds what a download buffers.
	maxDownload = 256 << 20
)

// Copy is one file copy between this machine and a container.
type Copy struct {
	// Upload is true for local → container.
	Upload bool
	Local  string
	Remote string
	// Progress, when not nil, is told the bytes sent so far after each upload
	// session.
	Progress func(sent, total int)
}

// ParseCopy reads the two operands of `exec cp`: exactly one of them is remote,
// written TASK_ID:/path (TASK_ID "_" or empty: pick the task). It returns the task
// id ("" to pick) and the copy. A local path is relative to dir; a destination
// ending in "/" (or a local directory) gets the source's name.
func ParseCopy(src, dst, dir string) (string, Copy, error) {
	sid, spath, sremote := remote(src)
	did, dpath, dremote := remote(dst)
	var c Copy
	var id string
	switch {
	case sremote && dremote:
		return "", c, diag.Invalid(fmt.Errorf("exec cp %s %s: both operands are in a task", src, dst), "copy to or from this machine: one operand is a local path")
	case !sremote && !dremote:
		return "", c, diag.Invalid(fmt.Errorf("exec cp %s %s: no operand is in a task", src, dst), "write the task side as TASK_ID:/path (or _:/path to pick the task)")
	case dremote:
		if !filepath.IsAbs(src) {
			src = filepath.Join(dir, src)
		}
		id, c = did, Copy{Upload: true, Local: src, Remote: dpath}
		if strings.HasSuffix(c.Remote, "/") {
			c.Remote += filepath.Base(src)
		}
	default:
		id, c = sid, Copy{Local: dst, Remote: spath}
		if !filepath.IsAbs(c.Local) {
			c.Local = filepath.Join(dir, c.Local)
		}
		if strings.HasSuffix(dst, "/") || isDir(c.Local) {
			c.Local = filepath.Join(c.Local, path.Base(spath))
		}
	}
	if id == "_" {
		id = ""
	}
	if c.Local == "" || c.Remote == "" || strings.HasSuffix(c.Remote, "/") {
		return "", c, diag.Invalid(fmt.Errorf("exec cp %s %s: a file path is missing", src, dst), "e.g. doppio exec cp ./dump.sql TASK_ID:/tmp/dump.sql")
	}
	if c.Upload {
		if err := checkUpload(c.Local); err != nil {
			return "", c, err
		}
	} else if dir := filepath.Dir(c.Local); !isDir(dir) {
		return "", c, diag.Invalid(fmt.Errorf("exec cp: %s is not a directory on this machine", dir), "create it first, or copy to an existing directory")
	}
	if strings.ContainsAny(c.Remote, "'\n\r\x00") {
		return "", c, diag.Invalid(fmt.Errorf("exec cp: the path in the task %q has a quote or a control character", c.Remote), "rename the file in the container first ('doppio exec run --command \"mv ...\"')")
	}
	return id, c, nil
}

// remote splits TASK_ID:PATH (or TASK_ARN:PATH); a colon after a slash belongs to
// a local path.
func remote(s string) (id, p string, ok bool) {
	if strings.HasPrefix(s, "arn:") {
		// arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/ID — the resource has no colon.
		if i := strings.IndexByte(s, '/'); i >= 0 {
			if j := strings.IndexByte(s[i:], ':'); j >= 0 {
				return ID(s[:i+j]), s[i+j+1:], true
			}
		}
	}
	id, p, ok = strings.Cut(s, ":")
	if !ok || strings.ContainsAny(id, `/\`) {
		return "", s, false
	}
	return id, p, true
}

// checkUpload refuses what exec cp cannot upload: a missing file, a directory, a
// file over MaxUpload.
func checkUpload(local string) error {
	fi, err := os.Stat(local)
	switch {
	case err != nil:
		return diag.Invalid(fmt.Errorf("exec cp: %w", err), "")
	case !fi.Mode().IsRegular():
		return diag.Invalid(fmt.Errorf("exec cp: %s is not a regular file", local), "exec cp copies one file; for a directory, copy a tar archive of it")
	case fi.Size() > MaxUpload:
		return diag.Invalid(fmt.Errorf("exec cp: %s has %d bytes; exec cp uploads at most %d (4 MiB)", local, fi.Size(), MaxUpload), "copy large files through object storage (S3)")
	}
	return nil
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// quote single-quotes s for the container's shell; ParseCopy refused quotes in
// paths and base64 has none.
func quote(s string) string { return "'" + s + "'" }

// Marker lines framing a transfer's output; base64 never contains '-' or spaces.
const (
	cpBegin = "doppio-cp-begin"
	cpEnd   = "doppio-cp-end"
	cpOK    = "doppio-cp-ok"
	cpError = "doppio-cp-error:"
)

// CopyFile copies c through ECS Exec sessions in o's task and container and
// returns the number of bytes copied.
func CopyFile(ctx context.Context, d Deps, p Plugin, o ExecOptions, c Copy) (int64, error) {
	bin, err := p.Path()
	if err != nil {
		return 0, err
	}
	where := ID(aws.ToString(o.Task.TaskArn)) + ":" + c.Remote
	if c.Upload {
		n, err := upload(ctx, d, p, bin, o, c)
		if err != nil {
			return 0, fmt.Errorf("copy %s to %s: %w", c.Local, where, err)
		}
		return n, nil
	}
	n, err := download(ctx, d, p, bin, o, c)
	if err != nil {
		return 0, fmt.Errorf("copy %s to %s: %w", where, c.Local, err)
	}
	return n, nil
}

// session runs command in the container and returns its output as lines, with the
// terminal's carriage returns removed.
func session(ctx context.Context, d Deps, p Plugin, bin string, o ExecOptions, command string) ([]string, error) {
	o.Command = command
	args, err := startExec(ctx, d, o)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	p.Stdin, p.Stdout = strings.NewReader(""), &out
	if err := p.run(ctx, bin, args); err != nil {
		return nil, err
	}
	if out.Len() > maxDownload*4/3+(1<<20) {
		return nil, diag.Invalid(errors.New("the file is larger than 256 MiB"), "copy large files through object storage (S3)")
	}
	return strings.Split(strings.ReplaceAll(out.String(), "\r", ""), "\n"), nil
}

// failed explains output that lacks the markers: the container's own error line
// when it printed one, else its last lines.
func failed(lines []string) error {
	for _, l := range lines {
		if msg, ok := strings.CutPrefix(l, cpError); ok {
			return diag.WithHint(errors.New(strings.TrimSpace(msg)), "")
		}
	}
	var tail []string
	for _, l := range lines {
		// Skip blank lines and the plugin's own banners around the session.
		if strings.TrimSpace(l) != "" && !strings.HasPrefix(l, "Starting session with SessionId") && !strings.HasPrefix(l, "Exiting session with sessionId") {
			tail = append(tail, l)
		}
	}
	if len(tail) > 5 {
		tail = tail[len(tail)-5:]
	}
	return diag.WithHint(fmt.Errorf("the container did not complete the transfer; its output: %q", strings.Join(tail, " | ")),
		"exec cp needs sh, base64, wc and mv in the container (busybox has them)")
}

const downloadScript = `f="$1"; if [ ! -f "$f" ]; then echo "` + cpError + ` $f is not a regular file in the container"; exit 1; fi; ` +
	`echo ` + cpBegin + `; base64 "$f" && echo "` + cpEnd + ` $(wc -c < "$f")"`

func download(ctx context.Context, d Deps, p Plugin, bin string, o ExecOptions, c Copy) (int64, error) {
	lines, err := session(ctx, d, p, bin, o, "sh -c "+quote(downloadScript)+" doppio-cp "+quote(c.Remote))
	if err != nil {
		return 0, err
	}
	begin, end, size := -1, -1, int64(-1)
	for i, l := range lines {
		if l == cpBegin && begin < 0 {
			begin = i
		}
		if rest, ok := strings.CutPrefix(l, cpEnd+" "); ok && begin >= 0 {
			end = i
			size, err = strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
			if err != nil {
				size = -1
			}
			break
		}
	}
	if begin < 0 || end < 0 || size < 0 {
		return 0, failed(lines)
	}
	data, err := base64.StdEncoding.DecodeString(strings.Join(lines[begin+1:end], ""))
	if err != nil {
		return 0, fmt.Errorf("decode what the container sent: %w", err)
	}
	if int64(len(data)) != size {
		return 0, fmt.Errorf("received %d bytes but the file has %d", len(data), size)
	}
	tmp, err := os.CreateTemp(filepath.Dir(c.Local), ".doppio-cp-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), c.Local); err != nil {
		return 0, err
	}
	return size, nil
}

func upload(ctx context.Context, d Deps, p Plugin, bin string, o ExecOptions, c Copy) (int64, error) {
	if err := checkUpload(c.Local); err != nil {
		return 0, err
	}
	data, err := os.ReadFile(c.Local)
	if err != nil {
		return 0, diag.Invalid(err, "")
	}
	if len(data) > MaxUpload {
		return 0, diag.Invalid(fmt.Errorf("%s has grown to %d bytes; exec cp uploads at most %d (4 MiB)", c.Local, len(data), MaxUpload), "")
	}
	if err := execReady(o.Task, o.Express); err != nil {
		return 0, err
	}
	tmp := c.Remote + ".doppio-cp"
	for off := 0; off == 0 || off < len(data); off += CopyChunk {
		chunk := data[off:min(off+CopyChunk, len(data))]
		redirect := ">>"
		if off == 0 {
			redirect = ">"
		}
		script := `printf %s "$2" | base64 -d ` + redirect + ` "$1" && echo ` + cpOK
		lines, err := session(ctx, d, p, bin, o, "sh -c "+quote(script)+" doppio-cp "+quote(tmp)+" "+quote(base64.StdEncoding.EncodeToString(chunk)))
		if err != nil {
			return 0, err
		}
		if !hasLine(lines, cpOK) {
			return 0, failed(lines)
		}
		if c.Progress != nil {
			c.Progress(off+len(chunk), len(data))
		}
	}
	script := `mv -f "$1" "$2" && echo "` + cpOK + ` $(wc -c < "$2")"`
	lines, err := session(ctx, d, p, bin, o, "sh -c "+quote(script)+" doppio-cp "+quote(tmp)+" "+quote(c.Remote))
	if err != nil {
		return 0, err
	}
	for _, l := range lines {
		if rest, ok := strings.CutPrefix(l, cpOK+" "); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
			if err == nil && n == int64(len(data)) {
				return n, nil
			}
			return 0, fmt.Errorf("the file in the container has %s bytes, want %d", strings.TrimSpace(rest), len(data))
		}
	}
	return 0, failed(lines)
}

func hasLine(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}
