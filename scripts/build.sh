#!/usr/bin/env bash
# Configures (Ninja, RelWithDebInfo, warnings as errors) and builds Vireo.
#
# Usage: scripts/build.sh <builddir> [extra cmake args...]
# Run from the repository root. VIREO_JOBS sets the build parallelism.
set -euo pipefail

if (( $# < 1 )); then
  echo "usage: $0 <builddir> [extra cmake args...]" >&2
  exit 2
fi
build_dir=$1
shift

cmake -S . -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIREO_WERROR=ON "$@"
cmake --build "$build_dir" -j"${VIREO_JOBS:-$(nproc)}"
