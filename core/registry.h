// Registry: where a server tells a fleet that it serves.
//
// A server with a registry registers each of its services once it
// listens, and deregisters them when it stops, before its listener closes
// (so clients watching the registry stop picking it while it still
// answers the calls in flight). An implementation keeps its entries alive
// on its own (etcd: a lease kept alive, the key written again if it
// disappears) and never makes a call wait on the registry.
//
// Kinds are factories registered by name, as resolver schemes are
// (core/resolver.h): ServerOptions::registry.kind picks one. "etcd" comes
// with the vireo_etcd library (core/discovery/).
//
// Example:
//   vireo::ServerOptions options;
//   options.registry.kind = "etcd";
//   options.registry.endpoints = {"127.0.0.1:2379"};
//   options.registry.tags = {{"zone", "a"}};
//   vireo::Server server(options);       // registers at Start, deregisters at Stop
//
// Thread rules: Register and Deregister from any thread, not concurrently
// for the same entry. The kind registry is thread safe.
#ifndef VIREO_CORE_REGISTRY_H_
#define VIREO_CORE_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vireo/transport/inet_address.h"

namespace vireo {

// One instance of one service, as a registry records it.
struct RegistryInfo {
  // The service name clients resolve.
  std::string service;
  // Where clients reach the instance (never a wildcard address).
  transport::InetAddress address;
  // Relative weight for weighted balancers. Default: 10 (Kitex's).
  int weight = 10;
  // Key/values a client's balancer or router may select by.
  std::map<std::string, std::string> tags;
};

class Registry {
 public:
  virtual ~Registry() = default;
  // Records `info` and keeps it recorded until Deregister. An error when
  // the first write fails (the registry is unreachable, ...); once written,
  // outages are the implementation's to ride out.
  virtual absl::Status Register(const RegistryInfo& info) = 0;
  // Removes `info` at once. Idempotent.
  virtual absl::Status Deregister(const RegistryInfo& info) = 0;
};

// A server's registry, from its options (YAML key `registry`).
struct RegistryOptions {
  // Which registry: "" = none, "etcd". Default: none.
  std::string kind;
  // The registry's endpoints, "host:port". Default: none.
  std::vector<std::string> endpoints;
  // Key prefix (etcd), Kitex's layout: <prefix>/<service>/<host:port>.
  // Default: "kitex/registry-etcd".
  std::string prefix = "kitex/registry-etcd";
  // Lifetime of an entry whose server stopped renewing it (crashed).
  // Default: 60 s, as Kitex.
  absl::Duration ttl = absl::Seconds(60);
  // RegistryInfo::weight. Default: 10.
  int weight = 10;
  // RegistryInfo::tags. Default: none.
  std::map<std::string, std::string> tags;
  // The service name to register. Default: "" = the name of each service
  // the server hosts.
  std::string service;
  // The host to register, with the port the server listens on. Default:
  // "" = the listen address, or for a wildcard one (0.0.0.0, [::]) the
  // first non-loopback IPv4 address of the machine, as Kitex.
  std::string host;
};

using RegistryFactory =
    std::function<absl::StatusOr<std::shared_ptr<Registry>>(const RegistryOptions& options)>;

// Makes `kind` usable in RegistryOptions; replaces an earlier factory of
// that name. Thread safe.
void RegisterRegistryKind(std::string kind, RegistryFactory factory);

// The registry `options` name. InvalidArgument for an unknown kind (naming
// the known ones and, for etcd, the library that provides it) or what the
// factory rejects.
absl::StatusOr<std::shared_ptr<Registry>> NewRegistry(const RegistryOptions& options);

}  // namespace vireo

#endif  // VIREO_CORE_REGISTRY_H_
