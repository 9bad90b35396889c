#!/usr/bin/env bash
# A "client" for examples/run_pair.sh: calls echo_server's EchoService.echo
# with vireo-call (the IDL read at run time, JSON in and out) over THeader
# and TTHeader, and checks the echoed message came back.
#
# Usage: call_with_vireo_call.sh --port=N --vireo-call=PATH
set -euo pipefail

port=""
vireo_call=""
for arg in "$@"; do
  case "$arg" in
    --port=*) port=${arg#--port=} ;;
    --vireo-call=*) vireo_call=${arg#--vireo-call=} ;;
    *) echo "call_with_vireo_call.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
if [[ -z "$port" || -z "$vireo_call" ]]; then
  echo "usage: $0 --port=N --vireo-call=PATH" >&2
  exit 2
fi

idl="$(dirname "${BASH_SOURCE[0]}")/../../bench/idl/echo.thrift"
status=0
for framing in theader ttheader; do
  echo "\$ vireo-call --idl bench/idl/echo.thrift --framing $framing 127.0.0.1:$port" \
       "EchoService.echo '{\"req\": {\"action\": \"demo\", \"msg\": \"hello from vireo-call\"}}'"
  reply=$("$vireo_call" --idl "$idl" --framing "$framing" "127.0.0.1:$port" EchoService.echo \
          '{"req": {"action": "demo", "msg": "hello from vireo-call"}}') || status=1
  echo "$reply"
  if [[ "$reply" != *'"msg":"hello from vireo-call"'* ]]; then
    echo "vireo-call over $framing: the echoed message did not come back" >&2
    status=1
  fi
done
exit "$status"
