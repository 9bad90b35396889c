// ClientOptions::FromYaml: the client's option file.
#include <string>

#include "vireo/core/client.h"
#include "vireo/core/internal/str_cat.h"
#include "vireo/core/internal/yaml_util.h"

namespace vireo {

namespace {

void ReadRetry(internal::YamlReader& r, RetryPolicy* p) {
  r.Bool("enabled", &p->enabled);
  r.Int("max_retries", &p->max_retries, 0, kMaxRetries);
  r.Duration("max_duration", &p->max_duration);
  r.Duration("attempt_timeout", &p->attempt_timeout);
  int backoff = static_cast<int>(p->backoff);
  r.Choice("backoff", {"none", "fixed", "random", "exponential"}, &backoff);
  p->backoff = static_cast<BackoffKind>(backoff);
  r.Duration("backoff_base", &p->backoff_base);
  r.Duration("backoff_max", &p->backoff_max);
  r.Double("jitter", 0, 1, &p->jitter);
  std::vector<std::string> codes;
  r.StringList("retry_on", &codes);
  if (!codes.empty()) {
    p->retry_on.clear();
    for (const std::string& name : codes) {
      absl::StatusCode code;
      if (!internal::ParseStatusCode(name, &code)) {
        r.Fail("retry_on", internal::Cat("\"", name, "\" is not a status code name (e.g. UNAVAILABLE)"));
        break;
      }
      p->retry_on.push_back(code);
    }
  }
  r.Bool("idempotent", &p->idempotent);
  r.Bool("retry_same_node", &p->retry_same_node);
  r.Bool("chain_stop", &p->chain_stop);
  r.Duration("backup_delay", &p->backup_delay);
  r.Double("budget_ratio", 0, 1e9, &p->budget_ratio);
  r.Duration("budget_window", &p->budget_window);
  r.Int("budget_min_samples", &p->budget_min_samples, 0, INT32_MAX);
  if (absl::Status s = p->Validate(); !s.ok()) r.Fail("enabled", std::string(s.message()));
}

void ReadBreaker(internal::YamlReader& r, BreakerOptions* b) {
  r.Bool("enabled", &b->enabled);
  r.Duration("window", &b->window);
  r.Duration("bucket", &b->bucket);
  r.Double("error_rate", 0, 1, &b->error_rate);
  r.Int("min_samples", &b->min_samples, 1, INT32_MAX);
  r.Int("consecutive_failures", &b->consecutive_failures, 0, INT32_MAX);
  r.Duration("cooldown", &b->cooldown);
  r.Duration("probe_interval", &b->probe_interval);
  r.Int("successes_to_close", &b->successes_to_close, 1, 1 << 20);
  if (absl::Status s = b->Validate(); !s.ok()) r.Fail("enabled", std::string(s.message()));
}

}  // namespace

absl::StatusOr<ClientOptions> ClientOptions::FromYaml(std::string_view yaml) {
  absl::StatusOr<YAML::Node> root = internal::LoadYamlMapping(yaml, "client options");
  if (!root.ok()) return root.status();
  ClientOptions o;
  internal::YamlReader r(*root, "client");
  r.String("service", &o.service);
  r.StringList("targets", &o.targets);
  int framing = static_cast<int>(o.framing);
  r.Choice("framing", {"buffered", "framed", "theader", "ttheader"}, &framing);
  o.framing = static_cast<codec::Framing>(framing);
  int protocol = o.protocol == codec::ProtocolId::kCompact ? 1 : 0;
  r.Choice("protocol", {"binary", "compact"}, &protocol);
  o.protocol = protocol == 1 ? codec::ProtocolId::kCompact : codec::ProtocolId::kBinary;
  int mode = static_cast<int>(o.mode);
  r.Choice("mode", {"short", "pooled", "mux"}, &mode);
  o.mode = static_cast<ConnectionMode>(mode);
  r.Int("mux_connections", &o.mux_connections, 1, 1024);
  r.Int("max_in_flight", &o.max_in_flight, 0, INT32_MAX);
  r.Bool("wait_when_full", &o.wait_when_full);
  r.Int("max_idle_per_address", &o.max_idle_per_address, 0, 1 << 20);
  r.Duration("idle_timeout", &o.idle_timeout);
  r.Duration("connect_timeout", &o.connect_timeout);
  r.Duration("call_timeout", &o.call_timeout);
  r.Bool("multiplexed_names", &o.multiplexed_names);
  r.Bool("metrics", &o.metrics);
  std::vector<std::pair<std::string, std::string>> metadata;
  r.StringMap("metadata", &metadata);
  for (const auto& [k, v] : metadata) o.metadata.Set(k, v);
  r.Limits("limits", &o.limits);
  r.Int("num_loops", &o.num_loops, 0, 1024);
  r.Duration("busy_poll", &o.busy_poll);
  if (o.busy_poll < absl::ZeroDuration() || o.busy_poll > transport::EventLoop::kMaxBusyPoll) {
    r.Fail("busy_poll", "must be between 0 and 10ms");
  }
  r.Bool("io_uring", &o.io_uring);
  r.String("load_balancer", &o.load_balancer);
  r.IntList("weights", &o.weights);
  r.Int("virtual_nodes", &o.balancer.virtual_nodes, 1, 1 << 16);
  r.String("hash_metadata_key", &o.balancer.hash_metadata_key);
  r.Map("retry", [&](internal::YamlReader& m) { ReadRetry(m, &o.retry); });
  // Per method: what `retry` says, with the entry's keys on top.
  r.MapEach("method_retry", [&](const std::string& name, internal::YamlReader& m) {
    RetryPolicy p = o.retry;
    ReadRetry(m, &p);
    o.method_retry[name] = p;
  });
  r.StringList("idempotent_methods", &o.idempotent_methods);
  r.Map("breaker", [&](internal::YamlReader& m) { ReadBreaker(m, &o.breaker); });
  if (absl::Status s = r.Finish(); !s.ok()) return s;
  return o;
}

absl::StatusOr<ClientOptions> ClientOptions::FromYamlFile(const std::string& path) {
  absl::StatusOr<std::string> text = internal::ReadFileToString(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<ClientOptions> o = FromYaml(*text);
  if (!o.ok()) return absl::InvalidArgumentError(internal::Cat(path, ": ", o.status().message()));
  return o;
}

}  // namespace vireo
