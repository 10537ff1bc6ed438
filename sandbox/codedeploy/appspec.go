package codedeploy

import (
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
)

// appSpec is the part of an ECS AppSpec file the fake understands, per "AppSpec
// 'resources' section for Amazon ECS deployments" and "AppSpec 'hooks' section"
// (https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html,
// .../reference-appspec-file-structure-hooks.html). JSON is valid YAML, so one decoder
// reads both.
type appSpec struct {
	Version   any                         `yaml:"version"`
	Resources []map[string]appSpecService `yaml:"Resources"`
	Hooks     []map[string]string         `yaml:"Hooks"`
}

type appSpecService struct {
	Type       string            `yaml:"Type"`
	Properties appSpecProperties `yaml:"Properties"`
}

type appSpecProperties struct {
	TaskDefinition   string `yaml:"TaskDefinition"`
	LoadBalancerInfo struct {
		ContainerName string `yaml:"ContainerName"`
		ContainerPort int32  `yaml:"ContainerPort"`
	} `yaml:"LoadBalancerInfo"`
	PlatformVersion      string `yaml:"PlatformVersion"`
	NetworkConfiguration *struct {
		AwsvpcConfiguration struct {
			Subnets        []string `yaml:"Subnets"`
			SecurityGroups []string `yaml:"SecurityGroups"`
			AssignPublicIp string   `yaml:"AssignPublicIp"`
		} `yaml:"AwsvpcConfiguration"`
	} `yaml:"NetworkConfiguration"`
	CapacityProviderStrategy []struct {
		Base             int32  `yaml:"Base"`
		CapacityProvider string `yaml:"CapacityProvider"`
		Weight           int32  `yaml:"Weight"`
	} `yaml:"CapacityProviderStrategy"`
}

// target is the parsed ECS target of a deployment.
type target struct {
	props appSpecProperties
	hooks map[string]string // lifecycle event → Lambda function
}

// isHookEvent reports whether an ECS lifecycle event accepts a hook; Install,
// AllowTestTraffic and AllowTraffic are run by CodeDeploy itself.
func isHookEvent(name string) bool {
	switch name {
	case evBeforeInstall, evAfterInstall, evAfterAllowTestTraffic, evBeforeAllowTraffic, evAfterAllowTraffic:
		return true
	}
	return false
}

// parseAppSpec parses and checks an ECS AppSpec; errors are InvalidRevisionException.
func parseAppSpec(content string) (*target, error) {
	bad := func(format string, args ...any) error {
		return apiErr("InvalidRevisionException", "The AppSpec file is invalid: "+format, args...)
	}
	if strings.TrimSpace(content) == "" {
		return nil, bad("the content is empty")
	}
	var spec appSpec
	if err := yaml.Unmarshal([]byte(content), &spec); err != nil {
		return nil, bad("%s", firstLine(err.Error()))
	}
	if v := fmt.Sprint(spec.Version); v != "0" && v != "0.0" {
		return nil, bad("version must be 0.0, got %q", v)
	}
	var found []appSpecService
	for _, res := range spec.Resources {
		for _, svc := range res {
			found = append(found, svc)
		}
	}
	if len(found) != 1 {
		return nil, bad("Resources must name exactly one target service, found %d", len(found))
	}
	svc := found[0]
	if svc.Type != "AWS::ECS::Service" {
		return nil, bad("the target service Type must be AWS::ECS::Service, got %q", svc.Type)
	}
	p := svc.Properties
	if p.TaskDefinition == "" {
		return nil, bad("Properties.TaskDefinition is required")
	}
	if p.LoadBalancerInfo.ContainerName == "" || p.LoadBalancerInfo.ContainerPort == 0 {
		return nil, bad("Properties.LoadBalancerInfo needs ContainerName and ContainerPort")
	}
	t := &target{props: p, hooks: map[string]string{}}
	for _, h := range spec.Hooks {
		for event, fn := range h {
			if !isHookEvent(event) {
				return nil, bad("%q is not a lifecycle event hook of an Amazon ECS deployment", event)
			}
			t.hooks[event] = fn
		}
	}
	return t, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// family returns the family of a task definition given as an ARN or family:revision.
func family(taskDef string) string {
	if i := strings.LastIndex(taskDef, "task-definition/"); i >= 0 {
		taskDef = taskDef[i+len("task-definition/"):]
	}
	f, _, _ := strings.Cut(taskDef, ":")
	return f
}

// imageTag returns the tag of a container image reference ("" when untagged).
func imageTag(image string) string {
	image, _, _ = strings.Cut(image, "@")
	slash := strings.LastIndex(image, "/")
	if colon := strings.LastIndex(image, ":"); colon > slash {
		return image[colon+1:]
	}
	return ""
}
