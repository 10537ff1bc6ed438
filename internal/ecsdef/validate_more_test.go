package ecsdef

import (
	"strings"
	"testing"
)

// td wraps container fields into an EC2 task definition that is otherwise valid.
func tdWith(container, task string) string {
	if task != "" {
		task = "," + task
	}
	return `{"family":"w","memory":"512"` + task + `,"containerDefinitions":[{"name":"a","image":"i"` + container + `}]}`
}

// TestValidateMoreTaskRules covers issue 19's bad input that used to reach
// RegisterTaskDefinition: negative ulimits, role fields that are not role ARNs, and
// the other ARN-typed fields and documented ranges of a task definition.
func TestValidateMoreTaskRules(t *testing.T) {
	role := "arn:aws:iam::123456789012:role/web"
	tests := []struct{ name, in, want string }{
		{"valid roles", tdWith("", `"taskRoleArn":"`+role+`","executionRoleArn":"arn:aws-cn:iam::123456789012:role/path/exec"`), ""},
		{"empty role means unset", tdWith("", `"taskRoleArn":""`), ""},
		{"task role not an ARN", tdWith("", `"taskRoleArn":"notanarn"`), `td.json:1:44: taskRoleArn: "notanarn" is not an ARN; allowed: the ARN of an IAM role, such as arn:aws:iam::123456789012:role/NAME`},
		{"execution role of another service", tdWith("", `"executionRoleArn":"arn:aws:s3:::bucket"`), `executionRoleArn: "arn:aws:s3:::bucket" is an ARN of the service "s3", not iam`},
		{"task role is a user", tdWith("", `"taskRoleArn":"arn:aws:iam::123456789012:user/bob"`), `names the resource "user/bob", not an IAM role`},
		{"role with a space", tdWith("", `"taskRoleArn":"arn:aws:iam::123456789012:role/my role"`), `contains whitespace`},
		{"role account letters", tdWith("", `"taskRoleArn":"arn:aws:iam::ACCOUNT:role/r"`), `has the account "ACCOUNT"`},
		{"ulimit soft negative", tdWith(`,"ulimits":[{"name":"memlock","softLimit":-1,"hardLimit":1024}]`, ""), `containerDefinitions[0].ulimits[0].softLimit: -1 is negative`},
		{"ulimit both negative", tdWith(`,"ulimits":[{"name":"memlock","softLimit":-1,"hardLimit":-1}]`, ""), `containerDefinitions[0].ulimits[0].hardLimit: -1 is negative`},
		{"ulimit zero", tdWith(`,"ulimits":[{"name":"core","softLimit":0,"hardLimit":0}]`, ""), ""},
		{"health timeout 61", tdWith(`,"healthCheck":{"command":["CMD","true"],"timeout":61}`, ""), `healthCheck.timeout: 61; allowed: 2-60 seconds`},
		{"health timeout 60", tdWith(`,"healthCheck":{"command":["CMD","true"],"timeout":60}`, ""), ""},
		{"start timeout on Fargate", `{"family":"w","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512","containerDefinitions":[{"name":"a","image":"i","startTimeout":600}]}`, `startTimeout: 600; allowed: 2-120 seconds on Fargate`},
		{"start timeout on EC2", tdWith(`,"startTimeout":600`, ""), ""},
		{"restart period", tdWith(`,"restartPolicy":{"enabled":true,"restartAttemptPeriod":30}`, ""), `restartPolicy.restartAttemptPeriod: 30; allowed: 60-1800 seconds`},
		{"swappiness", tdWith(`,"linuxParameters":{"swappiness":101}`, ""), `linuxParameters.swappiness: 101; allowed: 0-100`},
		{"maxSwap negative", tdWith(`,"linuxParameters":{"maxSwap":-1}`, ""), `linuxParameters.maxSwap: -1 is negative`},
		{"tmpfs size zero", tdWith(`,"linuxParameters":{"tmpfs":[{"containerPath":"/t","size":0}]}`, ""), `linuxParameters.tmpfs[0].size: 0`},
		{"gpu count", tdWith(`,"resourceRequirements":[{"type":"GPU","value":"two"}]`, ""), `resourceRequirements[0].value: "two"`},
		{"secret by ARN", tdWith(`,"secrets":[{"name":"P","valueFrom":"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::"}]`, ""), ""},
		{"secret by parameter name", tdWith(`,"secrets":[{"name":"P","valueFrom":"/app/db_password"}]`, ""), ""},
		{"secret name with space", tdWith(`,"secrets":[{"name":"P","valueFrom":"my password"}]`, ""), `secrets[0].valueFrom: "my password" is neither an ARN nor an SSM parameter name`},
		{"secret ARN of S3", tdWith(`,"secrets":[{"name":"P","valueFrom":"arn:aws:s3:::bucket/key"}]`, ""), `is an ARN of the service "s3", not secretsmanager or ssm`},
		{"log secret option", tdWith(`,"logConfiguration":{"logDriver":"awsfirelens","secretOptions":[{"name":"K","valueFrom":"arn:aws:ssm:us-east-1:123456789012:document/x"}]}`, ""), `logConfiguration.secretOptions[0].valueFrom`},
		{"repository credentials", tdWith(`,"repositoryCredentials":{"credentialsParameter":"arn:aws:ssm:us-east-1:123456789012:parameter/x"}`, ""), `repositoryCredentials.credentialsParameter`},
		{"environment file not S3", tdWith(`,"environmentFiles":[{"type":"s3","value":"s3://bucket/app.env"}]`, ""), `environmentFiles[0].value: "s3://bucket/app.env" is not an ARN; allowed: the ARN of an S3 object`},
		{"environment file S3 ARN", tdWith(`,"environmentFiles":[{"type":"s3","value":"arn:aws:s3:::bucket/app.env"}]`, ""), ""},
		{"fsx credentials", tdWith("", `"volumes":[{"name":"v","fsxWindowsFileServerVolumeConfiguration":{"fileSystemId":"fs-1","rootDirectory":"x","authorizationConfig":{"credentialsParameter":"my-secret","domain":"d"}}}]`), `volumes[0].fsxWindowsFileServerVolumeConfiguration.authorizationConfig.credentialsParameter: "my-secret" is not an ARN`},
		{"efs transit port", tdWith("", `"volumes":[{"name":"v","efsVolumeConfiguration":{"fileSystemId":"fs-1","transitEncryptionPort":0}}]`), `volumes[0].efsVolumeConfiguration.transitEncryptionPort: 0; allowed: 1-65535`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeTaskDefinition("td.json", []byte(tt.in))
			checkValidation(t, err, tt.want)
		})
	}
}

