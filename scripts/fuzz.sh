#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (clang, ASan+UBSan) and runs them.
#
# Usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer args...]
#        scripts/fuzz.sh all SECONDS [libFuzzer args...]
#        scripts/fuzz.sh --list
#   TARGET    one of --list (e.g. frame_fuzzer); `all` runs every target,
#             two at a time, and prints the executions of each
#   SECONDS   how long each target runs (libFuzzer -max_total_time)
#   extra args go to libFuzzer as they are (e.g. -runs=10000000)
# Exits non-zero when a target finds a crash, leak, timeout or OOM (its
# input is saved under <builddir>/fuzz-artifacts/TARGET/) or fails to start.
# Environment:
#   VIREO_FUZZ_BUILD_DIR  build directory (default: build-fuzz at the repo
#                         root); the corpora live in <builddir>/fuzz-corpus/
#   VIREO_JOBS            build parallelism (default: nproc)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)

targets=(frame_fuzzer binary_skip_fuzzer compact_skip_fuzzer complex_binary_fuzzer
         complex_compact_fuzzer idl_parser_fuzzer generic_json_fuzzer)
# The largest input (-max_len) of every target: room for the biggest seed
# (a Complex just over the 8 KiB contiguous-encode limit) and for values
# past the 8 KiB block and 4 KiB slice sizes.
max_len=16384
# Per-target libFuzzer flags. idl_parser_fuzzer: libFuzzer 14's entropic
# scheduler spends most of the time of a target with this many coverage
# features (about 35,000) updating their frequencies; the plain scheduler
# runs it about 2.5 times as fast and reaches more features in a minute.
# idl_parser_fuzzer also takes inputs of 4 KiB at most: its cost grows with
# the text's length, and bugs of the front end need no long file to show.
target_flags() {
  case "$1" in
    idl_parser_fuzzer) echo "-entropic=0 -max_len=4096" ;;
  esac
}

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }

is_target() {
  local t
  for t in "${targets[@]}"; do [[ "$t" == "$1" ]] && return 0; done
  return 1
}

if (( $# == 1 )) && [[ "$1" == --list ]]; then
  printf '%s\n' "${targets[@]}"
  exit 0
fi
if (( $# == 1 )) && [[ "$1" == -h || "$1" == --help ]]; then
  usage
  exit 0
fi
if (( $# < 2 )); then
  usage >&2
  exit 2
fi
which=$1
seconds=$2
shift 2
extra=("$@")
if [[ "$which" != all ]] && ! is_target "$which"; then
  echo "fuzz.sh: unknown target '$which' (scripts/fuzz.sh --list)" >&2
  exit 2
fi
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
  echo "fuzz.sh: SECONDS must be a whole number, got '$seconds'" >&2
  exit 2
fi

build_dir=$(realpath -m -- "${VIREO_FUZZ_BUILD_DIR:-$repo/build-fuzz}")
run=("$which")
[[ "$which" == all ]] && run=("${targets[@]}")

# ---- Build: only what the run needs, incrementally ----
# The sanitizer builds' flags (scripts/test.sh), plus libstdc++'s bounds
# checks, which see out-of-range container indexes ASan cannot.
echo "==== building ${run[*]} in $build_dir"
CC=${CC:-clang} CXX=${CXX:-clang++} \
VIREO_BUILD_TARGETS="${run[*]} vireo_fuzz_seeds" \
  scripts/build.sh "$build_dir" \
    -DVIREO_BUILD_FUZZERS=ON -DVIREO_SANITIZE=address,undefined \
    -DVIREO_BUILD_TESTS=OFF -DVIREO_BUILD_BENCH=OFF -DVIREO_BUILD_EXAMPLES=OFF \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -D_GLIBCXX_ASSERTIONS"

# ---- Corpora ----
# fuzz-corpus/seeds/TARGET is rewritten on every run from our encoders and
# the repository's .thrift files; fuzz-corpus/TARGET keeps what the runs
# found, so the next run starts where this one stopped.
corpus_root=$build_dir/fuzz-corpus
"$build_dir/fuzz/vireo_fuzz_seeds" "$corpus_root/seeds" "$repo"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# run_one TARGET: runs it for $seconds; its output goes to
# fuzz-logs/TARGET.log and libFuzzer's exit status to fuzz-logs/TARGET.status.
run_one() {
  local t=$1 status=0 flags=()
  local log=$build_dir/fuzz-logs/$t.log
  read -ra flags <<<"$(target_flags "$t")"
  mkdir -p "$corpus_root/$t" "$build_dir/fuzz-artifacts/$t" "$build_dir/fuzz-logs"
  rm -f "$build_dir/fuzz-logs/$t.status"
  # -malloc_limit_mb: no single allocation may pass 256 MiB. The codec's own
  # limits allow 16 MiB (a string, an inflated payload), so anything near
  # this is an allocation the input's size did not bound.
  "$build_dir/fuzz/$t" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256 \
    -max_len="$max_len" \
    -print_final_stats=1 -artifact_prefix="$build_dir/fuzz-artifacts/$t/" \
    "${flags[@]}" "${extra[@]}" "$corpus_root/$t" "$corpus_root/seeds/$t" >"$log" 2>&1 \
    || status=$?
  echo "$status" >"$build_dir/fuzz-logs/$t.status"
}

# report TARGET STATUS: one line per target, and the finding if any.
report() {
  local t=$1 status=$2
  local log=$build_dir/fuzz-logs/$t.log
  local done_line runs secs rate
  done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)
  runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -1)
  rate=$(grep -oE 'exec/s: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || true)
  secs=$(sed -nE 's/^Done [0-9]+ runs in ([0-9]+) second.*/\1/p' "$log" | tail -1)
  if (( status == 0 )); then
    printf '  %-24s ok      %10s runs  %6s exec/s  %4ss\n' "$t" "${runs:-?}" "${rate:-?}" \
      "${secs:-?}"
    [[ -n "$done_line" ]] && echo "    $done_line"
  else
    printf '  %-24s FAILED  %10s runs (exit %d; log %s)\n' "$t" "${runs:-?}" "$status" "$log"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*check failed:|artifact_prefix|Test unit written to)' "$log" \
      | sed 's/^/    /' | head -20 || true
  fi
}

echo "==== fuzzing ${run[*]} for ${seconds}s each (logs in $build_dir/fuzz-logs)"
if [[ "$which" != all ]]; then
  run_one "$which"
else
  # Two at a time: the machine's two cores.
  for t in "${targets[@]}"; do
    while (( $(jobs -rp | wc -l) >= 2 )); do wait -n || true; done
    echo "  started $t"
    run_one "$t" &
  done
  wait
fi

echo "==== summary"
failed=0
for t in "${run[@]}"; do
  status=$(cat "$build_dir/fuzz-logs/$t.status" 2>/dev/null || echo 1)
  report "$t" "$status"
  (( status == 0 )) || failed=1
done
exit $failed
