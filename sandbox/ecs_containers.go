package sandbox

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// What the sandbox makes of a task definition: its containers, and the rule words
// (image tags, SANDBOX_BEHAVIOUR) that script how they behave.

// behaviour is what the rules make of a task definition (and RunTask overrides).
type behaviour struct {
	crash   bool // `crashloop`: essential container exits 1 soon after starting
	slow    bool // `slow`: everything takes SlowFactor times longer
	forever bool // `forever` or "sleep infinity": a RunTask task never exits by itself
}

var exitRe = regexp.MustCompile(`\bexit\s+([0-9]{1,3})\b`)
var echoRe = regexp.MustCompile(`\becho\s+([^;&|]+)`)

// ruleWords collects the rule words of a container: its image tag and the value of
// SANDBOX_BEHAVIOUR in its environment (task definition and overrides).
func ruleWords(image string, env []any) []string {
	var words []string
	if i := strings.LastIndexByte(image, ':'); i >= 0 && !strings.Contains(image[i:], "/") {
		words = append(words, strings.ToLower(image[i+1:]))
	}
	for _, e := range env {
		kv, _ := e.(map[string]any)
		if str(kv, "name") == "SANDBOX_BEHAVIOUR" {
			for w := range strings.SplitSeq(strings.ToLower(str(kv, "value")), ",") {
				words = append(words, strings.TrimSpace(w))
			}
		}
	}
	return words
}

// containerSpec is one container of a task as the simulation runs it.
type containerSpec struct {
	name, image string
	essential   bool
	command     string
	exitCode    int
	beh         behaviour
	logGroup    string
	logStream   string // prefix/container (task id appended per task)
	logRegion   string
	createGroup bool
}

// containerSpecs applies overrides to a task definition's containers and the rules to
// each container.
func containerSpecs(td obj, overrides obj) ([]containerSpec, behaviour) {
	ovr := map[string]obj{}
	for _, o := range list(overrides, "containerOverrides") {
		m, _ := o.(map[string]any)
		ovr[str(m, "name")] = m
	}
	var specs []containerSpec
	var task behaviour
	for _, c := range list(td, "containerDefinitions") {
		cd, _ := c.(map[string]any)
		name := str(cd, "name")
		cs := containerSpec{name: name, image: str(cd, "image"), essential: true}
		if v, ok := cd["essential"].(bool); ok {
			cs.essential = v
		}
		cmd := list(cd, "command")
		env := slices.Clone(list(cd, "environment"))
		if o := ovr[name]; o != nil {
			if oc := list(o, "command"); oc != nil {
				cmd = oc
			}
			env = append(env, list(o, "environment")...)
		}
		parts := make([]string, 0, len(cmd))
		for _, p := range cmd {
			if s, ok := p.(string); ok {
				parts = append(parts, s)
			}
		}
		cs.command = strings.Join(parts, " ")
		for _, w := range ruleWords(cs.image, env) {
			switch {
			case strings.Contains(w, "crashloop"):
				cs.beh.crash = true
			case strings.Contains(w, "slow"):
				cs.beh.slow = true
			case strings.Contains(w, "forever"):
				cs.beh.forever = true
			}
		}
		if strings.Contains(cs.command, "sleep infinity") {
			cs.beh.forever = true
		}
		switch m := exitRe.FindStringSubmatch(cs.command); {
		case cs.beh.crash:
			cs.exitCode = 1
		case m != nil:
			cs.exitCode, _ = strconv.Atoi(m[1])
		}
		if lc := sub(cd, "logConfiguration"); str(lc, "logDriver") == "awslogs" {
			opts := sub(lc, "options")
			cs.logGroup = str(opts, "awslogs-group")
			cs.logRegion = str(opts, "awslogs-region")
			cs.createGroup = str(opts, "awslogs-create-group") == "true"
			if p := str(opts, "awslogs-stream-prefix"); p != "" {
				cs.logStream = p + "/" + name
			} else {
				cs.logStream = name
			}
		}
		if cs.essential {
			task.crash = task.crash || cs.beh.crash
			task.forever = task.forever || cs.beh.forever
		}
		task.slow = task.slow || cs.beh.slow
		specs = append(specs, cs)
	}
	return specs, task
}
