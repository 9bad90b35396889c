#!/usr/bin/env bash
# Configures (Ninja, RelWithDebInfo, warnings as errors) and builds Vireo.
#
# Usage: scripts/build.sh <builddir> [extra cmake args...]
# Works from any directory; a relative <builddir> is taken from the current one.
# VIREO_JOBS sets the build parallelism (default: nproc); VIREO_BUILD_TARGETS
# (space-separated) builds only those targets (default: all).
set -euo pipefail

if (( $# < 1 )); then
  echo "usage: $0 <builddir> [extra cmake args...]" >&2
  exit 2
fi
build_dir=$(realpath -m -- "$1")
shift
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cmake -S . -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIREO_WERROR=ON "$@"
targets=()
for t in ${VIREO_BUILD_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$build_dir" -j"${VIREO_JOBS:-$(nproc)}" "${targets[@]}"
