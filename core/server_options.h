// ServerOptions: how a vireo::Server listens, runs handlers, bounds its
// input and shuts down; readable from a YAML file.
//
// Example:
//   vireo::ServerOptions options;
//   options.address = "127.0.0.1:0";          // any free port
//   options.worker_threads = 8;               // handlers that block
//   options.limits.max_frame_size = 4 << 20;
//
//   absl::StatusOr<vireo::ServerOptions> o =
//       vireo::ServerOptions::FromYamlFile("config.yaml");
//   if (!o.ok()) return o.status();           // names the bad key
//
// YAML keys (each optional; an absent key keeps the default below):
//
//   address: "0.0.0.0:8888"        # host:port; port 0 = any free port
//   num_loops: 4                   # 0 = one per hardware thread
//   busy_poll: 50us                # spin this long before a loop sleeps; "0" = off
//   io_uring: false                # loops receive and send through io_uring
//   worker_threads: 0              # 0 = handlers run on the loop thread
//   idle_timeout: 10m              # "0" = never; absl::ParseDuration syntax
//   read_timeout: 30s              # a started frame must be complete within; "0" = never
//   max_pending_output: 67108864   # bytes unsent before reading stops; 0 = no limit
//   max_connections: 10000         # 0 = no limit
//   max_calls_per_connection: 1024 # calls in flight before reading pauses; 0 = no limit
//   qps_limit: 10000               # calls per second; 0 = no limit
//   max_in_flight: 5000            # calls in flight on the server; 0 = no limit
//   max_in_flight_per_method: {echo: 100}
//   shutdown_grace: 5s
//   metrics: true                  # per-method call metrics (core/metrics.h)
//   admin: loopback                # HTTP admin pages on the service port: off, loopback, any
//   admin_address: ""              # host:port serving the admin pages alone; "" = none
//   admin_max_request_bytes: 8192  # an admin request's line and headers
//   registry:                      # core/registry.h; absent = none
//     kind: etcd
//     endpoints: ["127.0.0.1:2379"]
//     prefix: kitex/registry-etcd
//     ttl: 60s                     # at least 1s
//     weight: 10
//     tags: {zone: a}
//     service: ""                  # "" = each hosted service's name
//     host: ""                     # "" = the listen address (wildcard: first non-loopback IPv4)
//   limits:
//     max_frame_size: 16777216     # bytes
//     max_string_size: 16777216    # bytes
//     max_container_size: 1048576  # elements
//     max_depth: 64
//     max_inflated_size: 16777216  # bytes, after zlib
//
// A key not listed is an error naming it ("server.bogus: unknown key"); a
// value of the wrong kind is an error naming the key and the value.
//
// Thread rules: a plain value; share freely.
#ifndef VIREO_CORE_SERVER_OPTIONS_H_
#define VIREO_CORE_SERVER_OPTIONS_H_

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/core/registry.h"

