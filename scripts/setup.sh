#!/usr/bin/env bash
# Installs, with apt-get, the Debian packages needed to build and test Vireo.
# Quiet and a no-op when everything is present.
#
# Extra packages (space separated) may be added with VIREO_EXTRA_PACKAGES.
#
# Usage: scripts/setup.sh [--demo]
#   --demo   only what scripts/demo.sh builds and runs needs: the compiler,
#            CMake, the runtime's libraries, simdjson (vireo-call) and curl
set -euo pipefail

demo_packages=(
  build-essential cmake ninja-build pkg-config
  libabsl-dev libspdlog-dev libfmt-dev libyaml-cpp-dev zlib1g-dev
  prometheus-cpp-dev libsimdjson-dev liburing-dev curl
)
packages=(
  build-essential cmake ninja-build pkg-config git
  libabsl-dev libspdlog-dev libfmt-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev
  # io_uring event loops (transport, EventLoop::EnableIoUring).
  liburing-dev
  # etcd discovery (core/discovery): JSON for etcd's HTTP gateway.
  nlohmann-json3-dev
  # Interoperability peers, for tests only: Apache Thrift's C++ and Python
  # libraries and compiler (libthrift's headers need Boost and libevent).
  libthrift-dev thrift-compiler libboost-dev libevent-dev python3-thrift
  # A real etcd for the etcd discovery tests only (core/discovery,
  # label etcd): the server and etcdctl.
  etcd-server etcd-client
  # Generic calls and vireo-call (core/generic): simdjson parses the JSON.
  libsimdjson-dev
  # Metrics (core/metrics): prometheus-cpp's registry and text serializer.
  # For tests only: curl, and Prometheus's server and promtool.
  prometheus-cpp-dev prometheus curl
  # The fuzz targets (fuzz/, scripts/fuzz.sh): clang and its libFuzzer.
  clang libclang-rt-dev
)
case "${1:-}" in
  "") ;;
  --demo) packages=("${demo_packages[@]}") ;;
  *) echo "usage: $0 [--demo]" >&2; exit 2 ;;
esac
read -r -a extra <<< "${VIREO_EXTRA_PACKAGES:-}"
packages+=("${extra[@]}")

installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

missing_packages() {
  local p
  for p in "${packages[@]}"; do
    installed "$p" || echo "$p"
  done
}

mapfile -t missing < <(missing_packages)
(( ${#missing[@]} == 0 )) && exit 0

sudo=()
if (( EUID != 0 )) && command -v sudo >/dev/null; then
  sudo=(sudo)
fi

echo "setup: installing ${missing[*]}"
if ! { "${sudo[@]}" apt-get update &&
       "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
         apt-get install -y --no-install-recommends "${missing[@]}"; }; then
  echo "setup: apt-get failed" >&2
fi

mapfile -t missing < <(missing_packages)
if (( ${#missing[@]} > 0 )); then
  echo "setup: could not install: ${missing[*]}" >&2
  exit 1
fi
