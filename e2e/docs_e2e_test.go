package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/doppio-ecs/doppio/internal/scripttest"
	"github.com/doppio-ecs/doppio/sandbox"
	"github.com/doppio-ecs/doppio/scripts/quickstart"
	"github.com/rogpeppe/go-internal/testscript"
	"github.com/rogpeppe/go-internal/txtar"
)

// docsNotRun lists the docs pages whose doppio examples the docs test does not run
// yet, and why (page name: reason). Every other page's examples run; a page that
// shows a doppio command outside a console block, or has console blocks but no
// prelude, fails the test. Today every page runs: install.md its offline part
// (completion scripts, version), since installing a release, Homebrew and go install
// @latest need the network and are shown in sh blocks without a doppio command.
var docsNotRun = map[string]string{}

// TestDocs runs the examples of the user guide (docs/*.md) against the sandbox, so
// that they cannot rot: every ```console block of a page becomes a testscript after
// the page's prelude, docs/examples/PAGE.txtar (its comment holds commands run
// first, its files are written to the script's directory). Each "$ doppio ..." line
// must exit 0, or the code its "# exit N" comment names; "$ export K=V", "$ cd DIR"
// and "$ mkdir DIR" do what a shell does; lines starting "$ make" or "$ eval" are the
// set-up the prelude stands for. Lines without "$ " are sample output, not compared.
// A fenced block whose first line is "# PATH" or "// PATH" naming a prelude file
// must show that file as it is. docs/dev/docs-tests.md explains the design.
func TestDocs(t *testing.T) {
	t.Parallel()
	root := ".."
	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no docs pages: %v", err)
	}
	scripts := t.TempDir()
	for _, page := range pages {
		name := filepath.Base(page)
		md, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		blocks := fencedBlocks(string(md))
		var console []string
		for _, b := range blocks {
			switch b.lang {
			case "console":
				console = append(console, b.lines...)
			default:
				for _, l := range b.lines {
					if strings.HasPrefix(strings.TrimSpace(l), "doppio ") && docsNotRun[name] == "" {
						t.Errorf("docs/%s:%d: %q is an example outside a ```console block, so no test runs it", name, b.line, l)
					}
				}
			}
		}
		if len(console) == 0 {
			continue
		}
		if reason := docsNotRun[name]; reason != "" {
			t.Errorf("docs/%s has console blocks but is listed as not run (%s)", name, reason)
			continue
		}
		preludePath := filepath.Join(root, "docs", "examples", strings.TrimSuffix(name, ".md")+".txtar")
		prelude, err := txtar.ParseFile(preludePath)
		if err != nil {
			t.Errorf("docs/%s has console blocks but no prelude: %v", name, err)
			continue
		}
		for _, b := range blocks {
			checkShownFile(t, name, b, prelude)
		}
		body, err := consoleScript(console)
		if err != nil {
			t.Errorf("docs/%s: %v", name, err)
			continue
		}
		// A new slice: Comment shares its array with the files' data.
		prelude.Comment = slices.Concat(prelude.Comment, []byte("\n# the examples of docs/"+name+"\n"+body))
		if err := os.WriteFile(filepath.Join(scripts, strings.TrimSuffix(name, ".md")+".txtar"), txtar.Format(prelude), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if t.Failed() {
		return
	}
	examples, err := filepath.Abs(filepath.Join(root, "examples"))
	if err != nil {
		t.Fatal(err)
	}
	sb := sandbox.Start(t)
	hooks := &webhooks{}
	t.Cleanup(func() { hooks.check(t) }) // after the scripts, which run in parallel subtests
	testscript.Run(t, testscript.Params{
		Dir: scripts,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":      scripttest.Exits,
			"sandbox":    func(ts *testscript.TestScript, neg bool, args []string) { cmdSandbox(ts, sb, args) },
			"quickstart": func(ts *testscript.TestScript, neg bool, args []string) { cmdQuickstart(ts, examples) },
			"codedeploy": cmdCodeDeploy,
			"role":       cmdRole,
			"account":    func(ts *testscript.TestScript, neg bool, args []string) { cmdAccount(ts, sb, args) },
			"webhook":    hooks.cmd,
		},
		Setup: func(e *testscript.Env) error {
			e.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			e.Setenv("AWS_CONFIG_FILE", e.WorkDir+"/.aws-config-none")
			e.Setenv("AWS_SHARED_CREDENTIALS_FILE", e.WorkDir+"/.aws-credentials-none")
			return nil
		},
	})
}

