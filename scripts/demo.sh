#!/usr/bin/env bash
# Installs what the demo needs, builds only what it runs (the runtime,
# vireo-gen, the echo example and vireo-call) and runs the echo example end
# to end: starts echo_server on a free port, then runs echo_client against
# it over each framing (THeader, TTHeader, Framed, Buffered), both
# protocols and every connection mode, then calls it once more with
# vireo-call (JSON in and out, the IDL read at run time); exits non-zero if
# any call failed.
#
# Usage: scripts/demo.sh
# The build directory is build/. A fresh one is configured without tests
# and benchmarks; one configured already (scripts/test.sh's) is used as is.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh --demo
configure=()
# Optimised without debug information: a third less compile time.
[[ -f build/CMakeCache.txt ]] ||
  configure=(-DVIREO_BUILD_TESTS=OFF -DVIREO_BUILD_BENCH=OFF
             -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG")
VIREO_BUILD_TARGETS="echo_server echo_client vireo-gen vireo-call" \
  scripts/build.sh build "${configure[@]}"

bin=build/examples/echo
runs=()
for run in "theader binary mux" "ttheader compact pool" "framed binary short" \
           "buffered compact mux" "theader compact pool" "framed compact mux"; do
  read -r framing protocol mode <<< "$run"
  runs+=(-- --framing="$framing" --protocol="$protocol" --mode="$mode")
done
status=0
examples/run_pair.sh "$bin/echo_server" "$bin/echo_client" "${runs[@]}" || status=1
examples/run_pair.sh "$bin/echo_server" examples/echo/call_with_vireo_call.sh \
  -- --vireo-call="$PWD/build/core/generic/vireo-call" || status=1
cat <<'TEXT'
demo: built only what it ran: build/examples/echo/echo_server and echo_client,
  build/codegen/vireo-gen, build/core/generic/vireo-call (docs/cli.md).
  Everything else (all examples, benchmarks, tests): `cmake --build build`
  after `scripts/setup.sh`; the whole test suite: scripts/test.sh.
TEXT
echo "demo: done, status $status"
exit "$status"
