// Package schedule manages ECS scheduled tasks described in ecschedule's files
// (Songmu/ecschedule v0.19), unchanged: EventBridge rules with one ECS target each,
// tagged ecschedule:tracking-id so a file's rules can be found (and pruned) later.
//
// Loading, validation, the file→EventBridge mapping, the live→file mapping and
// the comparison are pure; the AWS calls live behind the small interfaces in
// deps.go.
package schedule

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// DefaultRole is the role ecschedule uses when neither the file nor the rule names one.
const DefaultRole = "ecsEventsRole"

// TrackingTag is the tag ecschedule puts on every rule it applies; its value is the
// file's trackingId (default: the cluster).
const TrackingTag = "ecschedule:tracking-id"

// File is one ecschedule file as written (after templates and Jsonnet).
type File struct {
	// Path is the file as the user named it; Dir its directory.
	Path string `json:"-" yaml:"-"`
	Dir  string `json:"-" yaml:"-"`

	Role       string    `json:"role,omitempty" yaml:"role,omitempty"`
	Region     string    `json:"region" yaml:"region"`
	Cluster    string    `json:"cluster" yaml:"cluster"`
	TrackingID string    `json:"trackingId,omitempty" yaml:"trackingId,omitempty"`
	Rules      []*Rule   `json:"rules" yaml:"rules"`
	Plugins    []*Plugin `json:"plugins,omitempty" yaml:"plugins,omitempty"`
	// Scheduler opts the file into EventBridge Scheduler (doppio only; ecschedule
	// ignores the key): SchedulerSettings, decoded by Validate.
	Scheduler json.RawMessage `json:"scheduler,omitempty" yaml:"-"`

	src         []byte // the source text, for locating problems
	sched       *SchedulerSettings
	ruleSched   map[string]*SchedulerSettings
	toScheduler bool
}

// Plugin is one entry of plugins: (tfstate, ssm).
type Plugin struct {
	Name       string         `json:"name" yaml:"name"`
	Config     map[string]any `json:"config,omitempty" yaml:"config,omitempty"`
	FuncPrefix string         `json:"func_prefix,omitempty" yaml:"func_prefix,omitempty"`
}

// Rule is one scheduled rule and its ECS target, with ecschedule's keys. Its field
// order is ecschedule's, so dump and diff print the same YAML.
type Rule struct {
	Name                     string                          `json:"name" yaml:"name"`
	Description              string                          `json:"description,omitempty" yaml:"description,omitempty"`
	ScheduleExpression       string                          `json:"scheduleExpression" yaml:"scheduleExpression"`
	Disabled                 bool                            `json:"disabled,omitempty" yaml:"disabled,omitempty"`
	TargetID                 string                          `json:"targetId,omitempty" yaml:"targetId,omitempty"`
	TaskDefinition           string                          `json:"taskDefinition" yaml:"taskDefinition"`
	TaskCount                int32                           `json:"taskCount,omitempty" yaml:"taskCount,omitempty"`
	TaskOverride             *TaskOverride                   `json:"taskOverride,omitempty" yaml:"taskOverride,omitempty"`
	ContainerOverrides       []*ContainerOverride            `json:"containerOverrides,omitempty" yaml:"containerOverrides,omitempty"`
	Role                     string                          `json:"role,omitempty" yaml:"role,omitempty"`
	Group                    string                          `json:"group,omitempty" yaml:"group,omitempty"`
	CapacityProviderStrategy []*CapacityProviderStrategyItem `json:"capacityProviderStrategy,omitempty" yaml:"capacityProviderStrategy,omitempty"`
	LaunchType               string                          `json:"launch_type,omitempty" yaml:"launch_type,omitempty"`
	PlatformVersion          string                          `json:"platform_version,omitempty" yaml:"platform_version,omitempty"`
	NetworkConfiguration     *NetworkConfiguration           `json:"network_configuration,omitempty" yaml:"network_configuration,omitempty"`
	DeadLetterConfig         *DeadLetterConfig               `json:"dead_letter_config,omitempty" yaml:"dead_letter_config,omitempty"`
	PropagateTags            *string                         `json:"propagateTags,omitempty" yaml:"propagateTags,omitempty"`

	// ecschedule reads region, cluster and trackingId on a rule too (inline base
	// config); they default to the file's.
	Region     string `json:"region,omitempty" yaml:"-"`
	Cluster    string `json:"cluster,omitempty" yaml:"-"`
	TrackingID string `json:"trackingId,omitempty" yaml:"-"`
	// Scheduler is the per-rule EventBridge Scheduler opt-in (doppio only).
	Scheduler json.RawMessage `json:"scheduler,omitempty" yaml:"-"`
}

// CapacityProviderStrategyItem is one capacity provider of the target.
type CapacityProviderStrategyItem struct {
	CapacityProvider string `json:"capacityProvider" yaml:"capacityProvider"`
	Base             int32  `json:"base" yaml:"base"`
	Weight           int32  `json:"weight" yaml:"weight"`
}

// TaskOverride is the task-level cpu and memory override.
type TaskOverride struct {
	Cpu    *Text `json:"cpu,omitempty" yaml:"cpu,omitempty"`
	Memory *Text `json:"memory,omitempty" yaml:"memory,omitempty"`
}

// ContainerOverride overrides one container; environment is a map, as in ecschedule.
type ContainerOverride struct {
	Name              string          `json:"name" yaml:"name"`
	Command           []string        `json:"command" yaml:"command,flow"`
	Environment       map[string]Text `json:"environment,omitempty" yaml:"environment,omitempty"`
	Cpu               *int32          `json:"cpu,omitempty" yaml:"cpu,omitempty"`
	Memory            *int32          `json:"memory,omitempty" yaml:"memory,omitempty"`
	MemoryReservation *int32          `json:"memoryReservation,omitempty" yaml:"memoryReservation,omitempty"`
}

