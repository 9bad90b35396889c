#!/usr/bin/env bash
# Starts an example server on a free port, runs a client against it once
# per argument set, stops the server, and exits non-zero if the server
# failed to start, any client run failed, or (with curl installed) the
# server's admin pages do not show it serving and counting the calls.
#
# Usage: examples/run_pair.sh <server> <client> [-- client args]...
#   e.g. run_pair.sh echo_server echo_client -- --framing=ttheader -- --framing=framed
# The client always gets --port=<the server's port>; with no argument set
# it runs once with no other arguments.
set -euo pipefail

if (( $# < 2 )); then
  echo "usage: $0 <server> <client> [-- client args]..." >&2
  exit 2
fi
server=$1
client=$2
shift 2

port_file=$(mktemp)
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -f "$port_file"
}
trap cleanup EXIT

"$server" --port=0 --port-file="$port_file" &
server_pid=$!
name=$(basename "$server")

# The server writes its bound port once it is listening.
for _ in $(seq 200); do
  [[ -s "$port_file" ]] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "$name exited before listening" >&2
    exit 1
  fi
  sleep 0.05
done
if [[ ! -s "$port_file" ]]; then
  echo "$name did not report its port within 10 s" >&2
  exit 1
fi
port=$(tr -d '[:space:]' < "$port_file")
echo "$name listening on port $port"

# Split the remaining arguments into sets at each "--".
sets=()
current=""
for arg in "$@"; do
  if [[ "$arg" == "--" ]]; then
    [[ -n "$current" ]] && sets+=("$current")
    current=""
  else
    current+="${current:+ }$arg"
  fi
done
[[ -n "$current" ]] && sets+=("$current")
(( ${#sets[@]} == 0 )) && sets=("")

status=0
for client_args in "${sets[@]}"; do
  # shellcheck disable=SC2086  # each set is a list of words
  "$client" --port="$port" $client_args || status=1
done

# The server's admin pages (on its own port, for loopback clients): it is
# serving, and its metrics count the calls the clients made.
if command -v curl >/dev/null; then
  health=$(curl -sf "http://127.0.0.1:$port/health" || true)
  if [[ "$health" != "serving" ]]; then
    echo "$name: /health answered '$health', expected 'serving'" >&2
    status=1
  fi
  ok_calls=$(curl -sf "http://127.0.0.1:$port/metrics" |
    awk '/^vireo_server_handled_total\{code="OK"/ { n += $2 } END { print n + 0 }')
  echo "$name: /health $health; /metrics counts $ok_calls calls answered OK"
  if (( ok_calls == 0 )); then
    echo "$name: /metrics counted no call" >&2
    status=1
  fi
fi

# A graceful stop must end the server cleanly.
kill -TERM "$server_pid"
if ! wait "$server_pid"; then
  echo "$name did not exit cleanly" >&2
  status=1
fi
server_pid=""
exit "$status"