// cmdQuickstart does in the script's sandbox account what `make sandbox` does: it
// prepares the account for examples/quickstart (scripts/quickstart), sets the
// variables the quickstart's templates read, and copies the project to
// examples/quickstart under the script's directory.
func cmdQuickstart(ts *testscript.TestScript, examples string) {
	cfg := aws.Config{
		Region: ts.Getenv("AWS_REGION"), BaseEndpoint: aws.String(ts.Getenv("AWS_ENDPOINT_URL")),
		Credentials: credentials.NewStaticCredentialsProvider(ts.Getenv("AWS_ACCESS_KEY_ID"), ts.Getenv("AWS_SECRET_ACCESS_KEY"), ""),
	}
	if cfg.Region == "" {
		ts.Fatalf("quickstart: run 'sandbox' first")
	}
	vars, err := quickstart.Prepare(context.Background(), cfg)
	ts.Check(err)
	for k, v := range vars {
		ts.Setenv(k, v)
	}
	src := filepath.Join(examples, "quickstart")
	dst := ts.MkAbs(filepath.Join("examples", "quickstart"))
	ts.Check(os.MkdirAll(dst, 0o755))
	entries, err := os.ReadDir(src)
	ts.Check(err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		ts.Check(err)
		ts.Check(os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644))
	}
}

// cmdCodeDeploy creates what Terraform would own for a CODE_DEPLOY service in the
// script's account: `codedeploy CLUSTER SERVICE` makes the application web-app and
// its deployment group web-dg (blue/green with traffic control between the target
// groups web-blue and web-green, automatic rollback on failure). The service itself
// need not exist yet: doppio deploy creates it.
func cmdCodeDeploy(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: codedeploy CLUSTER SERVICE")
	}
	ctx := context.Background()
	c := codedeploy.NewFromConfig(aws.Config{
		Region: ts.Getenv("AWS_REGION"), BaseEndpoint: aws.String(ts.Getenv("AWS_ENDPOINT_URL")),
		Credentials: credentials.NewStaticCredentialsProvider(ts.Getenv("AWS_ACCESS_KEY_ID"), ts.Getenv("AWS_SECRET_ACCESS_KEY"), ""),
	})
	_, err := c.CreateApplication(ctx, &codedeploy.CreateApplicationInput{ApplicationName: aws.String("web-app"), ComputePlatform: cdtypes.ComputePlatformEcs})
	ts.Check(err)
	_, err = c.CreateDeploymentGroup(ctx, &codedeploy.CreateDeploymentGroupInput{
		ApplicationName: aws.String("web-app"), DeploymentGroupName: aws.String("web-dg"),
		ServiceRoleArn:       aws.String("arn:aws:iam::123456789012:role/codedeploy"),
		DeploymentConfigName: aws.String("CodeDeployDefault.ECSAllAtOnce"),
		DeploymentStyle:      &cdtypes.DeploymentStyle{DeploymentType: cdtypes.DeploymentTypeBlueGreen, DeploymentOption: cdtypes.DeploymentOptionWithTrafficControl},
		EcsServices:          []cdtypes.ECSService{{ClusterName: aws.String(args[0]), ServiceName: aws.String(args[1])}},
		LoadBalancerInfo: &cdtypes.LoadBalancerInfo{TargetGroupPairInfoList: []cdtypes.TargetGroupPairInfo{{
			TargetGroups:     []cdtypes.TargetGroupInfo{{Name: aws.String("web-blue")}, {Name: aws.String("web-green")}},
			ProdTrafficRoute: &cdtypes.TrafficRoute{ListenerArns: []string{"arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/2"}},
		}}},
		AutoRollbackConfiguration: &cdtypes.AutoRollbackConfiguration{Enabled: true, Events: []cdtypes.AutoRollbackEvent{cdtypes.AutoRollbackEventDeploymentFailure}},
	})
	ts.Check(err)
}

