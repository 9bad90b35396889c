#!/usr/bin/env bash
# The discovery example end to end: starts etcd, three echo servers that
# register themselves in it, and a client that finds them through etcd and
# prints which instance answered each call; kills one server (SIGKILL, so
# it cannot deregister) while the client calls, and shows the client
# carrying on with the other two once etcd drops the dead one.
#
# Usage: examples/discovery/run.sh <discovery_server> <discovery_client>
# Needs etcd (Debian: etcd-server; $VIREO_ETCD names another binary).
# Exits non-zero if a call failed or the killed server kept answering.
set -euo pipefail

if (( $# != 2 )); then
  echo "usage: $0 <discovery_server> <discovery_client>" >&2
  exit 2
fi
server=$1
client=$2
etcd_bin=${VIREO_ETCD:-$(command -v etcd || true)}
if [[ -z "$etcd_bin" ]]; then
  echo "etcd not found: install etcd-server (scripts/setup.sh does)" >&2
  exit 1
fi

work=$(mktemp -d)
pids=()
cleanup() {
  local status=$?
  if (( status != 0 )); then
    for f in "$work"/*.log; do
      [[ -f "$f" ]] && { echo "--- $(basename "$f") (last lines)"; tail -n 20 "$f"; }
    done
  fi
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

etcd_answers() {
  python3 - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
urllib.request.urlopen("http://%s/v3/kv/range" % sys.argv[1], b'{"key":"AA=="}', timeout=1)
PY
}

# Free ports are picked, then bound by etcd: another process may take one
# in between, so a start whose etcd exits is tried again on new ports.
etcd_at=""
for attempt in 1 2 3; do
  client_port=$(free_port)
  peer_port=$(free_port)
  at=127.0.0.1:$client_port
  rm -rf "$work/etcd"
  "$etcd_bin" --name example --data-dir "$work/etcd" \
    --listen-client-urls "http://$at" --advertise-client-urls "http://$at" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "example=http://127.0.0.1:$peer_port" >"$work/etcd.log" 2>&1 &
  etcd_pid=$!
  pids+=($etcd_pid)
  started=$SECONDS
  while kill -0 "$etcd_pid" 2>/dev/null && (( SECONDS - started < 30 )); do
    if etcd_answers "$at"; then etcd_at=$at; break; fi
    sleep 0.05
  done
  [[ -n "$etcd_at" ]] && break
  echo "etcd did not come up on $at (attempt $attempt):"
  tail -n 5 "$work/etcd.log"
  kill -9 "$etcd_pid" 2>/dev/null || true
done
[[ -n "$etcd_at" ]] || { echo "etcd did not start" >&2; exit 1; }
echo "etcd at $etcd_at"

# Three servers; a short lease so that the killed one leaves within 3 s.
server_pids=()
for i in 1 2 3; do
  "$server" --etcd="$etcd_at" --name="server-$i" --ttl=3s --port-file="$work/port-$i" \
    >"$work/server-$i.log" 2>&1 &
  pids+=($!)
  server_pids+=($!)
done
for i in 1 2 3; do
  for _ in $(seq 200); do [[ -s "$work/port-$i" ]] && break; sleep 0.05; done
  [[ -s "$work/port-$i" ]] || { echo "server-$i did not start"; cat "$work/server-$i.log"; exit 1; }
  echo "server-$i listening on 127.0.0.1:$(cat "$work/port-$i"), registered in etcd"
done

"$client" --etcd="$etcd_at" --calls=160 --interval=40ms >"$work/client.log" 2>&1 &
client_pid=$!
pids+=($client_pid)

# After 40 calls, server-1 dies without a word.
for _ in $(seq 400); do
  (( $(grep -c '^call ' "$work/client.log" || true) >= 40 )) && break
  sleep 0.05
done
{ kill -9 "${server_pids[0]}" && wait "${server_pids[0]}"; } 2>/dev/null || true
echo "--- killed server-1 (SIGKILL) after call $(grep -c '^call ' "$work/client.log")"
killed_at=$(grep -c '^call ' "$work/client.log")

status=0
wait "$client_pid" || status=$?
cat "$work/client.log"
if (( status != 0 )); then
  echo "the client saw failed calls (exit $status)" >&2
  exit 1
fi
# Once etcd dropped it (3 s lease, 75 calls), server-1 is never called.
late=$(tail -n +$((killed_at + 80)) "$work/client.log" | grep -c 'answered by server-1' || true)
if (( late != 0 )); then
  echo "server-1 answered $late calls after it was killed?" >&2
  exit 1
fi
for i in 2 3; do
  grep -q "answered by server-$i" "$work/client.log" || { echo "server-$i never answered" >&2; exit 1; }
done
echo "discovery example: every call answered; server-1 left when its lease ran out"
