package tfbench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
)

// WriteState writes a synthetic Terraform v4 state of about sizeMB megabytes with
// the shape of /work/shared/bench/gen_tfstate.py (nested modules, count and
// for_each instances, data sources, outputs; indented), so Go benchmarks need no
// Python. Every address Template looks up exists for sizeMB >= 10.
func WriteState(w io.Writer, sizeMB float64) error {
	rng := rand.New(rand.NewPCG(42, 42))
	var resources []map[string]any
	add := func(mode, typ, name, module, each string, instances []map[string]any) {
		r := map[string]any{"mode": mode, "type": typ, "name": name,
			"provider": `provider["registry.terraform.io/hashicorp/aws"]`, "instances": instances}
		if module != "" {
			r["module"] = module
		}
		if each != "" {
			r["each"] = each
		}
		resources = append(resources, r)
	}
	inst := func(key any, schema int, attrs map[string]any) map[string]any {
		m := map[string]any{"schema_version": schema, "attributes": attrs}
		if key != nil {
			m["index_key"] = key
		}
		return m
	}
	add("managed", "aws_subnet", "private", "module.vpc", "list", []map[string]any{
		inst(0, 1, attrs(0, "subnet")), inst(1, 1, attrs(1, "subnet")), inst(2, 1, attrs(2, "subnet"))})
	add("managed", "aws_security_group", "app", "module.ecs", "", []map[string]any{inst(nil, 1, attrs(7, "sg"))})
	repo := attrs(9, "repo")
	repo["repository_url"] = "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/app"
	add("data", "aws_ecr_repository", "app", "", "", []map[string]any{inst(nil, 0, repo)})
	lg := attrs(3, "lg")
	lg["name"] = "/ecs/app"
	add("managed", "aws_cloudwatch_log_group", "this", "module.ecs.module.cluster", "list", []map[string]any{inst(0, 0, lg)})

	kinds := []string{"aws_security_group", "aws_lb_target_group", "aws_ssm_parameter", "aws_subnet"}
	counts := []int{1, 1, 1, 2, 3}
	target := sizeMB * 1024 * 1024
	for i, approx := 0, 0.0; approx < target; i++ {
		typ, name, n := "aws_iam_role", "task", 1
		if i%20 != 0 {
			typ, name, n = kinds[rng.IntN(len(kinds))], fmt.Sprintf("r%d", i), counts[rng.IntN(len(counts))]
		}
		insts := make([]map[string]any, n)
		for k := range insts {
			var key any
			if n > 1 {
				key = k
			}
			insts[k] = inst(key, 0, attrs(i*10+k, typ))
		}
		each := ""
		if n > 1 {
			each = "list"
		}
		add("managed", typ, name, fmt.Sprintf(`module.svc["svc-%04d"]`, i/20), each, insts)
		approx += 1900 * float64(n)
	}
	state := map[string]any{"version": 4, "terraform_version": "1.9.8", "serial": 7,
		"lineage":   "00000000-1111-2222-3333-444444444444",
		"outputs":   map[string]any{"cluster_name": map[string]any{"value": "prod-cluster", "type": "string"}},
		"resources": resources, "check_results": nil}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(state); err != nil {
		return err
	}
	return bw.Flush()
}

// attrs is a realistic attribute blob: ids, ARNs, tags, nested blocks and a long
// policy string full of escaped quotes.
func attrs(i int, kind string) map[string]any {
	id := fmt.Sprintf("%s-%08x", kind, i)
	actions := make([]string, 12)
	for j := range actions {
		actions[j] = fmt.Sprintf("s3:Get%d", j)
	}
	policy, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{
		map[string]any{"Effect": "Allow", "Action": actions, "Resource": "*"}}})
	var ingress []any
	for _, p := range []int{80, 443, 8080} {
		ingress = append(ingress, map[string]any{"from_port": p, "to_port": p, "protocol": "tcp",
			"cidr_blocks": []string{"10.0.0.0/8"}, "description": fmt.Sprintf("port %d", p)})
	}
	return map[string]any{
		"id":         id,
		"arn":        fmt.Sprintf("arn:aws:ec2:ap-northeast-1:123456789012:%s/%s", kind, id),
		"name":       fmt.Sprintf("%s-name-%d", kind, i),
		"tags":       map[string]any{"Name": fmt.Sprintf("%s-%d", kind, i), "Env": "prod", "Team": fmt.Sprintf("team-%d", i%17), "ServiceName": fmt.Sprintf("svc-%d", i%50)},
		"tags_all":   map[string]any{"Name": fmt.Sprintf("%s-%d", kind, i), "Env": "prod"},
		"policy":     string(policy),
		"ingress":    ingress,
		"timeouts":   nil,
		"vpc_id":     "vpc-0123456789abcdef0",
		"cidr_block": fmt.Sprintf("10.%d.%d.0/24", i%250, (i/250)%250),
	}
}
