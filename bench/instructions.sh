#!/usr/bin/env bash
# Instructions per replicate, from valgrind's cachegrind: a figure that is
# stable on shared machines where wall times are not.
#
#   bench/instructions.sh [VARIANT] [SCENARIO]
#
# Runs bench/replicates (one goroutine, GOGC off, GOMAXPROCS 1) with N1 and
# N2 replicates of VARIANT (default full-plan) under cachegrind and prints
# (I(N2) - I(N1)) / (N2 - N1): the instructions of one replicate, with
# start-up and loading cancelled out. SCENARIO defaults to the embedded one.
set -euo pipefail
cd "$(dirname "$0")/.."
variant=${1:-full-plan}
scenario=${2:-}
n1=${N1:-2000}
n2=${N2:-12000}
command -v valgrind >/dev/null || { echo "instructions.sh: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/replicates" ./bench/replicates
# count runs N replicates under cachegrind. Valgrind 3.19 does not know
# rdtscp, which the Go runtime's lock spinning executes on a busy machine
# (SIGILL in runtime.cputicks), so a run is tried up to three times.
count() {
  local args=(-n "$1" --variant "$variant")
  [ -n "$scenario" ] && args+=(--scenario "$scenario")
  for try in 1 2 3; do
    if GOGC=off GOMAXPROCS=1 valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$tmp/cg$1" "$tmp/replicates" "${args[@]}" >/dev/null 2>"$tmp/log$1"; then
      sed -n 's/^summary: *//p' "$tmp/cg$1" | awk '{print $1}'
      return
    fi
  done
  cat "$tmp/log$1" >&2
  exit 1
}
i1=$(count "$n1")
i2=$(count "$n2")
awk -v a="$i1" -v b="$i2" -v n1="$n1" -v n2="$n2" -v v="$variant" \
  'BEGIN { printf "%s: %.0f instructions per replicate (cachegrind, N = %d vs %d)\n", v, (b - a) / (n2 - n1), n1, n2 }'
