#!/usr/bin/env bash
# Installs dependencies, builds Vireo and runs the whole test suite:
# a release build (libraries, vireo-gen, examples, benchmarks) with the echo
# example end to end, a clang build of the libraries that checks the lock
# annotations, then every test under ASan+UBSan, the concurrent parts under
# TSan, and every fuzz target (clang, libFuzzer) for a minute.
#
# Usage: scripts/test.sh [--quick]
#   --quick             setup, the release build and the echo example only
# Environment:
#   VIREO_JOBS          build and ctest parallelism (default: nproc for the
#                       build, 2 for ctest)
#   VIREO_TSAN_LABELS   labels run under TSan, separated by '|' (default:
#                       transport|mux|server|rpc); only their test binaries
#                       are built
#   VIREO_FUZZ_SECONDS  how long each fuzz target runs (default: 60)
set -euo pipefail

quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "test.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

cd "$(dirname "${BASH_SOURCE[0]}")/.."

tsan_labels=${VIREO_TSAN_LABELS:-transport|mux|server|rpc}
# The sanitizer builds compile at -O1 with line tables only: less than half
# the compile time of -O2 -g on our coroutine-heavy code, with stack traces
# that still name files and lines.
sanitizer_flags=(-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG -DVIREO_ENABLE_DCHECKS" -DVIREO_BUILD_BENCH=OFF)
ctest_args=(--output-on-failure -j"${VIREO_JOBS:-2}" --timeout 300)

summary=()
stage_start=0
current_stage=""

begin() {
  current_stage=$1
  stage_start=$SECONDS
  echo
  echo "==== [$current_stage] $2"
}

end() {
  local line
  line=$(printf '%-6s ok  %4ds' "$current_stage" $((SECONDS - stage_start)))
  summary+=("$line")
  echo "==== [$current_stage] done in $((SECONDS - stage_start))s"
  current_stage=""
}

report() {
  local status=$?
  echo
  echo "==== summary"
  local line
  for line in "${summary[@]}"; do
    echo "  $line"
  done
  if [[ -n "$current_stage" ]]; then
    printf '  %-6s FAILED after %ds\n' "$current_stage" $((SECONDS - stage_start))
  fi
  if (( status == 0 )); then
    echo "  all stages passed in ${SECONDS}s"
  else
    echo "  failed (exit $status) after ${SECONDS}s"
  fi
}
trap report EXIT

begin setup "installing dependencies (scripts/setup.sh)"
scripts/setup.sh
end

begin build "release build in build/ (no tests) and the echo example end to end"
# What scripts/demo.sh builds, optimised as a release is, warnings as
# errors, with line tables only (a third less compile time than full debug
# information). The tests are built and run by the sanitizer stages below:
# building them a third time would take a third of the suite's time, and
# AddressSanitizer and UBSan see everything an unsanitized run would.
scripts/build.sh build -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
  -DVIREO_BUILD_TESTS=OFF
scripts/demo.sh
end

if (( quick )); then
  exit 0
fi

begin locks "clang build of the libraries in build-locks/: lock annotations checked"
# -Wthread-safety (added for clang by cmake/VireoCompileOptions.cmake) with
# warnings as errors: an access to an ABSL_GUARDED_BY member without its
# lock fails the build. Unoptimised: only the analysis matters here.
CC=clang CXX=clang++ VIREO_BUILD_TARGETS="vireo_core vireo_etcd" \
  scripts/build.sh build-locks -DVIREO_BUILD_TESTS=OFF -DVIREO_BUILD_BENCH=OFF \
    -DVIREO_BUILD_EXAMPLES=OFF -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O0"
end

begin asan "ASan+UBSan build in build-asan/ and ctest"
scripts/build.sh build-asan -DVIREO_SANITIZE=address,undefined "${sanitizer_flags[@]}"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan "${ctest_args[@]}"
end

begin tsan "TSan build in build-tsan/ and ctest -L '$tsan_labels'"
# Only the test binaries of the TSan labels are built (vireo_tests_<label>).
tsan_targets=""
IFS='|' read -ra _tsan_label_list <<<"$tsan_labels"
for l in "${_tsan_label_list[@]}"; do tsan_targets+=" vireo_tests_$l"; done
VIREO_BUILD_TARGETS="$tsan_targets" \
  scripts/build.sh build-tsan -DVIREO_SANITIZE=thread "${sanitizer_flags[@]}"
# TSan cannot cope with the high-entropy mmap layout of recent kernels
# ("unexpected memory mapping"); running with ASLR off avoids it.
no_aslr=()
if command -v setarch >/dev/null && setarch "$(uname -m)" -R true 2>/dev/null; then
  no_aslr=(setarch "$(uname -m)" -R)
fi
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/tsan.supp \
  "${no_aslr[@]}" ctest --test-dir build-tsan -L "$tsan_labels" "${ctest_args[@]}"
end

begin fuzz "fuzz targets in build-fuzz/, ${VIREO_FUZZ_SECONDS:-60}s each (scripts/fuzz.sh)"
scripts/fuzz.sh all "${VIREO_FUZZ_SECONDS:-60}"
end
