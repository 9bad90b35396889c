#!/usr/bin/env bash
# Compile-time benchmark (not a test): how long the C++ compiler takes on the
# code generated for the corpus's 150+-method service
# (tests/idl_corpus/big/placement_catalog_service.thrift), vireo-gen's output
# against Apache Thrift's `thrift --gen cpp` output for the same IDL.
#
# Every translation unit is compiled on its own (-c, object to a scratch
# dir), RUNS times, one compiler at a time; the table shows each TU's median
# and the sum of the medians per generator, and the ratio vireo / apache.
# Apache's .cpp files are compiled against libthrift's headers
# (`pkg-config --cflags thrift`); the server skeleton is left out. If
# vireo-gen rejects the IDL, or the Apache compiler or headers are missing,
# that half is skipped and the other still measured.
#
# Usage: bench/idl_compile/run.sh <builddir> [runs] [idl-file]
#   builddir  a configured and built Vireo build tree: its codegen/vireo-gen
#             and its include/ (headers as vireo/<layer>/...) are used
#   runs      compiles per TU (default 3)
#   idl-file  default: tests/idl_corpus/big/placement_catalog_service.thrift
# Environment:
#   CXX       compiler (default: the build tree's CMAKE_CXX_COMPILER, else c++)
#   CXXFLAGS  optimisation flags (default "-O2 -g -DNDEBUG": CMake's
#             RelWithDebInfo, the default build type)
#   THRIFT    Apache's compiler (default: thrift on PATH)
#   OUT       keep generated code and objects here (default: a temporary dir)
#   DRY_RUN=1 generate, print the compile commands, compile nothing
#
# Run it at low priority on a shared machine: nice -n 19 bench/idl_compile/run.sh ...
set -euo pipefail

