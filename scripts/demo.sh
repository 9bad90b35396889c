#!/usr/bin/env bash
# Installs dependencies, builds Vireo and runs the echo example end to end:
# starts echo_server on a free port, then runs echo_client against it over
# each framing (THeader, TTHeader, Framed, Buffered), both protocols and
# every connection mode; exits non-zero if any client call failed.
#
# Usage: scripts/demo.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
scripts/build.sh build

bin=build/examples/echo
runs=()
for run in "theader binary mux" "ttheader compact pool" "framed binary short" \
           "buffered compact mux" "theader compact pool" "framed compact mux"; do
  read -r framing protocol mode <<< "$run"
  runs+=(-- --framing="$framing" --protocol="$protocol" --mode="$mode")
done
status=0
examples/run_pair.sh "$bin/echo_server" "$bin/echo_client" "${runs[@]}" || status=1
echo "demo: done, status $status"
exit "$status"
