// ClientOptions::FromYaml: the client's option file.
#include <string>

#include "vireo/core/client.h"
#include "vireo/core/internal/str_cat.h"
#include "vireo/core/internal/yaml_util.h"

namespace vireo {

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
  std::vector<std::pair<std::string, std::string>> metadata;
  r.StringMap("metadata", &metadata);
  for (const auto& [k, v] : metadata) o.metadata.Set(k, v);
  r.Limits("limits", &o.limits);
  r.Int("num_loops", &o.num_loops, 0, 1024);
  r.String("load_balancer", &o.load_balancer);
  r.IntList("weights", &o.weights);
  r.Int("virtual_nodes", &o.balancer.virtual_nodes, 1, 1 << 16);
  r.String("hash_metadata_key", &o.balancer.hash_metadata_key);
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
