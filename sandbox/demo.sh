#!/usr/bin/env bash
# demo.sh — start the sandbox, create the quickstart cluster and service from
# examples/quickstart and deploy a new revision end to end, then stop the sandbox.
# Needs: go, moto_server (moto 5.2.1) and the aws CLI on PATH.
# Set DOPPIO=path/to/doppio to deploy with doppio instead of the aws CLI.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
project="$root/examples/quickstart"
work=$(mktemp -d)
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ] && kill -0 "$sandbox_pid" 2>/dev/null; then
    echo "==> stopping the sandbox"
    kill "$sandbox_pid" && wait "$sandbox_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

step() { printf '\n==> %s\n' "$*"; }

command -v moto_server >/dev/null || { echo "error: moto_server (moto 5.2.1) is not on PATH" >&2; exit 1; }
command -v aws >/dev/null || { echo "error: the aws CLI is not on PATH" >&2; exit 1; }

step "building and starting the sandbox (moto_server + simulating proxy, clock at ${SPEED:-4}x)"
(cd "$root" && go build -o "$work/sandbox" ./sandbox/cmd/sandbox)
"$work/sandbox" -speed "${SPEED:-4}" -env-file "$work/env" >/dev/null 2>"$work/sandbox.log" &
sandbox_pid=$!
for _ in $(seq 1 300); do
  [ -s "$work/env" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$work/env" ] || { echo "error: the sandbox did not start" >&2; cat "$work/sandbox.log" >&2; exit 1; }
# shellcheck disable=SC1091
. "$work/env"
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=""
sed 's/^/    /' "$work/env"
cat "$work/sandbox.log"

step "preparing the account: cluster, execution role, log group, network"
aws ecs create-cluster --cluster-name quickstart --query cluster.clusterArn --output text
EXECUTION_ROLE_ARN=$(aws iam create-role --role-name quickstart-execution \
  --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}' \
  --query Role.Arn --output text)
aws logs create-log-group --log-group-name /ecs/quickstart-web
SUBNET_ID=$(aws ec2 describe-subnets --filters Name=default-for-az,Values=true --query 'Subnets[0].SubnetId' --output text)
SECURITY_GROUP_ID=$(aws ec2 describe-security-groups --group-names default --query 'SecurityGroups[0].GroupId' --output text)
export EXECUTION_ROLE_ARN SUBNET_ID SECURITY_GROUP_ID
echo "    role $EXECUTION_ROLE_ARN, subnet $SUBNET_ID, security group $SECURITY_GROUP_ID"

# render stands in for doppio's template rendering of the two functions the
# quickstart uses: must_env `NAME` and env `NAME` `default`.
render() {
  sed -E \
    -e "s/\{\{ must_env \`EXECUTION_ROLE_ARN\` \}\}/${EXECUTION_ROLE_ARN//\//\\/}/g" \
    -e "s/\{\{ must_env \`SUBNET_ID\` \}\}/${SUBNET_ID}/g" \
    -e "s/\{\{ must_env \`SECURITY_GROUP_ID\` \}\}/${SECURITY_GROUP_ID}/g" \
    -e "s/\{\{ env \`IMAGE_TAG\` \`([^\`]*)\` \}\}/${IMAGE_TAG:-\1}/g" "$1"
}

# wait_deployment follows the PRIMARY deployment until it is COMPLETED (or FAILED),
# printing service events as they appear (one DescribeServices call per poll).
seen_events=0
wait_deployment() {
  local out state
  for _ in $(seq 1 600); do
    out=$(aws ecs describe-services --cluster quickstart --services web --output json | python3 -c '
import json, sys
seen = int(sys.argv[1])
s = json.load(sys.stdin)["services"][0]
events = [e["message"] for e in reversed(s.get("events", []))]
for m in events[seen:]:
    print("    event: " + m)
d = s["deployments"][0]
print("    %s %s running=%d pending=%d deployments=%d" % (d["id"], d["rolloutState"], d["runningCount"], d["pendingCount"], len(s["deployments"])))
print("STATE %s %d %d" % (d["rolloutState"], len(s["deployments"]), len(events)))
' "$seen_events")
    grep -v '^STATE ' <<<"$out"
    read -r _ state ndeps seen_events < <(grep '^STATE ' <<<"$out")
    if [ "$state" = COMPLETED ] && [ "$ndeps" = 1 ]; then return 0; fi
    if [ "$state" = FAILED ]; then return 1; fi
    sleep 0.3
  done
  return 1
}

deploy() {
  if [ -n "${DOPPIO:-}" ]; then
    "$DOPPIO" deploy --config "$project/ecspresso.yml"
    return
  fi
  render "$project/ecs-task-def.json" >"$work/td.json"
  render "$project/ecs-service-def.json" >"$work/sd.json"
  td=$(aws ecs register-task-definition --cli-input-json "file://$work/td.json" --query taskDefinition.taskDefinitionArn --output text)
  echo "    registered $td"
  if [ "$(aws ecs describe-services --cluster quickstart --services web --query 'services[0].status' --output text)" = ACTIVE ]; then
    aws ecs update-service --cluster quickstart --service web --task-definition "$td" \
      --query 'service.deployments[0].[id,status,taskDefinition]' --output text | sed 's/^/    updated: /'
  else
    aws ecs create-service --cli-input-json "file://$work/sd.json" --cluster quickstart --service-name web \
      --task-definition "$td" --query 'service.deployments[0].[id,status,taskDefinition]' --output text | sed 's/^/    created: /'
  fi
  wait_deployment
}

step "deploy 1: create service web from examples/quickstart (image tag ${IMAGE_TAG:-1.27})"
deploy

step "deploy 2: roll out a new revision (image tag 1.28)"
IMAGE_TAG=1.28
deploy

step "result"
aws ecs describe-services --cluster quickstart --services web \
  --query 'services[0].deployments[0].[status,taskDefinition,rolloutState,rolloutStateReason]' --output text | sed 's/^/    /'
arn=$(aws ecs describe-services --cluster quickstart --services web --query 'services[0].currentServiceDeployment' --output text)
aws ecs describe-service-deployments --service-deployment-arns "$arn" \
  --query 'serviceDeployments[0].[serviceDeploymentArn,status]' --output text | sed 's/^/    /'
echo
echo "deployment COMPLETED"