// sandboxConfig is an aws.Config for the script's sandbox account.
func sandboxConfig(ts *testscript.TestScript) aws.Config {
	if ts.Getenv("AWS_REGION") == "" {
		ts.Fatalf("run 'sandbox' first")
	}
	return aws.Config{
		Region: ts.Getenv("AWS_REGION"), BaseEndpoint: aws.String(ts.Getenv("AWS_ENDPOINT_URL")),
		Credentials: credentials.NewStaticCredentialsProvider(ts.Getenv("AWS_ACCESS_KEY_ID"), ts.Getenv("AWS_SECRET_ACCESS_KEY"), ""),
	}
}

// cmdRole creates what Terraform would own: `role NAME SERVICE...` makes the IAM
// role NAME in the script's account, trusted by the services named (e.g.
// events.amazonaws.com).
func cmdRole(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: role NAME SERVICE...")
	}
	principals, err := json.Marshal(args[1:])
	ts.Check(err)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":` + string(principals) + `},"Action":"sts:AssumeRole"}]}`
	_, err = iam.NewFromConfig(sandboxConfig(ts)).CreateRole(context.Background(), &iam.CreateRoleInput{
		RoleName: aws.String(args[0]), AssumeRolePolicyDocument: aws.String(trust)})
	ts.Check(err)
}

// cmdAccount prepares a second sandbox account, as another team's Terraform would:
// `account ID [cluster NAME]...` gives account ID (12 digits, e.g. a production
// account that a role of doppio's assumes) its clusters, on a clock 40 times faster
// than real time. The script's own credentials stay those of its first account: the
// sandbox's sts:AssumeRole answers with credentials of the role's account.
func cmdAccount(ts *testscript.TestScript, sb *sandbox.Env, args []string) {
	if len(args) == 0 || len(args)%2 != 1 {
		ts.Fatalf("usage: account ID [cluster NAME]...")
	}
	id := args[0]
	sb.Server().Clock(id).SetSpeed(40)
	cfg := sandboxConfig(ts)
	cfg.Credentials = credentials.NewStaticCredentialsProvider(sandbox.AccessKeyForAccount(id), sandbox.SecretAccessKey, "")
	client := ecs.NewFromConfig(cfg)
	for i := 1; i+1 < len(args); i += 2 {
		if args[i] != "cluster" {
			ts.Fatalf("account: unknown resource %q", args[i])
		}
		_, err := client.CreateCluster(context.Background(), &ecs.CreateClusterInput{ClusterName: aws.String(args[i+1])})
		ts.Check(err)
	}
}

// webhooks are the local webhooks of the scripts, for --notify.
type webhooks struct {
	mu    sync.Mutex
	posts map[string][]map[string]any // script directory: documents posted
}

// cmd starts a webhook: `webhook VAR` sets VAR to the URL of an HTTP server that
// answers every POST of a JSON document with 200 and keeps the documents in the files
// webhook/N.json of the script's directory. Once the scripts ran, check fails the
// test when a script's webhook received no document, or one without an event.
func (h *webhooks) cmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: webhook VAR")
	}
	work := ts.Getenv("WORK")
	dir := ts.MkAbs("webhook")
	ts.Check(os.MkdirAll(dir, 0o755))
	h.mu.Lock()
	if h.posts == nil {
		h.posts = map[string][]map[string]any{}
	}
	h.posts[work] = []map[string]any{}
	h.mu.Unlock()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		var doc map[string]any
		if err != nil || r.Method != http.MethodPost || json.Unmarshal(b, &doc) != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		h.posts[work] = append(h.posts[work], doc)
		name := filepath.Join(dir, fmt.Sprintf("%d.json", len(h.posts[work])))
		h.mu.Unlock()
		if err := os.WriteFile(name, b, 0o644); err != nil {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	ts.Defer(srv.Close)
	ts.Setenv(args[0], srv.URL)
}

