// Command quickstart-account prepares the account its AWS environment points at (the
// sandbox's, after `eval` of `make sandbox`'s exports) for examples/quickstart and
// prints the export line for the variables the quickstart's templates read:
//
//	eval "$(go run ./scripts/quickstart/cmd/quickstart-account)"
package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/doppio-ecs/doppio/scripts/quickstart"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx)
	stop()
	os.Exit(code)
}

func run(ctx context.Context) int {
	if os.Getenv("AWS_ENDPOINT_URL") == "" {
		fmt.Fprintln(os.Stderr, "quickstart-account: AWS_ENDPOINT_URL is not set; start the sandbox (make sandbox) and eval its exports first,\n"+
			"so that this does not create the quickstart's cluster, role and log group in a real account")
		return 2
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart-account:", err)
		return 1
	}
	vars, err := quickstart.Prepare(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart-account:", err)
		return 1
	}
	var line []string
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		line = append(line, k+"="+vars[k])
	}
	fmt.Println("export " + strings.Join(line, " "))
	return 0
}
