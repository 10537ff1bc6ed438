#!/usr/bin/env bash
# Runs `doppio <args> --output json` for action.yml, streams its logs, and turns its
# JSON result document into step outputs ($GITHUB_OUTPUT: task-definition-arn,
# deployment-id, outcome, exit-code) and a job summary ($GITHUB_STEP_SUMMARY: the
# plan, the outcome and, on failure, the explanation). Exits with doppio's exit code.
#
# Environment:
#   DOPPIO_ARGS  the arguments, split like a shell would split words (quotes group,
#                nothing is expanded or executed); --output json is added unless an
#                --output flag is given
#   DOPPIO_BIN   the doppio to run (default: doppio on PATH)
set -uo pipefail

bin="${DOPPIO_BIN:-doppio}"
args=()
if [[ -n "${DOPPIO_ARGS:-}" ]]; then
  # xargs splits on blanks and newlines and honours quotes without evaluating anything.
  if ! parsed="$(printf '%s' "$DOPPIO_ARGS" | xargs -n 1 printf '%s\n' 2>&1)"; then
    printf '::error title=doppio::args: %s\n' "$parsed" >&2
    exit 2
  fi
  while IFS= read -r line; do args+=("$line"); done <<<"$parsed"
fi
json=1
for a in "${args[@]+"${args[@]}"}"; do
  case "$a" in
    --output | --output=*) json=0 ;;
  esac
done
if [[ $json == 1 ]]; then
  args+=(--output json)
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
out="$tmp/stdout"
log="$tmp/stderr"

# stderr goes to the job log as it comes and to a file for the summary; stdout (the
# result document) to a file, then to the log.
"$bin" "${args[@]}" 2>&1 1>"$out" | tee "$log" >&2
code=${PIPESTATUS[0]}
cat "$out"

# The result document: one object, or an array of them (one per service).
# Several services (several --config, or a glob) give an array of more than one:
# then "results" holds it and the summary has a row per service.
doc="" fleet=""
if [[ $json == 1 ]] && command -v jq >/dev/null 2>&1; then
  doc="$(jq -c 'if type == "array" then (if length == 1 then .[0] else empty end) elif type == "object" then . else empty end' "$out" 2>/dev/null)" || doc=""
  fleet="$(jq -c 'if type == "array" and length > 1 then . else empty end' "$out" 2>/dev/null)" || fleet=""
fi
# The fields used below, read with one jq call, one line each with newlines flattened
# (plain variables: macOS's bash 3 has no associative arrays).
service="" cluster="" outcome="" taskDefinitionArn="" deploymentId="" rolledBackTo="" supersededBy="" durationSeconds="" reason=""
if [[ -n "$doc" ]]; then
  {
    for v in service cluster outcome taskDefinitionArn deploymentId rolledBackTo supersededBy durationSeconds reason; do
      IFS= read -r "$v" || true
    done
  } < <(jq -r '. as $d | $ARGS.positional[] | ($d[.] // "" | tostring | gsub("[\\r\\n]+"; " "))' \
    --args service cluster outcome taskDefinitionArn deploymentId rolledBackTo supersededBy durationSeconds reason <<<"$doc")
fi

if [[ -n "$fleet" ]]; then
  # One outcome for the step: the services' common one, else "mixed".
  outcome="$(jq -r '[.[].outcome // "unknown"] | unique | if length == 1 then .[0] else "mixed" end' <<<"$fleet")"
fi

if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  {
    echo "task-definition-arn=$taskDefinitionArn"
    echo "deployment-id=$deploymentId"
    echo "outcome=$outcome"
    echo "exit-code=$code"
    [[ -z "$fleet" ]] || echo "results=$fleet"
  } >>"$GITHUB_OUTPUT"
fi

if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  {
    verb="${args[0]:-}"
    icon="✅"
    [[ $code == 0 ]] || icon="❌"
    echo "### $icon doppio $verb"
    echo
    if [[ -n "$doc" ]]; then
      echo "| | |"
      echo "|---|---|"
      for pair in "service:service" "cluster:cluster" "outcome:outcome" "task definition:taskDefinitionArn" \
        "deployment:deploymentId" "rolled back to:rolledBackTo" "superseded by:supersededBy" "duration (s):durationSeconds"; do
        key="${pair#*:}"
        v="${!key}"
        [[ -z "$v" ]] || echo "| ${pair%%:*} | ${v//|/\\|} |"
      done
      echo "| exit code | $code |"
      echo
    elif [[ -n "$fleet" ]]; then
      echo "| service | outcome | task definition | duration (s) |"
      echo "|---|---|---|---|"
      jq -r '.[] | "| \(.service // .config // "?") | \(.outcome // "") | \(.taskDefinitionArn // "" | split("/") | last) | \(.durationSeconds // "" | tostring | .[0:6]) |"' <<<"$fleet"
      echo
      echo "exit code: $code"
      echo
    else
      echo "exit code: $code"
      echo
    fi
    # Plans, also the "[service] plan: ..." lines of several services.
    plan="$(awk '/^(\[[^]]*\] )?plan: / { p = 1; print; next } p && /^(\[[^]]*\] )?  / { print; next } { p = 0 }' "$log")"
    if [[ -n "$plan" ]]; then
      echo "**Plan**"
      echo
      echo '```text'
      echo "$plan"
      echo '```'
      echo
    fi
    if [[ $code != 0 ]]; then
      echo "**What went wrong**"
      echo
      [[ -z "$reason" ]] || echo "- reason: $reason"
      if [[ -n "$doc" ]]; then
        jq -r '.stoppedTasks // [] | .[] | "- stopped task \(.taskArn): \(.stoppedReason)" +
          ( [.containers // [] | .[] | "\(.name) exit \(.exitCode // "?")"] | if length > 0 then " (" + join(", ") + ")" else "" end )' <<<"$doc"
      fi
      if [[ -n "$fleet" ]]; then
        jq -r '.[] | select((.outcome // "") as $o | ["succeeded", "unchanged", "started", "registered"] | index($o) | not)
          | "- \(.service // .config): \(.outcome // "?")" + (if (.reason // .error // "") != "" then ": " + ((.reason // .error) | gsub("[\r\n]+"; " ")) else "" end)' <<<"$fleet"
      fi
      echo
      errs="$(grep -E '^(\[[^]]*\] )?(doppio: error: |hint: )|^doppio: [0-9]+ of [0-9]+ services' "$log" || true)"
      if [[ -n "$errs" ]]; then
        echo '```text'
        echo "$errs"
        echo '```'
      fi
      echo
    fi
  } >>"$GITHUB_STEP_SUMMARY"
fi

exit "$code"
