#!/usr/bin/env bash
# Runs vireo_codegen_bench several times, then prints the median of every
# benchmark and checks the generated-code targets against Apache Thrift's
# generated code, measured in the same runs:
#   - Complex encode at least 5x faster than Apache's default (apache_binary)
#     and 2x faster than its fastest (apache_binary_t);
#   - Complex decode into a reused object at least 5x faster than Apache's
#     fastest;
#   - Request (1 KiB msg) decode no slower than Apache's fastest;
#   - 0 heap allocations per decode into a reused object;
#   - Request (1 KiB msg) encode+decode within 2x of a memcpy of its bytes.
#
# Usage: bench/run_codegen_bench.sh <builddir> [runs] [markdown-out]
#   runs          separate processes, each running every benchmark (default 5)
#   markdown-out  also write the results as a Markdown table to this file
# Environment:
#   BENCH_ARGS  extra Google Benchmark flags (e.g. "--benchmark_min_time=1")
#   MAX_OTHERS  before each run, wait (up to 1 min) for a 2 s stretch in which
#               the machine used at most this many CPU-seconds
#               per second (default 0.3); "off" skips the wait
#   OUT         directory that keeps each run's JSON (default: a temporary one)
#
# Exit status: 0 when every target is met, 1 when one is missed, 2 on error.
set -euo pipefail

