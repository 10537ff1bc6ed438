#!/usr/bin/env bash
# demo.sh — start the sandbox, create the quickstart cluster and service from
# examples/quickstart (verify first: green offline, the sandbox serves the images) and
# deploy a new revision end to end, then stop the sandbox.
# Needs: go and moto_server (moto 5.2.1) on PATH (`make demo` checks them first with
# scripts/prereqs.sh). A small Go helper (scripts/quickstart) prepares what Terraform
# would own (cluster, role, log group); doppio does the rest.
# Set DOPPIO=path/to/doppio to use a prebuilt binary.
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

step "building doppio"
if [ -z "${DOPPIO:-}" ]; then
  (cd "$root" && go build -o "$work/doppio" ./cmd/doppio)
  DOPPIO="$work/doppio"
fi
"$DOPPIO" version

step "building and starting the sandbox (moto_server + simulating proxy, clock at ${SPEED:-4}x)"
(cd "$root" && go build -o "$work/sandbox" ./sandbox/cmd/sandbox && go build -o "$work/quickstart-account" ./scripts/quickstart/cmd/quickstart-account)
"$work/sandbox" -speed "${SPEED:-4}" -env-file "$work/env" >/dev/null 2>"$work/sandbox.log" &
sandbox_pid=$!
for _ in $(seq 1 1200); do # up to 2 minutes: moto_server starts slowly on a busy machine
  [ -s "$work/env" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$work/env" ] || { echo "error: the sandbox did not start" >&2; cat "$work/sandbox.log" >&2; exit 1; }
# shellcheck disable=SC1091
. "$work/env"
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
sed 's/^/    /' "$work/env"
cat "$work/sandbox.log"

step "preparing the account: cluster, execution role, log group, network"
"$work/quickstart-account" >"$work/account.env"
# shellcheck disable=SC1091
. "$work/account.env"
echo "    role $EXECUTION_ROLE_ARN, subnet $SUBNET_ID, security group $SECURITY_GROUP_ID"

cd "$project"
doppio() { echo "    \$ doppio $*"; "$DOPPIO" "$@" --poll-interval 1s; }
doppio_plain() { echo "    \$ doppio $*"; "$DOPPIO" "$@"; }

step "render: the task definition exactly as it will be registered"
doppio_plain render taskdef

step "plan: what deploy would do"
doppio_plain plan

step "verify: the images, roles and log group the task definition names exist (offline: the sandbox serves the images)"
doppio_plain verify

step "deploy 1: create service web from examples/quickstart (image tag ${IMAGE_TAG:-1.27})"
doppio deploy

step "deploy 2: run the migration as a one-off task from the new image, then roll out (image tag 1.28)"
export IMAGE_TAG=1.28
doppio run --overrides-file migrate.json && doppio deploy

step "diff: local files against the live service (exit 0 = no differences)"
doppio_plain diff --exit-code

step "deploy 3: an image that crashes; the circuit breaker rolls back and doppio exits 4"
set +e
IMAGE_TAG=crashloop "$DOPPIO" deploy --poll-interval 1s
code=$?
set -e
echo "    exit code $code (4 = rolled back)"
[ "$code" = 4 ] || { echo "error: expected exit code 4" >&2; exit 1; }

step "status"
doppio_plain status --events 5

echo
echo "deployment COMPLETED: service web runs quickstart-web with image tag 1.28 again"
