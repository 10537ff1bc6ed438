package e2e

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/doppio-ecs/doppio/internal/task"
)

// TestExecE2ECopy copies files both ways through ECS Exec sessions on the sandbox:
// the stand-in plugin runs each session's command as the container would, through a
// terminal's \r\n, so the bytes that arrive are the ones the protocol carried.
func TestExecE2ECopy(t *testing.T) {
	e := runProject(t)
	e.write("app/ecs-service-def.json", strings.Replace(e.read("app/ecs-service-def.json"), `"desiredCount": 1,`, `"desiredCount": 1, "enableExecuteCommand": true,`, 1))
	runs := e.containerPlugin()
	arns := e.startTasks("1")
	id := arns[0][strings.LastIndexByte(arns[0], '/')+1:]
	e.sb.Clock().Advance(30e9) // RUNNING
	remote := filepath.Join(e.dir, "container")
	if err := os.MkdirAll(remote, 0o755); err != nil {
		t.Fatal(err)
	}

	// Upload a binary file larger than two chunks: three data sessions and a rename.
	data := make([]byte, 2*task.CopyChunk+1000)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(r.UintN(256))
	}
	copy(data, "line one\nline two\r\n\x00")
	e.write("app/blob.bin", string(data))
	e.sb.ResetCounts()
	_, errs := e.must(0, "app", "exec", "cp", "blob.bin", id+":"+remote+"/")
	if c := e.sb.Counts(); len(c) != 2 || c["ecs:DescribeTasks"] != 1 || c["ecs:ExecuteCommand"] != 4 {
		t.Errorf("upload of %d bytes: API calls %v, want 1 DescribeTasks and 4 ExecuteCommand", len(data), c)
	}
	got, err := os.ReadFile(filepath.Join(remote, "blob.bin"))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("uploaded file differs (%d bytes, want %d): %v\n%s", len(got), len(data), err, errs)
	}
	if rs := runs(); len(rs) != 4 {
		t.Errorf("upload sessions %d, want 4 (3 chunks and the rename)", len(rs))
	} else if !strings.Contains(rs[0][4], `"Target":"ecs:e2e_`+id+"_") {
		t.Errorf("plugin target %q", rs[0][4])
	}
	if !strings.Contains(errs, "sent 65536/66536 bytes") || !strings.Contains(errs, "copied") {
		t.Errorf("progress and result on stderr:\n%s", errs)
	}
	if _, err := os.Stat(filepath.Join(remote, "blob.bin.doppio-cp")); !os.IsNotExist(err) {
		t.Errorf("temporary file left in the container: %v", err)
	}

	// Download it back under another name, picking the task by --id and "_".
	e.sb.ResetCounts()
	_, errs = e.must(0, "app", "exec", "cp", "--no-progress", "--id", id, "_:"+remote+"/blob.bin", "back.bin")
	if c := e.sb.Counts(); len(c) != 2 || c["ecs:DescribeTasks"] != 1 || c["ecs:ExecuteCommand"] != 1 {
		t.Errorf("download of %d bytes: API calls %v, want 1 DescribeTasks and 1 ExecuteCommand", len(data), c)
	}
	if got, err := os.ReadFile(filepath.Join(e.dir, "app", "back.bin")); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("downloaded file differs (%d bytes, want %d): %v\n%s", len(got), len(data), err, errs)
	}
	if rs := runs(); len(rs) != 1 {
		t.Errorf("download sessions %d, want 1", len(rs))
	}
	// Into a directory: the file keeps its name. An empty file copies too.
	e.write("app/empty", "")
	e.must(0, "app", "exec", "cp", "empty", id+":"+remote+"/empty")
	if fi, err := os.Stat(filepath.Join(remote, "empty")); err != nil || fi.Size() != 0 {
		t.Errorf("empty upload: %v", err)
	}
	if err := os.MkdirAll(filepath.Join(e.dir, "app", "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	e.must(0, "app", "exec", "cp", id+":"+remote+"/blob.bin", "out")
	if got, _ := os.ReadFile(filepath.Join(e.dir, "app", "out", "blob.bin")); !bytes.Equal(got, data) {
		t.Errorf("download into a directory: %d bytes", len(got))
	}

	// A missing file in the container is an error naming it, and writes nothing.
	code, _, errs := e.run("app", "", "exec", "cp", id+":"+remote+"/nope", "nope")
	if code != 1 || !strings.Contains(errs, "nope is not a regular file in the container") {
		t.Errorf("missing remote file: exit %d\n%s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "app", "nope")); !os.IsNotExist(err) {
		t.Errorf("a failed download left a file: %v", err)
	}
	// A container with sh but no base64: say what it needs, show what it printed.
	shOnly := filepath.Join(e.dir, "sh-only")
	if err := os.MkdirAll(shOnly, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/bin/sh", filepath.Join(shOnly, "sh")); err != nil {
		t.Fatal(err)
	}
	e.setenv("CONTAINER_PATH", shOnly)
	code, _, errs = e.run("app", "", "exec", "cp", id+":"+remote+"/blob.bin", "x.bin")
	if code != 1 || !strings.Contains(errs, "needs sh, base64, wc and mv") || // dash and bash word it differently
		!strings.Contains(errs, `its output: "doppio-cp-begin | doppio-cp: `) || !strings.Contains(errs, "base64: ") || !strings.Contains(errs, "not found") {
		t.Errorf("no base64 in the container: exit %d\n%s", code, errs)
	}
	code, _, errs = e.run("app", "", "exec", "cp", "blob.bin", id+":"+remote+"/again.bin")
	if code != 1 || !strings.Contains(errs, "needs sh, base64, wc and mv") {
		t.Errorf("upload without base64 in the container: exit %d\n%s", code, errs)
	}
}
