#!/usr/bin/env bash
# sandbox.sh — `make sandbox`: run the local AWS (moto_server behind doppio's
# simulating proxy) until Ctrl-C, with an account prepared for examples/quickstart,
# and write the exports that point doppio (and any AWS SDK) at it to .sandbox/env:
#
#   make sandbox                  # in one terminal; leave it running
#   eval "$(cat .sandbox/env)"    # in another, at the repository's root
#   cd examples/quickstart && doppio deploy
#
# SPEED (default 4) is the simulated clock's speed; SANDBOX_FLAGS are passed on to
# the sandbox command (go run ./sandbox/cmd/sandbox -h lists them).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/prereqs.sh" sandbox --no-install
state="$root/.sandbox"
mkdir -p "$state"
rm -f "$state/env" "$state/sandbox.env"

(cd "$root" && go build -o "$state/sandbox" ./sandbox/cmd/sandbox &&
  go build -o "$state/quickstart-account" ./scripts/quickstart/cmd/quickstart-account)

pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -f "$state/env" "$state/sandbox.env"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck disable=SC2086 # SANDBOX_FLAGS is a list of flags
"$state/sandbox" -speed "${SPEED:-4}" -env-file "$state/sandbox.env" ${SANDBOX_FLAGS:-} >/dev/null &
pid=$!
for _ in $(seq 1 1200); do # up to 2 minutes: moto_server starts slowly on a busy machine
  [ -s "$state/sandbox.env" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "error: the sandbox exited during start-up" >&2; exit 1; }
  sleep 0.1
done
[ -s "$state/sandbox.env" ] || { echo "error: the sandbox did not start within 2 minutes" >&2; exit 1; }

# shellcheck disable=SC1091
account=$(. "$state/sandbox.env" && AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null "$state/quickstart-account")
{
  cat "$state/sandbox.env"
  echo "export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null"
  echo "$account"
} >"$state/env.tmp"
mv "$state/env.tmp" "$state/env"

cat "$state/env"
cat >&2 <<MSG

sandbox: running (cluster quickstart, role quickstart-execution, log group /ecs/quickstart-web ready).
In another terminal, at $root:

    eval "\$(cat .sandbox/env)"
    cd examples/quickstart && doppio verify && doppio deploy

(verify checks the quickstart's image on the sandbox's own registry:
DOPPIO_REGISTRY_ENDPOINT in .sandbox/env.)

Ctrl-C here stops the sandbox; everything in it is forgotten.
MSG
wait "$pid"
