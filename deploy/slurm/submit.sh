#!/usr/bin/env bash
# submit.sh [-k K] [--wait] [-- EXTRA_SBATCH_ARGS...]
#
# Submits a K-task job array of deploy/slurm/batch-array.sbatch
# (sbatch --parsable --array=1-K) and deploy/slurm/merge.sbatch depending on
# it (--dependency=afterok:ARRAY_ID --kill-on-invalid-dep=yes, so the merge is
# cancelled instead of pending forever when a shard fails).
#
# The run is configured with the same environment variables as the sbatch
# scripts (NEGSIM, N, SEED, VARIANT, SCENARIO, WORKERS, OUT, EXPERIMENT,
# NEGSIM_ARGS; see batch-array.sbatch). NEGSIM and OUT are made absolute here
# so the jobs find them whatever their working directory. Logs go to
# $OUT/logs/ for a batch; for an experiment, whose shards and merge write
# into $OUT itself (and negsim refuses an output directory holding a
# directory it did not write), to $OUT.logs/.
#
#   -k K      number of shards / array tasks (default: $SHARDS, else 4)
#   --wait    block until the merge job has finished; exit non-zero unless
#             it COMPLETED
#   -- ARGS   passed to both sbatch calls (e.g. -- --partition=short --time=10)
#
# Prints, on stdout, lines meant for `eval`:
#   ARRAY_JOB_ID=123
#   MERGE_JOB_ID=124
# Needs SLURM_CONF set when using the private cluster from cluster.sh.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
K=${SHARDS:-4}
wait_merge=0
extra=()
while (($# > 0)); do
	case $1 in
	-k)
		K=$2
		shift 2
		;;
	-k*)
		K=${1#-k}
		shift
		;;
	--wait)
		wait_merge=1
		shift
		;;
	--)
		shift
		extra=("$@")
		break
		;;
	-h | --help)
		sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "submit.sh: unknown argument $1 (see --help)" >&2
		exit 2
		;;
	esac
done
[[ $K =~ ^[1-9][0-9]*$ ]] || {
	echo "submit.sh: -k needs a positive integer, got '$K'" >&2
	exit 2
}

NEGSIM=${NEGSIM:-negsim}
if [[ $NEGSIM != /* ]]; then
	if [[ $NEGSIM == */* ]]; then
		NEGSIM=$(cd "$(dirname "$NEGSIM")" && pwd)/$(basename "$NEGSIM")
	else
		NEGSIM=$(command -v "$NEGSIM") || {
			echo "submit.sh: negsim binary not found; set NEGSIM=/path/to/negsim" >&2
			exit 1
		}
	fi
fi
# the jobs start in the submit directory, but make file arguments absolute anyway
for v in SCENARIO EXPERIMENT; do
	f=${!v:-}
	if [[ -n $f && $f != /* ]]; then
		[[ -f $f ]] || {
			echo "submit.sh: $v=$f: no such file" >&2
			exit 1
		}
		printf -v "$v" '%s' "$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"
		export "${v?}"
	fi
done
OUT=${OUT:-$PWD/negsim-out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
logs=$OUT/logs
if [[ -n ${EXPERIMENT:-} ]]; then
	logs=$OUT.logs
fi
mkdir -p "$logs"
export NEGSIM OUT
export SHARDS=$K

array_id=$(sbatch --parsable --array="1-$K" \
	--output="$logs/batch-%A_%a.out" \
	"${extra[@]}" "$here/batch-array.sbatch")
array_id=${array_id%%;*} # --parsable prints "id[;cluster]"
merge_id=$(sbatch --parsable --dependency="afterok:$array_id" --kill-on-invalid-dep=yes \
	--output="$logs/merge-%j.out" \
	"${extra[@]}" "$here/merge.sbatch")
merge_id=${merge_id%%;*}

echo "submit.sh: array job $array_id ($K tasks), merge job $merge_id; output in $OUT" >&2
echo "ARRAY_JOB_ID=$array_id"
echo "MERGE_JOB_ID=$merge_id"

if ((wait_merge)); then
	# Poll rather than `sbatch --wait`: a few seconds quicker (design note).
	while [[ -n $(squeue -h -j "$array_id,$merge_id" -o %i 2>/dev/null) ]]; do
		sleep 0.5
	done
	state=$(scontrol show job "$merge_id" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n1)
	echo "submit.sh: merge job $merge_id ended: ${state:-unknown}" >&2
	[[ $state == COMPLETED ]]
fi
