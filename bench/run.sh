#!/usr/bin/env bash
# Runs the side-by-side RPC benchmarks (Vireo, Apache Thrift C++, gRPC C++,
# and the blocking-socket floor) and the generated-code benchmarks, and
# writes the results into docs/benchmarks.md with charts in docs/img/.
#
# Installs what is missing (Debian packages, as scripts/setup.sh does),
# builds only the benchmark programs, then runs bench/rpc_bench.py, which
# runs each point three times and reports medians. On a 2-core machine the
# whole run, build excluded, takes about 8 minutes.
#
# Usage: bench/run.sh [builddir]          (default: build-bench)
# Environment:
#   RUNS (3), DURATION (2 s), WARMUP (0.5 s): per point.
#   GRPC_CONNS (1): gRPC channels (at most one per caller).
#   DOC: the page to write (default docs/benchmarks.md).
# Exit status: 0 when every target is met, 1 when one is missed, 2 on error.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=$(realpath -m -- "${1:-build-bench}")
doc=${DOC:-docs/benchmarks.md}

VIREO_EXTRA_PACKAGES="gnuplot-nox libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev \
protobuf-compiler python3 util-linux" scripts/setup.sh

# Configure, then build the benchmark programs this machine can build (the
# peers' targets exist only when their packages were found).
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIREO_WERROR=ON \
  -DVIREO_BUILD_TESTS=OFF -DVIREO_BUILD_EXAMPLES=OFF >/dev/null
wanted=(vireo_rpc_bench_server vireo_rpc_bench_client vireo_transport_bench
        vireo_codegen_bench apache_bench_server apache_bench_client
        grpc_bench_server grpc_bench_client)
available=$(cmake --build "$build" --target help)
targets=()
for t in "${wanted[@]}"; do
  if grep -q "^$t:" <<< "$available"; then
    targets+=(--target "$t")
  else
    echo "run.sh: $t is not available on this machine (see the cmake output)" >&2
  fi
done
cmake --build "$build" -j"$(nproc)" "${targets[@]}"

start=$(date +%s)
codegen_md=$build/codegen_bench.md
if [[ -x $build/bench/vireo_codegen_bench ]]; then
  MAX_OTHERS=${MAX_OTHERS:-0.5} bench/run_codegen_bench.sh "$build" 3 "$codegen_md" \
    >"$build/codegen_bench.log" 2>&1 || true
fi
status=0
/usr/bin/python3 bench/rpc_bench.py --build "$build" --doc "$doc" \
  --runs "${RUNS:-3}" --duration "${DURATION:-2}" --warmup "${WARMUP:-0.5}" \
  --grpc-conns "${GRPC_CONNS:-1}" --codegen-md "$codegen_md" || status=$?
echo "run.sh: ran in $(( $(date +%s) - start )) s; wrote $doc" >&2
exit "$status"
