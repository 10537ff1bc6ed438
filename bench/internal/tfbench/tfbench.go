// Package tfbench holds what the tfstate benchmarks share: the task definition
// template with about 200 lookups of addresses gen_tfstate.py always writes.
package tfbench

import (
	"bytes"
	"fmt"
)

// Template returns a task definition JSON template with n tfstate lookups (n >= 6):
// the six fixed addresses of gen_tfstate.py, then task role ARNs of distinct
// module.svc["svc-NNNN"] instances (a 50 MB state has about 880).
func Template(n int) []byte {
	fixed := []string{
		`module.vpc.aws_subnet.private[0].id`,
		`module.vpc.aws_subnet.private[1].id`,
		`module.vpc.aws_subnet.private[2].id`,
		`module.ecs.aws_security_group.app.id`,
		`data.aws_ecr_repository.app.repository_url`,
		`output.cluster_name`,
		`module.ecs.module.cluster.aws_cloudwatch_log_group.this[0].name`,
	}
	var b bytes.Buffer
	b.WriteString("{\n  \"family\": \"bench\",\n  \"containerDefinitions\": [\n")
	for i := 0; i < n; i++ {
		// Template string literals in both styles ecspresso users write.
		lit := ""
		switch {
		case i < len(fixed):
			lit = "`" + fixed[i] + "`"
		case i%2 == 0:
			lit = fmt.Sprintf(`"module.svc[\"svc-%04d\"].aws_iam_role.task.arn"`, i-len(fixed))
		default:
			lit = fmt.Sprintf("`module.svc['svc-%04d'].aws_iam_role.task.arn`", i-len(fixed))
		}
		sep := ","
		if i == n-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    {\"name\": \"c%d\", \"image\": \"{{ tfstate %s }}\"}%s\n", i, lit, sep)
	}
	b.WriteString("  ]\n}\n")
	return b.Bytes()
}
