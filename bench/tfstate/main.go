// Command tfstate measures rendering a task definition with about 200 tfstate
// lookups against a large state, the performance target (< 0.15 s wall,
// < 100 MB peak RSS for a 50 MB state). It prints the wall time of the whole
// process and its peak RSS next to the target.
//
//	go run ./bench/tfstate -state big.tfstate
//
// bench/tfstate.sh generates the state, builds, and runs this.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/doppio-ecs/doppio/bench/internal/tfbench"
	"github.com/doppio-ecs/doppio/internal/plugin/tfstate"
	"github.com/doppio-ecs/doppio/internal/render"
)

func main() {
	start := time.Now()
	state := flag.String("state", "big.tfstate", "Terraform state to read")
	n := flag.Int("n", 200, "number of tfstate lookups in the template")
	generate := flag.Float64("generate", 0, "write a synthetic state of this many MB to -state (Go port of gen_tfstate.py's shape) and exit")
	flag.Parse()
	if *generate > 0 {
		if err := writeState(*state, *generate); err != nil {
			fmt.Fprintln(os.Stderr, "tfstate bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*state, *n, start); err != nil {
		fmt.Fprintln(os.Stderr, "tfstate bench:", err)
		os.Exit(1)
	}
}

func writeState(path string, mb float64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := tfbench.WriteState(f, mb); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func run(state string, n int, start time.Time) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "doppio-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	td := filepath.Join(dir, "ecs-task-def.json")
	if err := os.WriteFile(td, tfbench.Template(n), 0o644); err != nil {
		return err
	}
	abs, err := filepath.Abs(state)
	if err != nil {
		return err
	}
	st, err := tfstate.Open(tfstate.Config{Path: abs}, tfstate.Deps{})
	if err != nil {
		return err
	}
	r, err := render.New(ctx, render.Options{Functions: tfstate.Functions(st, "")})
	if err != nil {
		return err
	}
	out, err := r.RenderFile(ctx, td)
	if err != nil {
		return err
	}
	wall := time.Since(start)
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return err
	}
	rssMB := float64(ru.Maxrss) / 1024 // Linux reports KiB
	fmt.Printf("state            %s (%.1f MB)\n", state, float64(fi.Size())/1e6)
	fmt.Printf("lookups          %d (rendered %d bytes, %d state passes)\n", n, len(out), st.Passes())
	fmt.Printf("%-16s %-12s %-12s %s\n", "", "doppio", "target", "ecspresso v2")
	fmt.Printf("%-16s %-12s %-12s %s\n", "wall time", fmt.Sprintf("%.3f s", wall.Seconds()), "< 0.150 s", "~1.0 s")
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	fmt.Printf("%-16s %-12s %-12s %s\n", "cpu (user+sys)", fmt.Sprintf("%.3f s", cpu.Seconds()), "", "(less sensitive to machine load)")
	fmt.Printf("%-16s %-12s %-12s %s\n", "peak RSS", fmt.Sprintf("%.1f MB", rssMB), "< 100 MB", "~230 MB")
	if wall > 150*time.Millisecond || rssMB > 100 {
		fmt.Println("result           MISSED the target")
	} else {
		fmt.Println("result           within the target")
	}
	return nil
}
