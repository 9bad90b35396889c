#!/usr/bin/env bash
# Runs vireo_transport_bench several times per configuration, floor and
# reactor alternating, and prints every run and the medians.
#
# Usage: bench/run_transport_bench.sh <builddir> [runs] [duration-seconds]
#   defaults: 5 runs of 3 s (plus 1 s of warm-up) per mode and connection count.
# Environment:
#   CONNS        connection counts to run (default "1 64")
#   PAYLOAD      bytes per message (default 1024)
#   REACTOR_ARGS extra flags for the reactor runs (e.g. "--server_loops=1 --client_loops=1")
#   MAX_OTHERS   a run is repeated when other processes used more than this
#                many CPU-seconds per measured second (default 0.05, i.e. 5% of a core)
#   OUT          file that receives the JSON lines (default: a temporary file)
#
# Other work on the machine skews loopback figures badly, so each run is
# guarded: it starts only after 2 s in which the machine was quiet, the
# benchmark reports how much CPU the rest of the machine used while it
# measured, and a run above MAX_OTHERS is discarded and repeated (up to 20
# times).
set -euo pipefail

if (( $# < 1 )); then
  echo "usage: $0 <builddir> [runs] [duration-seconds]" >&2
  exit 2
fi
bench=$1/bench/vireo_transport_bench
runs=${2:-5}
duration=${3:-3}
conns_list=${CONNS:-1 64}
payload=${PAYLOAD:-1024}
max_others=${MAX_OTHERS:-0.05}
read -r -a reactor_args <<< "${REACTOR_ARGS:-}"
out=${OUT:-$(mktemp)}
: > "$out"

# CPU-seconds the whole machine has used so far.
machine_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '/^cpu / { print ($2 + $3 + $4 + $7 + $8 + $9) / hz; exit }' /proc/stat
}

# Waits (up to 30 min) for a 2 s stretch in which the machine is as quiet as
# a run must be.
wait_quiet() {
  local i before after
  for i in $(seq 900); do
    before=$(machine_cpu)
    sleep 2
    after=$(machine_cpu)
    if awk -v b="$before" -v a="$after" -v m="$max_others" 'BEGIN { exit !((a - b) / 2 <= m) }'; then
      return 0
    fi
  done
  echo "run_transport_bench: the machine never went quiet" >&2
  exit 1
}

# Prints the JSON line of one clean run of `mode` with `conns`.
run_clean() {
  local mode=$1 conns=$2 attempt json err others
  local args=(--mode="$mode" --conns="$conns" --payload="$payload" --duration="$duration")
  [[ $mode == reactor ]] && args+=("${reactor_args[@]}")
  for attempt in $(seq 20); do
    wait_quiet
    err=$(mktemp)
    json=$("$bench" "${args[@]}" 2>"$err")
    others=$(sed -n 's/.*others \([0-9.]*\).*/\1/p' "$err")
    rm -f "$err"
    if awk -v o="$others" -v d="$duration" -v m="$max_others" 'BEGIN { exit !(o / d <= m) }'; then
      echo "$json"
      return 0
    fi
    echo "run_transport_bench: $mode conns=$conns: others used ${others} cpu-s, repeating" >&2
  done
  echo "run_transport_bench: the machine never went quiet" >&2
  exit 1
}

field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p"; }

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Per run: conns, reactor/floor QPS, reactor/floor p50 (the two modes of a
# run ran back to back, so these ratios see the same machine).
ratios=$(mktemp)
trap 'rm -f "$ratios"' EXIT

for conns in $conns_list; do
  for i in $(seq "$runs"); do
    # Alternate which mode goes first, so that neither always follows the other.
    if (( i % 2 )); then modes=(floor reactor); else modes=(reactor floor); fi
    declare -A json=()
    for mode in "${modes[@]}"; do
      json[$mode]=$(run_clean "$mode" "$conns")
      echo "${json[$mode]}" | tee -a "$out"
    done
    awk -v c="$conns" \
        -v fq="$(echo "${json[floor]}" | field qps)" -v rq="$(echo "${json[reactor]}" | field qps)" \
        -v fp="$(echo "${json[floor]}" | field p50_us)" -v rp="$(echo "${json[reactor]}" | field p50_us)" \
        'BEGIN { printf "%s %.3f %.3f\n", c, rq / fq, rp / fp }' >> "$ratios"
  done
done

echo
printf '%-8s %6s %10s %10s %10s %10s\n' mode conns qps p50_us p99_us p999_us
for conns in $conns_list; do
  for mode in floor reactor; do
    lines=$(grep "\"mode\":\"$mode\",\"conns\":$conns," "$out")
    printf '%-8s %6s' "$mode" "$conns"
    for f in qps p50_us p99_us p999_us; do
      printf ' %10s' "$(echo "$lines" | field "$f" | median)"
    done
    echo
  done
done
echo "(medians of $runs runs of ${duration} s; JSON lines in $out)"
echo
echo "reactor/floor ratios, median over runs of the ratio within each run:"
for conns in $conns_list; do
  printf '  conns=%s: qps %s, p50 %s\n' "$conns" \
    "$(awk -v c="$conns" '$1 == c { print $2 }' "$ratios" | median)" \
    "$(awk -v c="$conns" '$1 == c { print $3 }' "$ratios" | median)"
done
