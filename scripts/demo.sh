#!/usr/bin/env bash
# Installs dependencies, builds Vireo and runs the TCP echo example end to end:
# starts tcp_echo_server on a free port, sends 1000 messages with
# tcp_echo_client and exits with the client's status.
#
# Usage: scripts/demo.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
scripts/build.sh build

bin=build/examples/tcp_echo
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

"$bin/tcp_echo_server" --port=0 --port-file="$port_file" &
server_pid=$!

# The server writes its bound port once it is listening.
for _ in $(seq 100); do
  [[ -s "$port_file" ]] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "demo: tcp_echo_server exited before listening" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ ! -s "$port_file" ]]; then
  echo "demo: tcp_echo_server did not report its port within 10 s" >&2
  exit 1
fi
port=$(tr -d '[:space:]' < "$port_file")
echo "demo: server listening on port $port"

status=0
"$bin/tcp_echo_client" --port="$port" --messages=1000 || status=$?
echo "demo: client exited with status $status"
exit "$status"
