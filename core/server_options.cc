// ServerOptions::FromYaml: the server's option file.
#include "vireo/core/server_options.h"

#include <cstdint>
#include <string>

#include "absl/strings/numbers.h"
#include "vireo/core/internal/str_cat.h"
#include "vireo/core/internal/yaml_util.h"
#include "vireo/transport/event_loop.h"

namespace vireo {

absl::StatusOr<ServerOptions> ServerOptions::FromYaml(std::string_view yaml) {
  absl::StatusOr<YAML::Node> root = internal::LoadYamlMapping(yaml, "server options");
  if (!root.ok()) return root.status();
  ServerOptions o;
  internal::YamlReader r(*root, "server");
  r.String("address", &o.address);
  r.Int("num_loops", &o.num_loops, 0, 1024);
  r.Duration("busy_poll", &o.busy_poll);
  if (o.busy_poll < absl::ZeroDuration() || o.busy_poll > transport::EventLoop::kMaxBusyPoll) {
    r.Fail("busy_poll", "must be between 0 and 10ms");
  }
  r.Bool("io_uring", &o.io_uring);
  r.Int("worker_threads", &o.worker_threads, 0, 4096);
  r.Duration("idle_timeout", &o.idle_timeout);
  r.Duration("read_timeout", &o.read_timeout);
  r.Int("max_pending_output", &o.max_pending_output, 0, INT64_MAX);
  r.Int("max_connections", &o.max_connections, 0, INT32_MAX);
  r.Int("max_calls_per_connection", &o.max_calls_per_connection, 0, INT32_MAX);
  r.Int("qps_limit", &o.qps_limit, 0, INT32_MAX);
  r.Int("max_in_flight", &o.max_in_flight, 0, INT32_MAX);
  std::vector<std::pair<std::string, std::string>> per_method;
  r.StringMap("max_in_flight_per_method", &per_method);
  for (const auto& [method, value] : per_method) {
    size_t n = 0;
    if (!absl::SimpleAtoi(value, &n)) {
      return absl::InvalidArgumentError(internal::Cat(
          "server.max_in_flight_per_method.", method, ": expected a count, got \"", value, "\""));
    }
    o.max_in_flight_per_method[method] = n;
  }
  r.Duration("shutdown_grace", &o.shutdown_grace);
  r.Limits("limits", &o.limits);
  r.Bool("metrics", &o.metrics);
  int admin = static_cast<int>(o.admin);
  r.Choice("admin", {"off", "loopback", "any"}, &admin);
  o.admin = static_cast<AdminAccess>(admin);
  r.String("admin_address", &o.admin_address);
  r.Int("admin_max_request_bytes", &o.admin_max_request_bytes, 256, 1 << 20);
  r.Map("registry", [&](internal::YamlReader& m) {
    RegistryOptions& g = o.registry;
    m.String("kind", &g.kind);
    m.StringList("endpoints", &g.endpoints);
    m.String("prefix", &g.prefix);
    m.Duration("ttl", &g.ttl);
    m.Int("weight", &g.weight, 0, INT32_MAX);
    std::vector<std::pair<std::string, std::string>> tags;
    m.StringMap("tags", &tags);
    for (auto& [key, value] : tags) g.tags[key] = value;
    m.String("service", &g.service);
    m.String("host", &g.host);
    if (!g.kind.empty() && g.endpoints.empty()) m.Fail("endpoints", "a registry needs endpoints");
    if (g.ttl < absl::Seconds(1)) m.Fail("ttl", "at least 1s");
  });
  if (absl::Status s = r.Finish(); !s.ok()) return s;
  // The port is checked here, so that a typo in a config file is reported
  // with its key rather than at Start(); the host may be a name, resolved
  // at Start().
  const size_t colon = o.address.rfind(':');
  int port = -1;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(absl::string_view(o.address).substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        internal::Cat("server.address: expected host:port, got \"", o.address, "\""));
  }
  return o;
}

std::string ServerOptions::ToYaml() const {
  YAML::Emitter e;
  e << YAML::BeginMap;
  e << YAML::Key << "address" << YAML::Value << address;
  e << YAML::Key << "num_loops" << YAML::Value << num_loops;
  e << YAML::Key << "busy_poll" << YAML::Value << absl::FormatDuration(busy_poll);
  e << YAML::Key << "io_uring" << YAML::Value << io_uring;
  e << YAML::Key << "worker_threads" << YAML::Value << worker_threads;
  e << YAML::Key << "idle_timeout" << YAML::Value << absl::FormatDuration(idle_timeout);
  e << YAML::Key << "read_timeout" << YAML::Value << absl::FormatDuration(read_timeout);
  e << YAML::Key << "max_pending_output" << YAML::Value << max_pending_output;
  e << YAML::Key << "max_connections" << YAML::Value << max_connections;
  e << YAML::Key << "max_calls_per_connection" << YAML::Value << max_calls_per_connection;
  e << YAML::Key << "qps_limit" << YAML::Value << qps_limit;
  e << YAML::Key << "max_in_flight" << YAML::Value << max_in_flight;
  e << YAML::Key << "max_in_flight_per_method" << YAML::Value << YAML::Flow << YAML::BeginMap;
  for (const auto& [method, n] : max_in_flight_per_method) {
    e << YAML::Key << method << YAML::Value << n;
  }
  e << YAML::EndMap;
  e << YAML::Key << "shutdown_grace" << YAML::Value << absl::FormatDuration(shutdown_grace);
  e << YAML::Key << "metrics" << YAML::Value << metrics;
  static constexpr const char* kAdmin[] = {"off", "loopback", "any"};
  e << YAML::Key << "admin" << YAML::Value << kAdmin[static_cast<int>(admin)];
  e << YAML::Key << "admin_address" << YAML::Value << admin_address;
  e << YAML::Key << "admin_max_request_bytes" << YAML::Value << admin_max_request_bytes;
  e << YAML::Key << "registry" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "kind" << YAML::Value << registry.kind;
  e << YAML::Key << "endpoints" << YAML::Value << YAML::Flow << registry.endpoints;
  e << YAML::Key << "prefix" << YAML::Value << registry.prefix;
  e << YAML::Key << "ttl" << YAML::Value << absl::FormatDuration(registry.ttl);
  e << YAML::Key << "weight" << YAML::Value << registry.weight;
  e << YAML::Key << "tags" << YAML::Value << YAML::Flow << YAML::BeginMap;
  for (const auto& [k, v] : registry.tags) e << YAML::Key << k << YAML::Value << v;
  e << YAML::EndMap;
  e << YAML::Key << "service" << YAML::Value << registry.service;
  e << YAML::Key << "host" << YAML::Value << registry.host;
  e << YAML::EndMap;
  e << YAML::Key << "limits" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "max_frame_size" << YAML::Value << limits.max_frame_size;
  e << YAML::Key << "max_string_size" << YAML::Value << limits.max_string_size;
  e << YAML::Key << "max_container_size" << YAML::Value << limits.max_container_size;
  e << YAML::Key << "max_depth" << YAML::Value << limits.max_depth;
  e << YAML::Key << "max_inflated_size" << YAML::Value << limits.max_inflated_size;
  e << YAML::EndMap;
  e << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

absl::StatusOr<ServerOptions> ServerOptions::FromYamlFile(const std::string& path) {
  absl::StatusOr<std::string> text = internal::ReadFileToString(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<ServerOptions> o = FromYaml(*text);
  if (!o.ok()) return absl::InvalidArgumentError(internal::Cat(path, ": ", o.status().message()));
  return o;
}

}  // namespace vireo