// TestValidateMoreServiceRules covers the service side: load balancer containerPort
// 0 and every ARN-typed field and documented range of CreateService.
func TestValidateMoreServiceRules(t *testing.T) {
	tg := "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef"
	role := "arn:aws:iam::123456789012:role/r"
	tests := []struct{ name, in, want string }{
		{"valid load balancer", `{"loadBalancers":[{"containerName":"web","containerPort":80,"targetGroupArn":"` + tg + `"}]}`, ""},
		{"lb containerPort 0", `{"loadBalancers":[{"containerName":"web","containerPort":0,"targetGroupArn":"` + tg + `"}]}`, `sd.json:1:58: loadBalancers[0].containerPort: 0 is not a port; allowed: 1-65535`},
		{"lb target group not ARN", `{"loadBalancers":[{"containerName":"web","containerPort":80,"targetGroupArn":"web-tg"}]}`, `loadBalancers[0].targetGroupArn: "web-tg" is not an ARN; allowed: the ARN of an Elastic Load Balancing target group`},
		{"lb target group is a load balancer", `{"loadBalancers":[{"containerName":"web","containerPort":80,"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1"}]}`, `names the resource "loadbalancer/app/web/1"`},
		{"lb advanced role", `{"loadBalancers":[{"containerName":"web","containerPort":80,"targetGroupArn":"` + tg + `","advancedConfiguration":{"alternateTargetGroupArn":"` + tg + `","productionListenerRule":"x","roleArn":"ecsRole"}}]}`, `loadBalancers[0].advancedConfiguration.roleArn: "ecsRole" is not an ARN`},
		// role is legacy: dropped on decode and never sent (as in ecspresso), so never refused.
		{"role by name", `{"role":"ecsServiceRole"}`, ""},
		{"role by path and name", `{"role":"/service/ecsServiceRole"}`, ""},
		{"registry ARN", `{"serviceRegistries":[{"registryArn":"srv-123"}]}`, `serviceRegistries[0].registryArn: "srv-123" is not an ARN; allowed: the ARN of a Cloud Map service`},
		{"registry port", `{"serviceRegistries":[{"registryArn":"arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1","port":70000}]}`, `serviceRegistries[0].port: 70000; allowed: 1-65535`},
		{"canary percent", `{"deploymentConfiguration":{"strategy":"CANARY","canaryConfiguration":{"canaryPercent":0.05}}}`, `canaryConfiguration.canaryPercent: 0.05; allowed: multiples of 0.1 from 0.1 to 100.0`},
		{"canary ok", `{"deploymentConfiguration":{"strategy":"CANARY","canaryConfiguration":{"canaryPercent":12.5,"canaryBakeTimeInMinutes":10}}}`, ""},
		{"linear step", `{"deploymentConfiguration":{"strategy":"LINEAR","linearConfiguration":{"stepPercent":2}}}`, `linearConfiguration.stepPercent: 2; allowed: multiples of 0.1 from 3.0 to 100.0`},
		{"linear bake", `{"deploymentConfiguration":{"strategy":"LINEAR","linearConfiguration":{"stepBakeTimeInMinutes":1441}}}`, `stepBakeTimeInMinutes: 1441; allowed: 0-1440 minutes`},
		{"hook target", `{"deploymentConfiguration":{"lifecycleHooks":[{"hookTargetArn":"my-function","roleArn":"` + role + `","lifecycleStages":["POST_SCALE_UP"]}]}}`, `lifecycleHooks[0].hookTargetArn: "my-function" is not an ARN; allowed: the ARN of a Lambda function`},
		{"service connect port", `{"serviceConnectConfiguration":{"enabled":true,"namespace":"n","services":[{"portName":"web","clientAliases":[{"port":0}]}]}}`, `serviceConnectConfiguration.services[0].clientAliases[0].port: 0; allowed: 1-65535`},
		{"service connect tls role", `{"serviceConnectConfiguration":{"enabled":true,"namespace":"n","services":[{"portName":"web","tls":{"issuerCertificateAuthority":{"awsPcaAuthorityArn":"arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/1"},"kmsKey":"alias/sc","roleArn":"role"}}]}}`, `tls.roleArn: "role" is not an ARN`},
		{"service connect tls kms", `{"serviceConnectConfiguration":{"enabled":true,"namespace":"n","services":[{"portName":"web","tls":{"issuerCertificateAuthority":{"awsPcaAuthorityArn":"arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/1"},"kmsKey":"arn:aws:iam::123456789012:role/x"}}]}}`, `tls.kmsKey: "arn:aws:iam::123456789012:role/x" is an ARN of the service "iam", not kms`},
		{"service connect namespace ARN", `{"serviceConnectConfiguration":{"enabled":true,"namespace":"arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1"}}`, `serviceConnectConfiguration.namespace: "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1" names the resource "service/srv-1", not a Cloud Map namespace`},
		{"service connect namespace name", `{"serviceConnectConfiguration":{"enabled":true,"namespace":"corp.local"}}`, ""},
		{"service connect namespace with space", `{"serviceConnectConfiguration":{"enabled":true,"namespace":"corp local"}}`, `neither an ARN nor a Cloud Map namespace name`},
		{"service connect timeout", `{"serviceConnectConfiguration":{"enabled":true,"namespace":"n","services":[{"portName":"web","timeout":{"idleTimeoutSeconds":-1}}]}}`, `timeout.idleTimeoutSeconds: -1`},
		{"ebs role", `{"volumeConfigurations":[{"name":"v","managedEBSVolume":{"roleArn":"ebs-role","sizeInGiB":10}}]}`, `volumeConfigurations[0].managedEBSVolume.roleArn: "ebs-role" is not an ARN`},
		{"ebs size", `{"volumeConfigurations":[{"name":"v","managedEBSVolume":{"roleArn":"` + role + `","volumeType":"io2","sizeInGiB":2}}]}`, `managedEBSVolume.sizeInGiB: 2; allowed: 4-16384 GiB for io2`},
		{"ebs iops", `{"volumeConfigurations":[{"name":"v","managedEBSVolume":{"roleArn":"` + role + `","sizeInGiB":10,"iops":100}}]}`, `managedEBSVolume.iops: 100; allowed: 3000-16000 IOPS for gp3`},
		{"ebs throughput", `{"volumeConfigurations":[{"name":"v","managedEBSVolume":{"roleArn":"` + role + `","sizeInGiB":10,"throughput":2000}}]}`, `managedEBSVolume.throughput: 2000`},
		{"vpc lattice", `{"vpcLatticeConfigurations":[{"roleArn":"` + role + `","targetGroupArn":"` + tg + `","portName":"web"}]}`, `vpcLatticeConfigurations[0].targetGroupArn: "` + tg + `" is an ARN of the service "elasticloadbalancing", not vpc-lattice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeServiceDefinitionFor("sd.json", []byte(tt.in), ServiceContext{Cluster: "prod", Service: "web"})
			checkValidation(t, err, tt.want)
		})
	}
}

// TestInvalidUTF8 checks that a string which is not UTF-8 text, anywhere in a
// definition, is refused at its line with its field, rather than sent to ECS with
// U+FFFD in its place.
func TestInvalidUTF8(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"raw byte in an environment value", "{\"family\":\"w\",\"memory\":\"512\",\n\"containerDefinitions\":[{\"name\":\"a\",\"image\":\"i\",\n\"environment\":[{\"name\":\"X\",\"value\":\"caf\xe9\"}]}]}",
			`td.json:3:40: containerDefinitions[0].environment[0].value: the string is not valid UTF-8 text: the byte 0xe9 is not UTF-8`},
		{"lone surrogate escape in a command", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","command":["echo","\udc00"]}]}`,
			`containerDefinitions[0].command[1]: the string is not valid UTF-8 text: the escape \udc00 is half of a UTF-16 surrogate pair`},
		{"high surrogate without its low half", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","command":["\ud83dx"]}]}`, `half of a UTF-16 surrogate pair`},
		{"invalid byte in a docker label key", "{\"family\":\"w\",\"memory\":\"512\",\"containerDefinitions\":[{\"name\":\"a\",\"image\":\"i\",\"dockerLabels\":{\"k\xff\":\"v\"}}]}",
			`dockerLabels["k` + "\ufffd" + `"]: the key is not valid UTF-8 text`},
		{"surrogate pair is fine", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","command":["\ud83d\ude00", "☕", "\ufffd"]}]}`, ""},
		{"wrapped", "{\"taskDefinition\":{\"family\":\"w\",\"memory\":\"512\",\"containerDefinitions\":[{\"name\":\"a\",\"image\":\"i\",\"user\":\"\xc3\"}]}}", `taskDefinition.containerDefinitions[0].user: the string is not valid UTF-8`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeTaskDefinition("td.json", []byte(tt.in))
			checkValidation(t, err, tt.want)
		})
	}
	t.Run("service definition", func(t *testing.T) {
		_, err := DecodeServiceDefinitionFor("sd.json", []byte("{\"tags\":[{\"key\":\"team\",\"value\":\"\xfe\"}]}"), ServiceContext{})
		checkValidation(t, err, `sd.json:1:33: tags[0].value: the string is not valid UTF-8 text: the byte 0xfe is not UTF-8`)
	})
}

// TestScanTextOffsets pins where scanText points: the first offending byte, and the
// value of a member whose key is bad.
func TestScanTextOffsets(t *testing.T) {
	data := []byte("{\"a\":\"ok\",\"b\xff\" : \"x\xfey\xfe\"}")
	got := scanText(data)
	if len(got) != 2 {
		t.Fatalf("got %d bad literals, want 2: %+v", len(got), got)
	}
	if !got[0].key || got[0].off != strings.IndexByte(string(data), 0xff) || data[got[0].value] != '"' {
		t.Errorf("key literal: %+v", got[0])
	}
	if got[1].key || got[1].off != strings.IndexByte(string(data), 0xfe) {
		t.Errorf("value literal: %+v", got[1])
	}
}