func (h *webhooks) check(t *testing.T) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for work, docs := range h.posts {
		if len(docs) == 0 {
			t.Errorf("%s: the script's webhook received no notification", filepath.Base(work))
		}
		for _, d := range docs {
			if ev, _ := d["event"].(string); ev == "" {
				t.Errorf("%s: a notification without an event: %v", filepath.Base(work), d)
			}
		}
	}
}

// fencedBlock is one ``` block of a Markdown page.
type fencedBlock struct {
	lang  string
	line  int // of the opening fence
	lines []string
}

func fencedBlocks(md string) []fencedBlock {
	var out []fencedBlock
	var cur *fencedBlock
	sc := bufio.NewScanner(strings.NewReader(md))
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(l, "```"):
			cur = &fencedBlock{lang: strings.TrimSpace(strings.TrimPrefix(l, "```")), line: n}
		case cur != nil && strings.HasPrefix(l, "```"):
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, l)
		}
	}
	return out
}

var (
	exitComment = regexp.MustCompile(`^#\s*exit (\d+)\b`)
	shownFile   = regexp.MustCompile(`^(?:#|//) (\S+)$`)
)

// checkShownFile fails when a block that names a prelude file in its first line
// shows something else than that file.
func checkShownFile(t *testing.T, page string, b fencedBlock, prelude *txtar.Archive) {
	t.Helper()
	if len(b.lines) == 0 {
		return
	}
	m := shownFile.FindStringSubmatch(b.lines[0])
	if m == nil {
		return
	}
	for _, f := range prelude.Files {
		if f.Name == m[1] {
			if got, want := strings.Join(b.lines[1:], "\n")+"\n", string(f.Data); got != want {
				t.Errorf("docs/%s:%d shows %s, but the prelude's file differs:\n--- page\n%s--- prelude\n%s", page, b.line, f.Name, got, want)
			}
			return
		}
	}
}

// consoleScript turns the "$ " lines of console blocks into testscript commands.
func consoleScript(lines []string) (string, error) {
	var b strings.Builder
	for _, l := range lines {
		cmd, ok := strings.CutPrefix(l, "$ ")
		if !ok {
			continue // sample output
		}
		want := ""
		if i := commentStart(cmd); i >= 0 {
			if m := exitComment.FindStringSubmatch(strings.TrimSpace(cmd[i:])); m != nil {
				want = m[1]
			}
			cmd = strings.TrimSpace(cmd[:i])
		}
		if first, _, _ := strings.Cut(cmd, " "); first == "make" || first == "eval" {
			continue // the set-up the prelude stands for: the sandbox and its exports
		}
		parts := strings.Split(cmd, " && ")
		for j, part := range parts {
			words := strings.Fields(part)
			if len(words) == 0 {
				continue
			}
			if strings.Contains(part, `"`) {
				return "", fmt.Errorf("%q: use single quotes in console examples (the docs test runs them as testscript)", l)
			}
			switch words[0] {
			case "export":
				fmt.Fprintf(&b, "env %s\n", strings.Join(words[1:], " "))
			case "cd", "mkdir":
				fmt.Fprintln(&b, part)
			case "doppio":
				out := ""
				if k := strings.Index(part, " > "); k >= 0 {
					part, out = part[:k], strings.TrimSpace(part[k+3:])
				}
				code := "0"
				if j == len(parts)-1 && want != "" {
					code = want
				}
				fmt.Fprintf(&b, "exits %s %s\n", code, part)
				if out != "" {
					fmt.Fprintf(&b, "cp stdout %s\n", out)
				}
			default:
				return "", fmt.Errorf("%q: the docs test runs doppio, export, cd and mkdir; not %s", l, words[0])
			}
		}
	}
	return b.String(), nil
}

// commentStart is the index of a shell comment (" #" outside single quotes), or -1.
func commentStart(s string) int {
	quoted := false
	for i, r := range s {
		switch {
		case r == '\'':
			quoted = !quoted
		case r == '#' && !quoted && i > 0 && s[i-1] == ' ':
			return i
		}
	}
	return -1
}