if (( $# < 1 )); then
  echo "usage: $0 <builddir> [runs] [idl-file]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
runs=${2:-3}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
idl=${3:-$source_dir/tests/idl_corpus/big/placement_catalog_service.thrift}
idl=$(cd "$(dirname "$idl")" && pwd)/$(basename "$idl")

gen=$build/codegen/vireo-gen
if [[ ! -x $gen ]]; then
  echo "$0: $gen not found: build the vireo-gen target first" >&2
  exit 2
fi
if [[ ! -d $build/include/vireo ]]; then
  echo "$0: $build/include/vireo not found: not a Vireo build tree?" >&2
  exit 2
fi
if [[ -z ${CXX:-} ]]; then
  CXX=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
  CXX=${CXX:-c++}
fi
read -r -a opt_flags <<< "${CXXFLAGS:--O2 -g -DNDEBUG}"
thrift_bin=${THRIFT:-thrift}
if ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then
  echo "$0: runs must be a positive integer, not '$runs'" >&2
  exit 2
fi

if [[ -n ${OUT:-} ]]; then
  work=$OUT
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
rm -rf "$work/vireo" "$work/apache" "$work/obj"
mkdir -p "$work/vireo" "$work/apache" "$work/obj"
dirs=(-I "$(dirname "$idl")")

# The build tree's own -I/-isystem/-D flags for generated code (third-party
# headers outside /usr/include), taken from compile_commands.json when there.
extra_flags=()
if [[ -f $build/compile_commands.json ]] && command -v python3 >/dev/null; then
  mapfile -t extra_flags < <(python3 - "$build/compile_commands.json" <<'EOF'
import json, shlex, sys
for entry in json.load(open(sys.argv[1])):
    if "_gen/" not in entry["file"]:
        continue
    args = entry.get("arguments") or shlex.split(entry["command"])
    keep, i = [], 0
    while i < len(args):
        a = args[i]
        if a in ("-I", "-isystem", "-D") and i + 1 < len(args):
            if not args[i + 1].endswith("_gen"):
                keep += [a, args[i + 1]]
            i += 2
            continue
        if (a.startswith("-I") or a.startswith("-isystem") or a.startswith("-D")) \
                and not a.endswith("_gen"):
            keep.append(a)
        i += 1
    print("\n".join(keep))
    break
EOF
  )
fi

# --- generate -------------------------------------------------------------
vireo_tus=()
if "$gen" "${dirs[@]}" -o "$work/vireo" "$idl" > "$work/vireo-gen.log" 2>&1; then
  for f in "$work"/vireo/*.cc; do vireo_tus+=("$f"); done
else
  echo "vireo-gen rejects $(basename "$idl"); measuring Apache only:" >&2
  sed 's/^/  /' "$work/vireo-gen.log" | head -20 >&2
fi

apache_tus=()
apache_flags=()
if command -v "$thrift_bin" >/dev/null && pkg-config --exists thrift 2>/dev/null; then
  read -r -a apache_flags <<< "$(pkg-config --cflags thrift)"
  if "$thrift_bin" "${dirs[@]}" -o "$work/apache" --gen cpp "$idl" > "$work/thrift.log" 2>&1; then
    for f in "$work"/apache/gen-cpp/*.cpp; do
      [[ $f == *.skeleton.cpp ]] || apache_tus+=("$f")
    done
  else
    echo "thrift --gen cpp rejects $(basename "$idl"); measuring vireo-gen only:" >&2
    sed 's/^/  /' "$work/thrift.log" | head -20 >&2
  fi
else
  echo "no Apache Thrift compiler or libthrift headers (pkg-config thrift); measuring vireo-gen only" >&2
fi

if (( ${#vireo_tus[@]} == 0 && ${#apache_tus[@]} == 0 )); then
  echo "$0: nothing to compile" >&2
  exit 1
fi

# --- compile --------------------------------------------------------------
# compile_cmd <side> <tu>: prints the compile command, one word per line.
compile_cmd() {
  local side=$1 tu=$2
  local obj=$work/obj/$side-$(basename "$tu").o
  if [[ $side == vireo ]]; then
    printf '%s\n' "$CXX" -std=c++20 "${opt_flags[@]}" -I "$work/vireo" -I "$build/include" \
      "${extra_flags[@]}" -c "$tu" -o "$obj"
  else
    printf '%s\n' "$CXX" -std=c++20 "${opt_flags[@]}" -I "$work/apache/gen-cpp" \
      "${apache_flags[@]}" -c "$tu" -o "$obj"
  fi
}

# median <numbers...>
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

declare -A med
declare -A lines
declare -A side_failed
failed=0
for side in vireo apache; do
  if [[ $side == vireo ]]; then tus=("${vireo_tus[@]}"); else tus=("${apache_tus[@]}"); fi
  for tu in "${tus[@]}"; do
    mapfile -t cmd < <(compile_cmd "$side" "$tu")
    key="$side|$(basename "$tu")"
    lines[$key]=$(wc -l < "$tu")
    if [[ ${DRY_RUN:-0} == 1 ]]; then
      printf '%q ' "${cmd[@]}"
      echo
      continue
    fi
    times=()
    for ((r = 1; r <= runs; r++)); do
      start=$(date +%s.%N)
      if ! "${cmd[@]}" 2> "$work/obj/$side-$(basename "$tu").err"; then
        echo "compile failed: $side $(basename "$tu") (first errors below)" >&2
        grep -m 10 'error' "$work/obj/$side-$(basename "$tu").err" >&2 || true
        failed=1
        side_failed[$side]=1
        med[$key]=FAILED
        continue 2
      fi
      end=$(date +%s.%N)
      times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
    done
    med[$key]=$(median "${times[@]}")
    echo "  $side $(basename "$tu"): ${times[*]} s" >&2
  done
done
[[ ${DRY_RUN:-0} == 1 ]] && exit 0

# --- report ---------------------------------------------------------------
echo
echo "Compile time of the code generated for $(basename "$idl")"
echo "compiler: $("$CXX" --version | head -1); flags: -std=c++20 ${opt_flags[*]}; median of $runs"
echo
printf '%-8s %-58s %8s %10s\n' side "translation unit" lines "median s"
total_vireo=0
total_apache=0
for side in vireo apache; do
  total=0
  for key in $(printf '%s\n' "${!med[@]}" | grep "^$side|" | sort); do
    printf '%-8s %-58s %8s %10s\n' "$side" "${key#*|}" "${lines[$key]}" "${med[$key]}"
    [[ ${med[$key]} == FAILED ]] && continue
    total=$(awk -v a="$total" -v b="${med[$key]}" 'BEGIN { printf "%.3f", a + b }')
  done
  printf '%-8s %-58s %8s %10s\n' "$side" "(sum)" "" "$total"
  if [[ $side == vireo ]]; then total_vireo=$total; else total_apache=$total; fi
done
echo
if [[ -n ${side_failed[vireo]:-} || -n ${side_failed[apache]:-} ]]; then
  echo "ratio vireo / apache: n/a (a translation unit failed to compile)"
elif awk -v a="$total_vireo" -v b="$total_apache" 'BEGIN { exit !(a > 0 && b > 0) }'; then
  awk -v a="$total_vireo" -v b="$total_apache" \
    'BEGIN { printf "ratio vireo / apache (sum of medians): %.2f\n", a / b }'
else
  echo "ratio vireo / apache: n/a (one side not measured)"
fi
exit $failed
