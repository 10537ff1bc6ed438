package ecsdef

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/google/go-cmp/cmp"
)

func decodeTD(t *testing.T, s string) *ecs.RegisterTaskDefinitionInput {
	t.Helper()
	td, err := decodeTaskDefinition("td.json", []byte(s), false)
	if err != nil {
		t.Fatal(err)
	}
	return td
}

func decodeSD(t *testing.T, s string) *ecs.CreateServiceInput {
	t.Helper()
	sd, err := decodeServiceDefinition("sd.json", []byte(s), nil)
	if err != nil {
		t.Fatal(err)
	}
	return sd
}

func TestTaskDefinitionNormalisation(t *testing.T) {
	tests := []struct {
		name      string
		live      string
		local     string
		wantEqual bool
	}{
		{
			name:      "essential, protocol and awsvpc hostPort defaults",
			live:      `{"networkMode":"awsvpc","containerDefinitions":[{"name":"a","essential":true,"portMappings":[{"containerPort":80,"hostPort":80,"protocol":"tcp"}]}]}`,
			local:     `{"networkMode":"awsvpc","containerDefinitions":[{"name":"a","portMappings":[{"containerPort":80}]}]}`,
			wantEqual: true,
		},
		{
			name:      "bridge hostPort 0 is dynamic like unset",
			live:      `{"networkMode":"bridge","containerDefinitions":[{"name":"a","portMappings":[{"containerPort":80,"hostPort":0,"protocol":"tcp"}]}]}`,
			local:     `{"containerDefinitions":[{"name":"a","portMappings":[{"containerPort":80}]}]}`,
			wantEqual: true,
		},
		{
			name:  "bridge hostPort is not filled from containerPort",
			live:  `{"networkMode":"bridge","containerDefinitions":[{"name":"a","portMappings":[{"containerPort":80,"hostPort":80}]}]}`,
			local: `{"networkMode":"bridge","containerDefinitions":[{"name":"a","portMappings":[{"containerPort":80}]}]}`,
		},
		{
			name:      "cpu and memory unit forms",
			live:      `{"cpu":"1024","memory":"2048","containerDefinitions":[{"name":"a"}]}`,
			local:     `{"cpu":"1 vCPU","memory":"2 GB","containerDefinitions":[{"name":"a"}]}`,
			wantEqual: true,
		},
		{
			name:      "fractional vcpu and numeric cpu",
			live:      `{"cpu":"512","memory":"512"}`,
			local:     `{"cpu":"0.5 vcpu","memory":512}`,
			wantEqual: true,
		},
		{
			name:      "environment, secrets, tags and requiresCompatibilities are sets",
			live:      `{"requiresCompatibilities":["FARGATE","EC2"],"tags":[{"key":"b","value":"2"},{"key":"a","value":"1"}],"containerDefinitions":[{"name":"a","environment":[{"name":"Y","value":"2"},{"name":"X","value":"1"}],"secrets":[{"name":"S2","valueFrom":"b"},{"name":"S1","valueFrom":"a"}]}]}`,
			local:     `{"requiresCompatibilities":["EC2","FARGATE"],"tags":[{"key":"a","value":"1"},{"key":"b","value":"2"}],"containerDefinitions":[{"name":"a","environment":[{"name":"X","value":"1"},{"name":"Y","value":"2"}],"secrets":[{"name":"S1","valueFrom":"a"},{"name":"S2","valueFrom":"b"}]}]}`,
			wantEqual: true,
		},
		{
			name:  "environmentFiles order matters",
			live:  `{"containerDefinitions":[{"name":"a","environmentFiles":[{"type":"s3","value":"arn:aws:s3:::b/1.env"},{"type":"s3","value":"arn:aws:s3:::b/2.env"}]}]}`,
			local: `{"containerDefinitions":[{"name":"a","environmentFiles":[{"type":"s3","value":"arn:aws:s3:::b/2.env"},{"type":"s3","value":"arn:aws:s3:::b/1.env"}]}]}`,
		},
		{
			name:  "image without tag is not :latest",
			live:  `{"containerDefinitions":[{"name":"a","image":"nginx:latest"}]}`,
			local: `{"containerDefinitions":[{"name":"a","image":"nginx"}]}`,
		},
		{
			name:      "nil and empty lists and maps",
			live:      `{"volumes":[],"placementConstraints":[],"containerDefinitions":[{"name":"a","mountPoints":[],"volumesFrom":[],"environment":[],"dockerLabels":{},"cpu":0}]}`,
			local:     `{"containerDefinitions":[{"name":"a"}]}`,
			wantEqual: true,
		},
		{
			name:      "container order",
			live:      `{"containerDefinitions":[{"name":"b"},{"name":"a"}]}`,
			local:     `{"containerDefinitions":[{"name":"a"},{"name":"b"}]}`,
			wantEqual: true,
		},
		{
			name:      "health check defaults",
			live:      `{"containerDefinitions":[{"name":"a","healthCheck":{"command":["CMD","true"],"interval":30,"timeout":5,"retries":3}}]}`,
			local:     `{"containerDefinitions":[{"name":"a","healthCheck":{"command":["CMD","true"]}}]}`,
			wantEqual: true,
		},
		{
			name:  "docker label key case is significant",
			live:  `{"containerDefinitions":[{"name":"a","dockerLabels":{"Key":"v"}}]}`,
			local: `{"containerDefinitions":[{"name":"a","dockerLabels":{"key":"v"}}]}`,
		},
		{
			name:      "host volume without sourcePath",
			live:      `{"volumes":[{"name":"v","host":{}}]}`,
			local:     `{"volumes":[{"name":"v"}]}`,
			wantEqual: true,
		},
		{
			name:  "memory change shows",
			live:  `{"containerDefinitions":[{"name":"a","memory":256}]}`,
			local: `{"containerDefinitions":[{"name":"a","memory":512}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			live, local := decodeTD(t, tt.live), decodeTD(t, tt.local)
			d, err := DiffTaskDefinitions("live", live, "local", local)
			if err != nil {
				t.Fatal(err)
			}
			if got := d == ""; got != tt.wantEqual {
				t.Errorf("equal = %v, want %v; diff:\n%s", got, tt.wantEqual, d)
			}
			eq, err := TaskDefinitionsEqual(live, local)
			if err != nil || eq != tt.wantEqual {
				t.Errorf("TaskDefinitionsEqual = %v, %v", eq, err)
			}
		})
	}
}

func TestServiceNormalisation(t *testing.T) {
	tests := []struct {
		name      string
		live      string
		local     string
		wantEqual bool
	}{
		{
			name:      "REPLICA defaults",
			live:      `{"schedulingStrategy":"REPLICA","deploymentController":{"type":"ECS"},"deploymentConfiguration":{"maximumPercent":200,"minimumHealthyPercent":100,"deploymentCircuitBreaker":{"enable":false,"rollback":false},"strategy":"ROLLING"},"propagateTags":"NONE","healthCheckGracePeriodSeconds":0}`,
			local:     `{}`,
			wantEqual: true,
		},
		{
			name:      "DAEMON defaults and no desired count",
			live:      `{"schedulingStrategy":"DAEMON","desiredCount":3,"deploymentConfiguration":{"maximumPercent":100,"minimumHealthyPercent":0}}`,
			local:     `{"schedulingStrategy":"DAEMON"}`,
			wantEqual: true,
		},
		{
			name:  "minimumHealthyPercent change shows",
			live:  `{"deploymentConfiguration":{"minimumHealthyPercent":100}}`,
			local: `{"deploymentConfiguration":{"minimumHealthyPercent":50}}`,
		},
		{
			name:      "Fargate platform version, public IP and set-valued network lists",
			live:      `{"launchType":"FARGATE","platformVersion":"LATEST","networkConfiguration":{"awsvpcConfiguration":{"subnets":["s-b","s-a"],"securityGroups":["g-2","g-1"],"assignPublicIp":"DISABLED"}}}`,
			local:     `{"launchType":"FARGATE","networkConfiguration":{"awsvpcConfiguration":{"subnets":["s-a","s-b"],"securityGroups":["g-1","g-2"]}}}`,
			wantEqual: true,
		},
		{
			name:      "Fargate by capacity provider",
			live:      `{"platformVersion":"LATEST","capacityProviderStrategy":[{"capacityProvider":"FARGATE_SPOT","weight":1},{"capacityProvider":"FARGATE","base":1}]}`,
			local:     `{"capacityProviderStrategy":[{"capacityProvider":"FARGATE","base":1,"weight":0},{"capacityProvider":"FARGATE_SPOT","weight":1}]}`,
			wantEqual: true,
		},
		{
			name:      "desiredCount not compared when unset locally",
			live:      `{"desiredCount":5}`,
			local:     `{}`,
			wantEqual: true,
		},
		{
			// Issue 7 item 6: DescribeServices reports networkConfiguration {} for a
			// bridge-mode service created without one.
			name:      "empty objects and lists in the live service equal absent ones",
			live:      `{"networkConfiguration":{},"loadBalancers":[],"serviceRegistries":[],"placementConstraints":[],"serviceConnectConfiguration":{"enabled":false},"deploymentConfiguration":{"alarms":{"alarmNames":[],"enable":false,"rollback":false}}}`,
			local:     `{}`,
			wantEqual: true,
		},
		{
			name:  "desiredCount compared when set",
			live:  `{"desiredCount":5}`,
			local: `{"desiredCount":2}`,
		},
		{
			name:      "availabilityZoneRebalancing kept by update when unset",
			live:      `{"availabilityZoneRebalancing":"ENABLED"}`,
			local:     `{}`,
			wantEqual: true,
		},
		{
			name:  "availabilityZoneRebalancing change shows",
			live:  `{"availabilityZoneRebalancing":"ENABLED"}`,
			local: `{"availabilityZoneRebalancing":"DISABLED"}`,
		},
		{
			name:  "placementStrategy order matters",
			live:  `{"placementStrategy":[{"type":"spread","field":"attribute:ecs.availability-zone"},{"type":"binpack","field":"memory"}]}`,
			local: `{"placementStrategy":[{"type":"binpack","field":"memory"},{"type":"spread","field":"attribute:ecs.availability-zone"}]}`,
		},
		{
			name:      "identity members are not configuration",
			live:      `{"serviceName":"api","cluster":"arn:aws:ecs:us-east-1:1:cluster/main","taskDefinition":"api:3"}`,
			local:     `{"serviceName":"api","cluster":"main","taskDefinition":"api:4","clientToken":"x"}`,
			wantEqual: true,
		},
		{
			name:  "tags change shows",
			live:  `{"tags":[{"key":"a","value":"1"}]}`,
			local: `{"tags":[{"key":"a","value":"2"}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			live, local := decodeSD(t, tt.live), decodeSD(t, tt.local)
			d, err := DiffServiceDefinitions("live", live, "local", local)
			if err != nil {
				t.Fatal(err)
			}
			if got := d == ""; got != tt.wantEqual {
				t.Errorf("equal = %v, want %v; diff:\n%s", got, tt.wantEqual, d)
			}
			eq, err := ServiceDefinitionsEqual(live, local)
			if err != nil || eq != tt.wantEqual {
				t.Errorf("ServiceDefinitionsEqual = %v, %v", eq, err)
			}
		})
	}
}

func TestNormalizeDoesNotMutate(t *testing.T) {
	data := readTestdata(t, "td-fargate-web.json")
	td := decodeTD(t, string(data))
	before := mustMarshal(t, td)
	_ = NormalizeTaskDefinition(td)
	if diff := cmp.Diff(before, mustMarshal(t, td)); diff != "" {
		t.Errorf("NormalizeTaskDefinition mutated its input:\n%s", diff)
	}
	sd := decodeSD(t, string(readTestdata(t, "sd-fargate-lb.json")))
	before = mustMarshal(t, sd)
	_ = NormalizeServiceDefinition(sd)
	if diff := cmp.Diff(before, mustMarshal(t, sd)); diff != "" {
		t.Errorf("NormalizeServiceDefinition mutated its input:\n%s", diff)
	}
	if NormalizeTaskDefinition(nil) != nil || NormalizeServiceDefinition(nil) != nil {
		t.Error("nil not kept")
	}
}

func TestNormalizedGolden(t *testing.T) {
	for _, name := range []string{"td-fargate-web.json", "td-ec2-bridge.json", "sd-fargate-lb.json", "sd-capacity-providers.json"} {
		t.Run(name, func(t *testing.T) {
			data := readTestdata(t, name)
			var v any
			if strings.HasPrefix(name, "sd-") {
				v = NormalizeServiceDefinition(decodeSD(t, string(data)))
			} else {
				v = NormalizeTaskDefinition(decodeTD(t, string(data)))
			}
			golden(t, "normalized-"+name, []byte(mustMarshal(t, v)))
		})
	}
}

func TestDiffOutput(t *testing.T) {
	live := decodeTD(t, `{"family":"web","containerDefinitions":[{"name":"app","image":"nginx:1.25","essential":true,"environment":[{"name":"A","value":"1"}]}]}`)
	local := decodeTD(t, `{"family":"web","containerDefinitions":[{"name":"app","image":"nginx:1.27","environment":[{"name":"A","value":"1"}]}]}`)
	d, err := DiffTaskDefinitions("arn:aws:ecs:us-east-1:123456789012:task-definition/web:3", live, "ecs-task-def.json", local)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "diff-image.txt", []byte(d))
	if !strings.HasPrefix(d, "--- arn:aws:ecs:us-east-1:123456789012:task-definition/web:3\n+++ ecs-task-def.json\n") {
		t.Errorf("headers:\n%s", d)
	}

	// Nothing live yet: the whole local definition is added.
	d, err = DiffServiceDefinitions("(none)", nil, "ecs-service-def.json", decodeSD(t, `{"desiredCount":1}`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d, "+  \"desiredCount\": 1,") {
		t.Errorf("diff from nothing:\n%s", d)
	}
}

// TestFromLiveRoundTrip: the live describe output of a definition deployed from a
// file compares equal to that file, and what init would write (FromLive, Marshal)
// decodes back to a definition with an empty diff against live.
func TestFromLiveRoundTrip(t *testing.T) {
	t.Run("task definition", func(t *testing.T) {
		var out ecs.DescribeTaskDefinitionOutput
		if err := Decode("describe.json", readTestdata(t, "td-fargate-web.describe.json"), &out); err != nil {
			t.Fatal(err)
		}
		live := TaskDefinitionFromLive(out.TaskDefinition, out.Tags)
		local := decodeTD(t, string(readTestdata(t, "td-fargate-web.json")))
		noDiff(t)(DiffTaskDefinitions("live", live, "local", local))

		written := mustMarshal(t, live)
		golden(t, "init-td-fargate-web.json", []byte(written))
		noDiff(t)(DiffTaskDefinitions("live", live, "init", decodeTD(t, written)))

		// The wrapped describe output used directly as a file decodes the same way,
		// except its top-level tags, which ecspresso does not register either.
		untagged := TaskDefinitionFromLive(out.TaskDefinition, nil)
		noDiff(t)(DiffTaskDefinitions("live", untagged, "file", decodeTD(t, string(readTestdata(t, "td-fargate-web.describe.json")))))
	})
	t.Run("service", func(t *testing.T) {
		var out ecs.DescribeServicesOutput
		if err := Decode("describe.json", readTestdata(t, "sd-service-connect.describe.json"), &out); err != nil {
			t.Fatal(err)
		}
		live := ServiceDefinitionFromLive(&out.Services[0])
		if live.ServiceConnectConfiguration == nil || len(live.VolumeConfigurations) != 1 {
			t.Fatalf("PRIMARY deployment settings not used: %s", mustMarshal(t, live))
		}
		if live.Role != nil || live.TaskDefinition != nil || live.ServiceName != nil {
			t.Errorf("read-only or identity members kept: %s", mustMarshal(t, live))
		}
		local := decodeSD(t, string(readTestdata(t, "sd-service-connect.json")))
		noDiff(t)(DiffServiceDefinitions("live", live, "local", local))

		written := mustMarshal(t, live)
		golden(t, "init-sd-service-connect.json", []byte(written))
		noDiff(t)(DiffServiceDefinitions("live", live, "init", decodeSD(t, written)))
		noDiff(t)(DiffServiceDefinitions("live", live, "file", decodeSD(t, string(readTestdata(t, "sd-service-connect.describe.json")))))
	})
	t.Run("nil", func(t *testing.T) {
		if TaskDefinitionFromLive(nil, nil) != nil || ServiceDefinitionFromLive(nil) != nil {
			t.Error("nil input")
		}
	})
}

// noDiff returns a checker for a (diff, error) result that expects no difference.
func noDiff(t *testing.T) func(string, error) {
	return func(d string, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if d != "" {
			t.Errorf("unexpected diff:\n%s", d)
		}
	}
}

func seedCorpus(f *testing.F, prefix string) {
	paths, err := filepath.Glob(filepath.Join("testdata", prefix+"*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"containerDefinitions":[{"portMappings":[{"containerPort":1e3}]}]}`))
	f.Add([]byte(`{"taskDefinition":{"tags":[{"key":"a"}]},"tags":[{"key":"b"}]}`))
	f.Add([]byte(`{"services":[{"deployments":[{"status":"PRIMARY","createdAt":1e300}]}]}`))
	f.Add([]byte("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["))
}

func FuzzDecodeTaskDefinition(f *testing.F) {
	seedCorpus(f, "td-")
	f.Fuzz(func(t *testing.T, data []byte) {
		td, err := DecodeTaskDefinition("fuzz.json", data)
		if err != nil {
			return
		}
		out, err := Marshal(td)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		if _, err := DecodeTaskDefinition("marshalled.json", out); err != nil {
			t.Fatalf("Marshal output does not decode: %v\n%s", err, out)
		}
		if _, err := Marshal(NormalizeTaskDefinition(td)); err != nil {
			t.Fatalf("Marshal(normalised): %v", err)
		}
	})
}

func FuzzDecodeServiceDefinition(f *testing.F) {
	seedCorpus(f, "sd-")
	f.Fuzz(func(t *testing.T, data []byte) {
		sd, err := DecodeServiceDefinition("fuzz.json", data)
		if err != nil {
			return
		}
		out, err := Marshal(sd)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		if _, err := DecodeServiceDefinition("marshalled.json", out); err != nil {
			t.Fatalf("Marshal output does not decode: %v\n%s", err, out)
		}
		if _, err := DiffServiceDefinitions("a", sd, "b", sd); err != nil {
			t.Fatalf("Diff: %v", err)
		}
	})
}
