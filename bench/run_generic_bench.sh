#!/usr/bin/env bash
# Generic calls against typed calls: the JSON codec's cost
# (vireo_generic_codec_bench) and the echo RPC's (vireo_rpc_bench_client and
# vireo_rpc_bench_server, each with and without --generic), then checks the
# two goals:
#   - JSON encode+decode of Complex (Binary) at >= 200 MB/s of JSON;
#   - generic echo calls (generic client, typed server) at >= 0.5x the QPS
#     of typed calls, 1 KiB payload, concurrency 100.
#
# The RPC runs: the servers pinned to CPU 0 and the clients to CPU 1
# (taskset, as bench/rpc_bench.py pins them, whose Server and run_client
# this reuses), one multiplexed connection, Framed Binary, 1 KiB payload,
# concurrency 100. Four combinations -- typed/typed, generic client/typed
# server, typed client/generic server, generic/generic -- interleaved
# within each round, RUNS rounds; the medians of QPS, the ratio to
# typed/typed (of the medians, and the median of the ratios within each
# round, which a noisy moment shared by a round cancels out of), and CPU
# microseconds per call on each side: the server's
# from /proc/<pid>/stat across the client's run, the client's from its
# rusage, both divided by every call made (warm-up included).
#
# Usage: bench/run_generic_bench.sh <builddir>
#   The build should be Release-like (RelWithDebInfo or Release) with
#   vireo_generic_codec_bench, vireo_rpc_bench_server and
#   vireo_rpc_bench_client built; this script does not build.
# Environment:
#   RUNS (5), DURATION (5 s), WARMUP (1 s): RPC rounds and their length.
#   CODEC_REPS (5): repetitions of each codec benchmark ("0" skips them).
#   BENCH_ARGS: extra Google Benchmark flags for the codec benchmark.
# Exit status: 0 when both goals are met, 1 when one is missed, 2 on error.
set -euo pipefail

if (( $# < 1 )); then
  echo "usage: $0 <builddir>" >&2
  exit 2
fi
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=$(realpath -- "$1")
for t in vireo_generic_codec_bench vireo_rpc_bench_server vireo_rpc_bench_client; do
  if [[ ! -x $build/bench/$t ]]; then
    echo "$0: $build/bench/$t not found; build it first:" >&2
    echo "  cmake --build $build --target $t" >&2
    exit 2
  fi
done
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
if [[ $build_type != Release && $build_type != RelWithDebInfo ]]; then
  echo "$0: warning: $build is a '${build_type:-?}' build; the figures want Release" >&2
fi
if pgrep -x ninja >/dev/null || pgrep -x make >/dev/null; then
  echo "$0: warning: a build is running on this machine; the figures will be noisy" >&2
fi

status=0
codec_reps=${CODEC_REPS:-5}
if [[ $codec_reps != 0 ]]; then
  read -r -a bench_args <<< "${BENCH_ARGS:-}"
  codec_out=$(mktemp)
  trap 'rm -f "$codec_out"' EXIT
  taskset -c 1 "$build/bench/vireo_generic_codec_bench" \
    --benchmark_repetitions="$codec_reps" --benchmark_report_aggregates_only=true \
    "${bench_args[@]}" | tee "$codec_out"
  if grep -q '^summary: .*binary.*goal >= 200 MB/s: missed' "$codec_out"; then status=1; fi
fi

RUNS=${RUNS:-5} DURATION=${DURATION:-5} WARMUP=${WARMUP:-1} IDL=bench/idl/echo.thrift \
  /usr/bin/python3 - "$build" <<'EOF' || status=$?
import os
import resource
import statistics
import sys

sys.path.insert(0, "bench")
from rpc_bench import Server, pins, run_client  # noqa: E402

build = sys.argv[1]
runs, duration, warmup = int(os.environ["RUNS"]), float(os.environ["DURATION"]), float(
    os.environ["WARMUP"])
idl = os.path.realpath(os.environ["IDL"])
b = os.path.join(build, "bench")
server_pin, client_pin, _ = pins()
typed_server = [os.path.join(b, "vireo_rpc_bench_server"), "--loops=1", "--port=0"]
client = [os.path.join(b, "vireo_rpc_bench_client"), "--loops=1", "--framing=framed",
          "--mode=mux", "--conns=1", "--concurrency=100", "--payload=1024",
          f"--duration={duration}", f"--warmup={warmup}"]
gen = [f"--generic={idl}"]
servers = {"typed": Server(typed_server, server_pin), "generic": Server(typed_server + gen,
                                                                          server_pin)}
# (client, server)
COMBOS = [("typed", "typed"), ("generic", "typed"), ("typed", "generic"), ("generic", "generic")]
results = {c: [] for c in COMBOS}


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


try:
    for rnd in range(runs):
        for combo in COMBOS:
            cli, srv = combo
            server = servers[srv]
            argv = client_pin + client + [f"--port={server.port}"] + (gen if cli == "generic"
                                                                       else [])
            s0, c0 = server.cpu_seconds(), children_cpu()
            r = run_client(argv, timeout=duration + warmup + 60)
            s1, c1 = server.cpu_seconds(), children_cpu()
            calls = max(r["total_calls"], 1)
            if r["errors"] or bool(r.get("generic")) != (cli == "generic"):
                raise RuntimeError(f"{combo}: {r['errors']} errors, generic={r.get('generic')}")
            r["server_us"] = (s1 - s0) / calls * 1e6
            r["client_us"] = (c1 - c0) / calls * 1e6
            results[combo].append(r)
            print(f"round {rnd + 1}: client {cli:<7} server {srv:<7} {r['qps']:>9.0f} qps"
                  f"  p50 {r['p50_us']:>7.1f} us  p99 {r['p99_us']:>7.1f} us"
                  f"  server {r['server_us']:.2f} us/call  client {r['client_us']:.2f} us/call",
                  file=sys.stderr, flush=True)
except (RuntimeError, OSError) as e:
    print(f"run_generic_bench: {e}", file=sys.stderr)
    sys.exit(2)
finally:
    for s in servers.values():
        s.stop()


def med(combo, key):
    return statistics.median(r[key] for r in results[combo])


base = med(COMBOS[0], "qps")
print(f"\nEcho, 1 KiB, concurrency 100, 1 mux connection, Framed Binary; medians of {runs} "
      f"runs of {duration:g} s:")


def paired(combo):
    # The ratio within each round (the runs next to each other), then the median.
    return statistics.median(r["qps"] / t["qps"] for r, t in zip(results[combo],
                                                                  results[COMBOS[0]]))


print("| client | server | QPS | vs typed/typed (of medians) | vs typed/typed (per round) "
      "| p50 us | p99 us | server CPU us/call | client CPU us/call |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for combo in COMBOS:
    print(f"| {combo[0]} | {combo[1]} | {med(combo, 'qps'):.0f} | {med(combo, 'qps') / base:.2f}x"
          f" | {paired(combo):.2f}x | {med(combo, 'p50_us'):.0f} | {med(combo, 'p99_us'):.0f}"
          f" | {med(combo, 'server_us'):.2f} | {med(combo, 'client_us'):.2f} |")
ratio = med(("generic", "typed"), "qps") / base
met = ratio >= 0.5
print(f"summary: generic echo call (generic client, typed server) at {ratio:.2f}x the typed "
      f"call's QPS (per round: {paired(('generic', 'typed')):.2f}x); goal >= 0.5x: "
      f"{'met' if met else 'missed'}")
sys.exit(0 if met else 1)
EOF
exit "$status"