if (( $# < 1 )); then
  echo "usage: $0 <builddir> [runs] [markdown-out]" >&2
  exit 2
fi
bench=$1/bench/vireo_codegen_bench
runs=${2:-5}
markdown=${3:-}
max_others=${MAX_OTHERS:-0.3}
read -r -a bench_args <<< "${BENCH_ARGS:-}"
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"

if [[ ! -x $bench ]]; then
  echo "$0: $bench not found (build the vireo_codegen_bench target)" >&2
  exit 2
fi

# CPU-seconds the whole machine has used so far.
machine_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '/^cpu / { print ($2 + $3 + $4 + $7 + $8 + $9) / hz; exit }' /proc/stat
}

wait_quiet() {
  [[ $max_others == off ]] && return 0
  local i before after
  for i in $(seq 30); do
    before=$(machine_cpu)
    sleep 2
    after=$(machine_cpu)
    if awk -v b="$before" -v a="$after" -v m="$max_others" 'BEGIN { exit !((a - b) / 2 <= m) }'; then
      return 0
    fi
  done
  echo "run_codegen_bench: the machine did not go quiet; running anyway" >&2
}

for i in $(seq "$runs"); do
  wait_quiet
  echo "run $i/$runs" >&2
  "$bench" --benchmark_format=json --benchmark_out_format=json \
    --benchmark_out="$out/run$i.json" "${bench_args[@]}" > /dev/null
done

python3 - "$markdown" "$out"/run*.json <<'EOF'
import json
import statistics
import sys

markdown_path = sys.argv[1]
units = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
times, allocs = {}, {}
for path in sys.argv[2:]:
    with open(path) as f:
        for b in json.load(f)["benchmarks"]:
            if b.get("run_type") == "aggregate" or b.get("error_occurred"):
                continue
            name = b["name"]
            # CPU time: the benchmarks are single-threaded, and CPU time is
            # less disturbed than wall time by other work on the machine.
            times.setdefault(name, []).append(b["cpu_time"] * units[b["time_unit"]])
            allocs.setdefault(name, []).append(b.get("allocs/op", float("nan")))

def med(name):
    if name not in times:
        print(f"run_codegen_bench: no result for {name}", file=sys.stderr)
        sys.exit(2)
    return statistics.median(times[name])

def spread(name):
    t = times[name]
    return (max(t) - min(t)) / statistics.median(t) * 100

runs = len(sys.argv) - 2
print(f"medians of {runs} runs")
print(f"{'benchmark':45} {'ns/op':>10} {'allocs/op':>10} {'spread':>7}")
for name in times:
    print(f"{name:45} {med(name):10.1f} {statistics.median(allocs[name]):10.2f} "
          f"{spread(name):6.1f}%")

c = "codegen/complex/"
r = "codegen/request/"
dec_net = med(c + "decode/vireo_binary") - med(c + "refill/vireo_binary")
checks = [
    # (what, figure, target)
    ("Complex encode vs Apache (virtual `TBinaryProtocol`)",
     med(c + "encode/apache_binary") / med(c + "encode/vireo_binary"), ">= 5x faster"),
    ("Complex encode vs Apache-T (`TBinaryProtocolT<TMemoryBuffer>`)",
     med(c + "encode/apache_binary_t") / med(c + "encode/vireo_binary"), ">= 2x faster"),
    ("Complex decode (reused object, refill included) vs Apache-T",
     med(c + "decode/apache_binary_t") / med(c + "decode/vireo_binary"), ">= 5x faster"),
    ("Complex decode (refill subtracted) vs Apache-T",
     med(c + "decode/apache_binary_t") / dec_net if dec_net > 0 else float("inf"),
     "(for information)"),
    ("Complex decode allocations/op (reused object)",
     statistics.median(allocs[c + "decode/vireo_binary"]), "== 0"),
    ("Request (1 KiB msg) decode (refill included) vs Apache-T",
     med(r + "decode/apache_binary_t") / med(r + "decode/vireo_binary"), ">= 1x faster"),
    ("Request decode allocations/op (reused object)",
     statistics.median(allocs[r + "decode/vireo_binary"]), "== 0"),
    ("Request encode+decode / memcpy of its bytes",
     med(r + "roundtrip/vireo_binary") / med(r + "memcpy_floor"), "<= 2x"),
]
def met(value, target):
    if target.startswith(">="):
        return value >= float(target.split()[1].rstrip("x"))
    if target.startswith("<="):
        return value <= float(target.split()[1].rstrip("x"))
    if target.startswith("=="):
        return value == float(target.split()[1])
    return None

print()
all_met = True
rows = []
for what, value, target in checks:
    ok = met(value, target)
    if ok is False:
        all_met = False
    verdict = "" if ok is None else ("met" if ok else "MISSED")
    figure = f"{value:.2f}" + ("" if "allocations" in what else "x")
    rows.append((what, figure, target, verdict))
    print(f"{what:62} {figure:>9}  target {target:18} {verdict}")

if markdown_path:
    def side(name):
        return name.split("/")[-1]
    with open(markdown_path, "w") as f:
        f.write(f"Medians of {runs} runs of `vireo_codegen_bench` "
                "(Binary protocol; ns/op = CPU time per encode or decode; "
                "allocs/op = heap allocations per op). Sides: `vireo_binary` "
                "is Vireo's generated code over a LinkBuffer; `apache_binary` "
                "is Apache's generated code through the virtual "
                "`TBinaryProtocol` (its default), `apache_binary_t` through "
                "`TBinaryProtocolT<TMemoryBuffer>` (its fastest), both over a "
                "`TMemoryBuffer`. Vireo's decode includes the refill (copying "
                "the encoded bytes into the LinkBuffer, measured alone as "
                "`refill`); Apache's rewinds a buffer over the bytes. "
                "`memcpy_floor` copies the Request's encoded bytes into a "
                "preallocated buffer.\n\n")
        f.write("| struct | op | side | ns/op | allocs/op | run-to-run spread |\n")
        f.write("|---|---|---|---:|---:|---:|\n")
        for name in times:
            parts = name.split("/")
            op = "/".join(parts[2:-1]) if len(parts) > 3 else parts[2]
            f.write(f"| {parts[1]} | {op} | {side(name) if len(parts) > 3 else '-'} "
                    f"| {med(name):.1f} | {statistics.median(allocs[name]):.2f} "
                    f"| {spread(name):.0f}% |\n")
        f.write("\n| target | measured | wanted | |\n|---|---:|---|---|\n")
        for what, figure, target, verdict in rows:
            f.write(f"| {what} | {figure} | {target} | {verdict} |\n")
    print(f"\nMarkdown table written to {markdown_path}")

sys.exit(0 if all_met else 1)
EOF