// DeadLetterConfig names the SQS queue (name or ARN) failed invocations go to.
type DeadLetterConfig struct {
	Sqs string `json:"sqs" yaml:"sqs"`
}

// NetworkConfiguration is the awsvpc configuration of the target.
type NetworkConfiguration struct {
	AwsVpcConfiguration *AwsVpcConfiguration `json:"aws_vpc_configuration" yaml:"aws_vpc_configuration"`
}

// AwsVpcConfiguration lists subnets, security groups and the public IP switch.
type AwsVpcConfiguration struct {
	Subnets        []string `json:"subnets" yaml:"subnets"`
	SecurityGroups []string `json:"security_groups,omitempty" yaml:"security_groups,omitempty"`
	AssignPublicIP string   `json:"assign_public_ip,omitempty" yaml:"assign_public_ip,omitempty"`
}

// Text is a string that may be written as a number or boolean in the file (YAML
// `cpu: 1024`, `DEBUG: true`), kept as its text.
type Text string

// UnmarshalJSON accepts a string, a number or a boolean.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text(s)
		return nil
	}
	switch s := string(b); {
	case s == "true" || s == "false":
		*t = Text(s)
		return nil
	case s == "null":
		return errors.New("expected a string, got null")
	default:
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return fmt.Errorf("expected a string, got %s", s)
		}
		*t = Text(s)
		return nil
	}
}

// Ptr returns a pointer to the text as a plain string, or nil.
func (t *Text) Ptr() *string {
	if t == nil {
		return nil
	}
	s := string(*t)
	return &s
}

// Decode reads a rendered file (JSON) strictly: an unknown key is an error naming
// its line in src with a did-you-mean.
func Decode(path string, src, data []byte) (*File, error) {
	f := &File{Path: path, src: src}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(f); err != nil {
		return nil, decodeError(path, src, err)
	}
	return f, nil
}

var unknownFieldRe = regexp.MustCompile(`json: unknown field "([^"]+)"`)

// decodeError locates a decoding error in the source.
func decodeError(path string, src []byte, err error) error {
	d := &diag.Error{File: path, Code: diag.ExitUsage}
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		key := te.Field
		if i := strings.LastIndexByte(key, '.'); i >= 0 {
			key = key[i+1:]
		}
		d.Field, d.Line = te.Field, lineOfKey(src, key, 0)
		d.Err = fmt.Errorf("expected %s, got %s", friendlyType(te.Type.String()), te.Value)
	case unknownFieldRe.MatchString(err.Error()):
		key := unknownFieldRe.FindStringSubmatch(err.Error())[1]
		d.Field, d.Line = key, lineOfKey(src, key, 0)
		d.Err = fmt.Errorf("unknown key %q", key)
		d.Hint = diag.DidYouMean(key, knownKeys)
		if d.Hint == "" {
			d.Hint = "ecschedule files know: " + strings.Join(knownKeys, ", ")
		}
	default:
		msg := strings.TrimPrefix(err.Error(), "json: ")
		// Errors of Text and other fields' own decoders name no field.
		d.Err = fmt.Errorf("%s", msg)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			d.Err = fmt.Errorf("invalid JSON: %s", se.Error())
		}
	}
	return d
}

// knownKeys are every key ecschedule (and doppio's scheduler opt-in) reads.
var knownKeys = func() []string {
	k := []string{"role", "region", "cluster", "trackingId", "rules", "plugins", "scheduler",
		"name", "description", "scheduleExpression", "disabled", "targetId", "taskDefinition", "taskCount",
		"taskOverride", "containerOverrides", "group", "capacityProviderStrategy", "launch_type",
		"platform_version", "network_configuration", "dead_letter_config", "propagateTags",
		"capacityProvider", "base", "weight", "cpu", "memory", "command", "environment", "memoryReservation",
		"sqs", "aws_vpc_configuration", "subnets", "security_groups", "assign_public_ip", "config", "func_prefix"}
	sort.Strings(k)
	return k
}()

func friendlyType(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map"), strings.HasPrefix(t, "schedule."), strings.HasPrefix(t, "struct"):
		return "an object"
	case t == "string":
		return "a string"
	case strings.HasPrefix(t, "int"):
		return "an integer"
	case t == "bool":
		return "true or false"
	}
	return t
}

// lineOfKey finds the 1-based line where key is set in src at or after line from
// (YAML `key:`, JSON/Jsonnet `"key":`), or 0.
func lineOfKey(src []byte, key string, from int) int {
	lines := bytes.Split(src, []byte("\n"))
	re := regexp.MustCompile(`(^|[\s{,\-])["']?` + regexp.QuoteMeta(key) + `["']?\s*:`)
	for i := max(from-1, 0); i < len(lines); i++ {
		if re.Match(lines[i]) {
			return i + 1
		}
	}
	return 0
}

// lineOfRule finds the line naming the rule (`name: NAME`), or 0.
func lineOfRule(src []byte, name string) int { return lineOfRuleN(src, name, 0) }

// lineOfRuleN finds the line of the n-th (from 0) rule named name, or 0.
func lineOfRuleN(src []byte, name string, n int) int {
	re := regexp.MustCompile(`["']?name["']?\s*:\s*["']?` + regexp.QuoteMeta(name) + `["']?\s*(,|$|#)`)
	for i, l := range bytes.Split(src, []byte("\n")) {
		if re.Match(bytes.TrimRight(l, "\r")) {
			if n == 0 {
				return i + 1
			}
			n--
		}
	}
	return 0
}
