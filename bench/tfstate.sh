#!/bin/sh
# Measure the issue's tfstate target: render a task definition with ~200 tfstate
# lookups against a 50 MB state in < 0.15 s and < 100 MB peak RSS (ecspresso v2:
# ~1.0 s, 230 MB). Prints doppio's figures next to the target for each run.
#
#   bench/tfstate.sh            # 5 runs against a 50 MB state
#   RUNS=10 SIZE_MB=100 bench/tfstate.sh
#
# The state comes from /work/shared/bench/gen_tfstate.py when present (override with
# GEN_TFSTATE), else from the Go port of its shape in bench/internal/tfbench.
set -eu
cd "$(dirname "$0")/.."
SIZE_MB=${SIZE_MB:-50}
RUNS=${RUNS:-5}
GEN_TFSTATE=${GEN_TFSTATE:-/work/shared/bench/gen_tfstate.py}
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/doppio-bench}
STATE="$WORK/big-${SIZE_MB}mb.tfstate"
BIN="$WORK/doppio-tfstate-bench"
mkdir -p "$WORK"

go build -o "$BIN" ./bench/tfstate
if [ ! -f "$STATE" ]; then
	if [ -f "$GEN_TFSTATE" ] && command -v python3 >/dev/null 2>&1; then
		echo "generating $STATE with $GEN_TFSTATE" >&2
		python3 "$GEN_TFSTATE" "$SIZE_MB" "$STATE"
	else
		echo "generating $STATE with the Go generator" >&2
		"$BIN" -generate "$SIZE_MB" -state "$STATE"
	fi
fi
# One warm-up run so the state is in the page cache, as on a CI runner that just
# checked it out or downloaded it.
"$BIN" -state "$STATE" >/dev/null
i=1
while [ "$i" -le "$RUNS" ]; do
	echo "--- run $i"
	"$BIN" -state "$STATE"
	i=$((i + 1))
done
if [ -x /usr/bin/time ]; then
	echo "--- cross-check with /usr/bin/time -v (whole process)"
	/usr/bin/time -v "$BIN" -state "$STATE" 2>&1 >/dev/null | grep -E 'Elapsed|Maximum resident'
fi
echo "--- load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs (figures are noisy on a busy machine)"
