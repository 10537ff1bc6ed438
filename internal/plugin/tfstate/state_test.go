package tfstate

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// fileOpener opens a fixture, optionally one byte per Read to exercise every
// buffer boundary of the scanner.
func fileOpener(t *testing.T, path string, oneByte bool) Opener {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return func(context.Context) (io.ReadCloser, error) {
		var r io.Reader = bytes.NewReader(b)
		if oneByte {
			r = iotest.OneByteReader(r)
		}
		return io.NopCloser(r), nil
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name, addr string
		want       string // JSON of the value
		wantErr    string
		wantHint   string
	}{
		{name: "count index", addr: "module.vpc.aws_subnet.private[1].id", want: `"subnet-b"`},
		{name: "nested attribute", addr: "module.vpc.aws_subnet.private[0].tags.Name", want: `"private-a"`},
		{name: "list attribute", addr: "module.vpc.aws_subnet.private[0].cidr[0]", want: `"10.0.0.0/24"`},
		{name: "escaped string", addr: "module.vpc.aws_subnet.private[0].policy", want: `"{\"Statement\":[{\"Effect\":\"Allow\"}]}\\"`},
		{name: "number", addr: "module.vpc.aws_subnet.private[1].port", want: `443`},
		{name: "whole count resource", addr: "module.vpc.aws_subnet.private", want: `[{"cidr":["10.0.0.0/24"],"id":"subnet-a","policy":"{\"Statement\":[{\"Effect\":\"Allow\"}]}\\","tags":{"Name":"private-a"}},{"cidr":["10.0.1.0/24"],"id":"subnet-b","port":443,"tags":{"Name":"private-b"}}]`},
		{name: "for_each double quotes", addr: `aws_security_group.app["web"].id`, want: `"sg-web"`},
		{name: "for_each single quotes", addr: `aws_security_group.app['api'].id`, want: `"sg-api"`},
		{name: "for_each deep", addr: `aws_security_group.app["web"].ingress[0].from_port`, want: `80`},
		{name: "whole for_each resource", addr: `aws_security_group.app`, want: `{"api":{"id":"sg-api","ingress":[]},"web":{"id":"sg-web","ingress":[{"from_port":80}]}}`},
		{name: "data source", addr: "data.aws_caller_identity.current.account_id", want: `"123456789012"`},
		{name: "nested modules with key", addr: `module.svc['svc-1'].module.inner.aws_iam_role.task.arn`, want: `"arn:aws:iam::123456789012:role/svc-1-task"`},
		{name: "bool", addr: `module.svc["svc-1"].module.inner.aws_iam_role.task.enabled`, want: `true`},
		{name: "null", addr: `module.svc["svc-1"].module.inner.aws_iam_role.task.nothing`, want: `null`},
		{name: "output", addr: "output.vpc_id", want: `"vpc-0abc"`},
		{name: "remote state output", addr: "data.terraform_remote_state.network.outputs.vpc_id", want: `"vpc-remote"`},
		{name: "remote state output index", addr: "data.terraform_remote_state.network.outputs.subnets[1]", want: `"subnet-r2"`},
		{name: "remote state nested output", addr: "data.terraform_remote_state.network.outputs.db.port", want: `5432`},
		{name: "remote state hyphenated output", addr: "data.terraform_remote_state.network.outputs.repository-uri", want: `"123456789012.dkr.ecr.us-east-1.amazonaws.com/app"`},
		{name: "remote state outputs object", addr: "data.terraform_remote_state.network.outputs", want: `{"db":{"host":"db.internal","port":5432},"repository-uri":"123456789012.dkr.ecr.us-east-1.amazonaws.com/app","subnets":["subnet-r1","subnet-r2"],"vpc_id":"vpc-remote"}`},
		{name: "remote state config", addr: "data.terraform_remote_state.network.config.bucket", want: `"tf"`},
		{name: "remote state plain attribute", addr: "data.terraform_remote_state.network.backend", want: `"s3"`},
		{name: "remote state in a module", addr: "module.app.data.terraform_remote_state.shared.outputs.bucket", want: `"assets"`},
		{name: "remote state missing output", addr: "data.terraform_remote_state.network.outputs.vpc",
			wantErr:  `tfstate: data.terraform_remote_state.network.outputs.vpc: no attribute "vpc"`,
			wantHint: "attributes here: db, repository-uri, subnets, vpc_id"},
		{name: "output list index", addr: "output.subnet_ids[1]", want: `"subnet-b"`},
		{name: "missing resource", addr: "module.vpc.aws_subnet.privat[0].id",
			wantErr:  `tfstate: "module.vpc.aws_subnet.privat" (looking up "module.vpc.aws_subnet.privat[0].id") not found in terraform.tfstate`,
			wantHint: `did you mean "module.vpc.aws_subnet.private"?`},
		{name: "missing output", addr: "output.vpc",
			wantErr:  `tfstate: "output.vpc" not found in terraform.tfstate`,
			wantHint: `did you mean "output.vpc_id"?`},
		{name: "missing instance", addr: "module.vpc.aws_subnet.private[5].id",
			wantErr:  `tfstate: module.vpc.aws_subnet.private[5].id: no instance [5] of module.vpc.aws_subnet.private`,
			wantHint: `existing instances: [0], [1]`},
		{name: "missing attribute", addr: "module.vpc.aws_subnet.private[0].tag.Name",
			wantErr:  `tfstate: module.vpc.aws_subnet.private[0].tag.Name: no attribute "tag"`,
			wantHint: `did you mean "tags"?`},
		{name: "index on single instance", addr: "data.aws_caller_identity.current[0].id",
			wantErr:  `tfstate: data.aws_caller_identity.current[0].id: data.aws_caller_identity.current has no count or for_each, so it takes no index`,
			wantHint: `use data.aws_caller_identity.current.id`},
		{name: "no instances", addr: "module.lb.aws_lb.main.arn",
			wantErr: `tfstate: module.lb.aws_lb.main.arn: module.lb.aws_lb.main has no instances`, wantHint: "run terraform apply, or check the workspace"},
		{name: "bad address", addr: "aws_subnet",
			wantErr: `invalid address "aws_subnet": want TYPE.NAME after the module path, e.g. aws_subnet.private[0].id`, wantHint: "addresses look like module.vpc.aws_subnet.private[0].id or output.vpc_id"},
	}
	for _, oneByte := range []bool{false, true} {
		st := NewState("terraform.tfstate", fileOpener(t, "testdata/terraform.tfstate", oneByte))
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				v, err := st.Lookup(context.Background(), tt.addr)
				if tt.wantErr != "" {
					if err == nil {
						t.Fatalf("got %v, want error %q", v, tt.wantErr)
					}
					if diff := cmp.Diff(tt.wantErr, err.Error()); diff != "" {
						t.Errorf("error (-want +got):\n%s", diff)
					}
					if diff := cmp.Diff(tt.wantHint, diag.Hint(err)); diff != "" {
						t.Errorf("hint (-want +got):\n%s", diff)
					}
					if diag.ExitCode(err) != diag.ExitUsage {
						t.Errorf("exit code %d", diag.ExitCode(err))
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				got, _ := json.Marshal(v)
				if diff := cmp.Diff(tt.want, string(got)); diff != "" {
					t.Errorf("value (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestPrefetchReadsOnce(t *testing.T) {
	ctx := context.Background()
	st := NewState("terraform.tfstate", fileOpener(t, "testdata/terraform.tfstate", false))
	addrs := []string{"module.vpc.aws_subnet.private[0].id", `aws_security_group.app["web"].id`, "output.vpc_id", "aws_nope.x.id"}
	if err := st.Prefetch(ctx, addrs); err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs[:3] {
		if _, err := st.Lookup(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Lookup(ctx, "aws_nope.x.id"); err == nil {
		t.Fatal("want a missing-address error")
	}
	if got := st.Passes(); got != 1 {
		t.Errorf("prefetched lookups read the state %d times, want 1", got)
	}
	// An unforeseen lookup after the prefetch indexes the whole state once.
	for _, a := range []string{"data.aws_caller_identity.current.id", "module.lb.aws_lb.main", `module.svc["svc-1"].module.inner.aws_iam_role.task.arn`, "module.vpc.aws_subnet.private[1].id"} {
		_, _ = st.Lookup(ctx, a)
	}
	if got := st.Passes(); got != 2 {
		t.Errorf("state read %d times, want 2", got)
	}
	// Without a prefetch, the first lookup reads only what it needs.
	lazy := NewState("terraform.tfstate", fileOpener(t, "testdata/terraform.tfstate", false))
	if _, err := lazy.Lookup(ctx, "output.vpc_id"); err != nil {
		t.Fatal(err)
	}
	if _, err := lazy.Lookup(ctx, "data.aws_caller_identity.current.id"); err != nil {
		t.Fatal(err)
	}
	if got, full := lazy.Passes(), lazy.full; got != 2 || !full {
		t.Errorf("lazy state: %d passes (full %v), want 2 and a full index", got, full)
	}
}

func TestScanErrors(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"truncated", `{"version":4,"resources":[{"mode":"managed","instances":[{"a":"b`, "unexpected end of input"},
		{"not an object", `[1,2]`, `expected '{'`},
		{"garbage", `{"version":4,"resources":[{"mode" "x"}]}`, `expected ':'`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scan(strings.NewReader(tt.in), nil, false)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestAddresses(t *testing.T) {
	for _, tt := range []struct{ in, resource, label string }{
		{`module.a.module.b["k"].aws_x.y[2].z`, `module.a.module.b["k"].aws_x.y`, `module.a.module.b["k"].aws_x.y[2]`},
		{`module.a[0].data.aws_x.y`, `module.a[0].data.aws_x.y`, `module.a[0].data.aws_x.y`},
		{`aws_x.y['a.b'].z`, `aws_x.y`, `aws_x.y["a.b"]`},
	} {
		a, err := parseAddress(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if a.resource != tt.resource || a.label() != tt.label {
			t.Errorf("%s: resource %q label %q", tt.in, a.resource, a.label())
		}
	}
}

func TestSeekableSourceIndexesPositionsOnce(t *testing.T) {
	ctx := context.Background()
	st := NewState("terraform.tfstate", func(context.Context) (io.ReadCloser, error) {
		return os.Open("testdata/terraform.tfstate")
	})
	for _, a := range []string{"data.aws_caller_identity.current.id", "module.vpc.aws_subnet.private[1].tags.Name", `aws_security_group.app["api"].id`} {
		if _, err := st.Lookup(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Lookup(ctx, "aws_nope.x"); err == nil {
		t.Fatal("want a missing-address error")
	}
	if got := st.Passes(); got != 1 || !st.full {
		t.Errorf("%d passes (full %v), want one full pass", got, st.full)
	}
	for addr, r := range st.loaded {
		if r.Instances != nil {
			t.Errorf("%s: full index of a seekable source kept %d bytes", addr, len(r.Instances))
		}
	}
}

// fakeS3 serves objects keyed "bucket/key".
type fakeS3 struct{ objects map[string][]byte }

func (f *fakeS3) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	b, ok := f.objects[*in.Bucket+"/"+*in.Key]
	if !ok {
		return nil, &s3types.NoSuchKey{}
	}
	return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(b))}, nil
}