namespace vireo {

struct ServerOptions {
  // Where to listen, "host:port". Port 0 takes any free port
  // (Server::port() tells which). Default: "0.0.0.0:8888", Kitex's port.
  std::string address = "0.0.0.0:8888";
  // Event loops (threads) serving connections. Default: 0 = one per
  // hardware thread.
  int num_loops = 0;
  // Each loop polls without blocking for this long before it sleeps
  // (EventLoop::set_busy_poll): lower latency at low load, a busy CPU per
  // loop while idle. At most 10 ms. Default: 0 (off).
  absl::Duration busy_poll = absl::ZeroDuration();
  // Each loop waits on an io_uring and its connections receive and send
  // through it (EventLoopGroup::Options::io_uring); a loop whose kernel
  // refuses stays on epoll with a warning. Default: false (epoll; see
  // docs/benchmarks.md for the figures either way).
  bool io_uring = false;
  // Threads that run handlers. 0 runs each handler on the loop thread of
  // its connection (no hand-off: the lowest latency, for handlers that
  // never block); N > 0 starts every handler on a pool of N threads (for
  // handlers that block; Stop() waits for a blocked one to return).
  // Default: 0.
  int worker_threads = 0;
  // Bounds on every frame, string, container and nesting depth a client
  // sends. A frame over them closes its connection. Default: Limits().
  codec::Limits limits;
  // A connection with no bytes read or written for this long is closed.
  // Only bytes count: keep it above the longest call a silent client
  // waits for, or that call loses its connection. Default: 0 = never.
  absl::Duration idle_timeout = absl::ZeroDuration();
  // Once the first byte of a frame has arrived, the whole frame must arrive
  // within this; otherwise the connection is closed with a logged reason.
  // Unlike idle_timeout, bytes trickling in do not extend it, so a client
  // sending a byte a second (slowloris) cannot hold a connection and its
  // buffer. Time the server spends not reading (max_pending_output) does
  // not count. Default: 30 s. 0 = never.
  absl::Duration read_timeout = absl::Seconds(30);
  // Most bytes of replies a connection may have queued and unsent (its
  // client is not reading them) before the server stops reading its
  // requests; reading resumes once the queue is down to half. Calls already
  // in flight still complete and queue their replies. As brpc's
  // socket_max_unwritten_bytes. Default: 64 MiB. 0 = no limit.
  size_t max_pending_output = 64 * 1024 * 1024;
  // Most connections open at once; further ones are accepted and closed at
  // once, with a log line. Default: 0 = no limit.
  size_t max_connections = 0;
  // Most calls in flight (dispatched, reply not yet queued) on one
  // connection. A client that pipelines more is paused: the server stops
  // decoding and reading its requests, which wait in the buffers (ours,
  // then the kernel's, then the client's) until a call finishes, instead of
  // queueing for workers without bound. Default: 1024. 0 = no limit.
  size_t max_calls_per_connection = 1024;
  // Calls per second the server runs; those over it are answered at once
  // with RESOURCE_EXHAUSTED "request over limit" (a TApplicationException
  // INTERNAL_ERROR whose message starts so), not queued. Up to a tenth of
  // a second's worth may come at once. Default: 0 = no limit.
  double qps_limit = 0;
  // Calls in flight on the whole server, and per method name; over them a
  // call is answered likewise. Default: 0 / empty = no limit.
  size_t max_in_flight = 0;
  std::map<std::string, size_t> max_in_flight_per_method;
  // How long Stop() (and the destructor) lets calls in flight finish and
  // send their replies before it closes the connections regardless.
  // Default: 5 s.
  absl::Duration shutdown_grace = absl::Seconds(5);
  // Where the server registers itself (core/registry.h). Default: kind ""
  // = nowhere.
  RegistryOptions registry;
  // Records every call in Metrics::Default() (core/metrics.h): counts by
  // code, latency, bytes, in flight; and the server's connections, loops
  // and workers as gauges. Default: true.
  bool metrics = true;
  // Who may read the admin pages (/metrics, /health, /status,
  // /connections, /config; docs/observability.md) with an HTTP/1.x GET on
  // the service port: nobody (an HTTP request is then bad input, closed),
  // clients on a loopback address, or any client. Default: loopback.
  enum class AdminAccess { kOff, kLoopback, kAny };
  AdminAccess admin = AdminAccess::kLoopback;
  // A second "host:port" serving only the admin pages, to any client that
  // reaches it (bind it to an address only operators reach). It stays open
  // until Stop() has finished, so /health answers 503 while the server
  // drains. Default: "" = none.
  std::string admin_address;
  // Most bytes of an admin request's line and headers; past it the client
  // gets 431 and the connection closes. Default: 8 KiB.
  size_t admin_max_request_bytes = 8192;

  // Reads options from YAML text (keys in the header comment); fields the
  // text does not set keep their defaults. InvalidArgument naming the key
  // for an unknown key or a bad value.
  static absl::StatusOr<ServerOptions> FromYaml(std::string_view yaml);
  // As FromYaml, from a file; errors also name the file.
  static absl::StatusOr<ServerOptions> FromYamlFile(const std::string& path);
  // The options as YAML, in FromYaml's keys (every key, defaults
  // included): what the admin page /config shows.
  std::string ToYaml() const;
};

}  // namespace vireo

#endif  // VIREO_CORE_SERVER_OPTIONS_H_
