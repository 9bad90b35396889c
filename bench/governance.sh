#!/usr/bin/env bash
# Runs the service-governance scenarios (bench/governance.py: a server
# killed mid-run, backup requests around a slow server, weights, a QPS
# limit, the cost of the policies) and writes their figures into
# docs/benchmarks.md.
#
# Installs what is missing (scripts/setup.sh), builds the bench server and
# client, and, when a baseline commit is given, the client of that commit
# too (in a git worktree), for scenario 5's "today's client" column. On a
# 2-core machine the scenarios take about 6 minutes, builds excluded.
#
# Usage: bench/governance.sh [builddir] [baseline-commit]
#   builddir         default: build-bench
#   baseline-commit  e.g. 662b495 (the client before the governance work)
# Environment: RUNS (3) runs per scenario; ONLY (all) a comma list of
# kill,backup,weights,qps_limit,cost; DOC the page (docs/benchmarks.md).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=$(realpath -m -- "${1:-build-bench}")
baseline_commit=${2:-}

VIREO_EXTRA_PACKAGES="python3" scripts/setup.sh

bench_build() {  # <source dir> <build dir>
  cmake -S "$1" -B "$2" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIREO_WERROR=ON \
    -DVIREO_BUILD_TESTS=OFF -DVIREO_BUILD_EXAMPLES=OFF >/dev/null
  cmake --build "$2" -j"$(nproc)" --target vireo_rpc_bench_server vireo_rpc_bench_client
}

bench_build . "$build"
baseline_args=()
if [[ -n $baseline_commit ]]; then
  tree=$build-baseline-src
  if [[ ! -d $tree ]]; then
    git worktree add --detach "$tree" "$baseline_commit" >/dev/null
  else
    git -C "$tree" checkout --detach -q "$baseline_commit"
  fi
  bench_build "$tree" "$build-baseline"
  baseline_args=(--baseline-build "$build-baseline"
                 --baseline-label "commit $(git rev-parse --short "$baseline_commit")")
fi

/usr/bin/python3 bench/governance.py --build "$build" "${baseline_args[@]}" \
  --runs "${RUNS:-3}" --only "${ONLY:-kill,backup,weights,qps_limit,cost}" \
  --doc "${DOC:-docs/benchmarks.md}"
