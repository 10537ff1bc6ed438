package task

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseCopy(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, src, dst string
		id             string
		want           Copy
		err            string
	}{
		{name: "upload", src: "a.txt", dst: "0123:/tmp/b.txt", id: "0123", want: Copy{Upload: true, Local: filepath.Join(dir, "a.txt"), Remote: "/tmp/b.txt"}},
		{name: "upload into a directory", src: "a.txt", dst: "0123:/tmp/", id: "0123", want: Copy{Upload: true, Local: filepath.Join(dir, "a.txt"), Remote: "/tmp/a.txt"}},
		{name: "pick the task", src: "a.txt", dst: "_:/tmp/a", want: Copy{Upload: true, Local: filepath.Join(dir, "a.txt"), Remote: "/tmp/a"}},
		{name: "download", src: "0123:/var/log/app.log", dst: "x.log", id: "0123", want: Copy{Local: filepath.Join(dir, "x.log"), Remote: "/var/log/app.log"}},
		{name: "download into a directory", src: "0123:/var/log/app.log", dst: "out", id: "0123", want: Copy{Local: filepath.Join(dir, "out", "app.log"), Remote: "/var/log/app.log"}},
		{name: "download into a missing directory", src: "0123:/var/log/app.log", dst: "new/", err: "new is not a directory on this machine"},
		{name: "download under a missing directory", src: "0123:/var/log/app.log", dst: "new/x.log", err: "new is not a directory on this machine"},
		{name: "task ARN", src: "arn:aws:ecs:us-east-1:123456789012:task/prod/0123:/tmp/a:b", dst: "x", id: "0123", want: Copy{Local: filepath.Join(dir, "x"), Remote: "/tmp/a:b"}},
		{name: "a colon after a slash is local", src: "./x:y", dst: "./z", err: "no operand is in a task"},
		{name: "both remote", src: "1:/a", dst: "2:/b", err: "both operands are in a task"},
		{name: "missing local", src: "nope", dst: "1:/b", err: "no such file"},
		{name: "directory upload", src: "out", dst: "1:/b", err: "not a regular file"},
		{name: "quote", src: "a.txt", dst: "1:/it's", err: "quote"},
		{name: "no remote path", src: "1:", dst: "x", err: "a file path is missing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			id, got, err := ParseCopy(c.src, c.dst, dir)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if id != c.id {
				t.Errorf("id %q, want %q", id, c.id)
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Error(d)
			}
		})
	}
}

func TestParseForward(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Forward
		err  bool
	}{
		{in: "15432:db.internal:5432", want: Forward{LocalPort: 15432, Host: "db.internal", Port: 5432}},
		{in: "8080::80", want: Forward{LocalPort: 8080, Port: 80}},
		{in: "::80", want: Forward{Port: 80}},
		{in: "8080:80", err: true},
		{in: "a:b:80", err: true},
		{in: "1:b:c", err: true},
		{in: "1:h:2:3", err: true},
	} {
		got, err := ParseForward(c.in)
		if (err != nil) != c.err {
			t.Errorf("%s: err %v", c.in, err)
			continue
		}
		if d := cmp.Diff(c.want, got); !c.err && d != "" {
			t.Errorf("%s: %s", c.in, d)
		}
	}
}
