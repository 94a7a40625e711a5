#!/usr/bin/env bash
# deploy/slurm/test.sh [DIR]
#
# End-to-end check that a sharded run on a real (private, single-node) Slurm
# cluster gives byte-for-byte the same summary.csv as one unsharded process:
#
#   1. go build -o DIR/negsim ./cmd/negsim         (from the repo root)
#   2. deploy/slurm/cluster.sh start DIR/cluster   (installs slurm-wlm+munge if missing)
#   3. negsim batch -n 20000 --seed 11 -o DIR/single        (timed)
#   4. deploy/slurm/submit.sh -k 4: 4-task array of the same batch -> DIR/shard-{1..4},
#      merge job (afterok) -> DIR/merged; wait until it ends  (timed)
#   5. cmp DIR/merged/summary.csv DIR/single/summary.csv
#   6. cluster stopped on exit, whatever happened
#
# Exits 0 only if the two summary.csv files are identical. Needs root.
# DIR defaults to a new /tmp/negsim-slurm.XXXXXX (kept afterwards, for the logs).
#
# Environment:
#   NEGSIM_TEST_N        negotiations       (default 20000)
#   NEGSIM_TEST_SEED     seed               (default 11)
#   NEGSIM_TEST_SHARDS   array tasks        (default 4)
#   NEGSIM_TEST_TIMEOUT  seconds to wait for the Slurm jobs (default 900)
#   NEGSIM_BIN           use this negsim binary instead of building one
#
# The project's CI (.ci/run) runs this unless NEGSIM_SLURM_TEST=0 (see deploy/README.md).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
N=${NEGSIM_TEST_N:-20000}
SEED=${NEGSIM_TEST_SEED:-11}
K=${NEGSIM_TEST_SHARDS:-4}
TIMEOUT=${NEGSIM_TEST_TIMEOUT:-900}

if [[ $# -ge 1 ]]; then
	mkdir -p "$1"
	DIR=$(cd "$1" && pwd)
else
	DIR=$(mktemp -d /tmp/negsim-slurm.XXXXXX)
fi
# munged runs as user `munge` and must be able to reach DIR/cluster/munge
chmod 0755 "$DIR"
CLUSTER=$DIR/cluster

say() { echo "test.sh: $*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.2f", e - s }'; }

cleanup() {
	local rc=$?
	"$here/cluster.sh" stop "$CLUSTER" || true
	if ((rc == 0)); then
		say "PASS (output kept in $DIR)"
	else
		say "FAIL (exit $rc; output and logs kept in $DIR)"
	fi
	exit "$rc"
}

# 1. build
if [[ -n ${NEGSIM_BIN:-} ]]; then
	NEGSIM=$NEGSIM_BIN
	say "using NEGSIM_BIN=$NEGSIM"
else
	NEGSIM=$DIR/negsim
	say "building negsim: go build -o $NEGSIM ./cmd/negsim"
	(cd "$root" && go build -o "$NEGSIM" ./cmd/negsim)
fi
# (--help may exit non-zero; with pipefail, capture it before grepping)
batch_help=$("$NEGSIM" batch --help 2>&1 || true)
if ! grep -q -- '--shard' <<<"$batch_help"; then
	say "$NEGSIM batch has no --shard flag yet; nothing to test"
	exit 1
fi

# 2. cluster (stopped by the trap from here on)
trap cleanup EXIT
trap 'exit 130' INT TERM
"$here/cluster.sh" start "$CLUSTER" >/dev/null
export SLURM_CONF=$CLUSTER/slurm.conf

rm -rf "$DIR/single" "$DIR/single.log" "$DIR/merged" "$DIR"/shard-* "$DIR/logs"

# 3. one unsharded process
say "single process: negsim batch -n $N --seed $SEED -o $DIR/single"
t0=$(now)
"$NEGSIM" batch -n "$N" --seed "$SEED" -o "$DIR/single" --quiet >"$DIR/single.log" 2>&1 ||
	{
		tail -n 20 "$DIR/single.log" >&2
		exit 1
	}
t1=$(now)
single_s=$(elapsed "$t0" "$t1")
say "single process: ${single_s} s"

# 4. the same run as a K-task job array + merge job
say "slurm: $K-task array + merge"
t2=$(now)
ids=$(NEGSIM=$NEGSIM OUT=$DIR N=$N SEED=$SEED VARIANT="" SCENARIO="" WORKERS="" \
	EXPERIMENT="" NEGSIM_ARGS="" SHARDS=$K "$here/submit.sh" -k "$K")
eval "$ids" # sets ARRAY_JOB_ID, MERGE_JOB_ID
deadline=$((SECONDS + TIMEOUT))
while [[ -n $(squeue -h -j "$ARRAY_JOB_ID,$MERGE_JOB_ID" -o %i 2>/dev/null) ]]; do
	if ((SECONDS > deadline)); then
		say "jobs still running after ${TIMEOUT}s; cancelling"
		scancel "$ARRAY_JOB_ID" "$MERGE_JOB_ID" || true
		exit 1
	fi
	sleep 0.5
done
t3=$(now)
slurm_s=$(elapsed "$t2" "$t3")
state=$(scontrol show job "$MERGE_JOB_ID" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n1)
if [[ $state != COMPLETED ]]; then
	say "merge job $MERGE_JOB_ID ended $state"
	tail -n 20 "$DIR"/logs/*.out >&2 || true
	exit 1
fi
say "slurm array+merge: ${slurm_s} s"
for f in "$DIR"/logs/batch-*.out; do
	sed -n "s|^shard done in|  $(basename "$f" .out): shard done in|p" "$f" >&2
done

# 5. compare
if cmp "$DIR/merged/summary.csv" "$DIR/single/summary.csv"; then
	say "merged/summary.csv is identical to single/summary.csv ($(wc -l <"$DIR/single/summary.csv") lines)"
else
	say "merged/summary.csv differs from single/summary.csv:"
	diff "$DIR/single/summary.csv" "$DIR/merged/summary.csv" | head -n 20 >&2 || true
	exit 1
fi
if [[ -f $DIR/single/byround.csv ]]; then
	if cmp -s "$DIR/merged/byround.csv" "$DIR/single/byround.csv"; then
		say "byround.csv identical too"
	else
		say "note: byround.csv differs (only summary.csv is required to match)"
	fi
fi

echo "single process (negsim batch -n $N --seed $SEED, default workers): ${single_s} s"
echo "slurm ${K}-task array (1 CPU each) + merge, submit to merge done: ${slurm_s} s"
echo "($(nproc) CPUs; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
