// EtcdRegistry: a server's services recorded in etcd, in Kitex's layout.
//
// Each registration is the key <prefix>/<service>/<host:port> with the
// value {"network":"tcp","address":"host:port","weight":W,"tags":{...}}
// under a lease of `ttl`, so Vireo and Kitex (kitex-contrib/registry-etcd)
// services find each other in one etcd. A thread keeps the leases alive
// (every ttl/3) and checks the keys are there: when a lease is gone (etcd
// was unreachable longer than the ttl, or lost its data) or a key was
// deleted, it writes the key again under a new lease. Deregister deletes
// the key and revokes its lease at once. A server that dies without
// deregistering leaves its key until the lease expires.
//
// Example:
//   vireo::etcd::EtcdRegistryOptions o;
//   o.endpoints = {"127.0.0.1:2379"};
//   absl::StatusOr<std::shared_ptr<vireo::etcd::EtcdRegistry>> r =
//       vireo::etcd::EtcdRegistry::Create(o);
//   server.SetRegistry(*r);          // or ServerOptions::registry.kind = "etcd"
//
// Thread rules: Register and Deregister from any thread; the destructor
// from any thread but the registry's own.
#ifndef VIREO_CORE_DISCOVERY_ETCD_REGISTRY_H_
#define VIREO_CORE_DISCOVERY_ETCD_REGISTRY_H_

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vireo/core/discovery/etcd_client.h"
#include "vireo/core/registry.h"
#include "vireo/transport/mutex.h"

namespace vireo::etcd {

struct EtcdRegistryOptions {
  // etcd's client endpoints, "host:port". At least one. Default: none.
  std::vector<std::string> endpoints;
  // Key prefix, no leading slash. Default: Kitex's "kitex/registry-etcd".
  std::string prefix = "kitex/registry-etcd";
  // Lease time to live: how long a crashed server's key outlives it. At
  // least 1 s (etcd's unit; rounded up to whole seconds). Default: 60 s.
  absl::Duration ttl = absl::Seconds(60);
  // Timeouts and limits of the etcd client; its endpoints are the ones
  // above.
  EtcdClientOptions client;
};

// The key and value Kitex writes for `info` under `prefix`.
std::string RegistryKey(std::string_view prefix, const RegistryInfo& info);
std::string RegistryValue(const RegistryInfo& info);

class EtcdRegistry : public Registry {
 public:
  // InvalidArgument for no endpoint, a bad endpoint or a ttl under 1 s.
  // Connects lazily: an unreachable etcd fails the first Register.
  static absl::StatusOr<std::shared_ptr<EtcdRegistry>> Create(EtcdRegistryOptions options);
  // The "etcd" registry kind of RegistryOptions.
  static absl::StatusOr<std::shared_ptr<Registry>> FromOptions(const RegistryOptions& options);

  ~EtcdRegistry() override;

  // Grants a lease, writes the key, and keeps both alive. The etcd error
  // when that fails (nothing is then kept).
  absl::Status Register(const RegistryInfo& info) override;
  // Deletes the key and revokes its lease. OK when it was not registered.
  absl::Status Deregister(const RegistryInfo& info) override;

  // Times a key was written again after it or its lease disappeared. Any
  // thread.
  uint64_t reregistrations() const;

  EtcdRegistry(EtcdRegistryOptions options, std::unique_ptr<EtcdClient> client);

 private:
  struct Entry {
    std::string value;
    int64_t lease = 0;
  };
  // Writes `key` under a new lease.
  absl::StatusOr<int64_t> Write(const std::string& key, const std::string& value);
  // One keep-alive round over every entry; false when etcd was unreachable.
  bool KeepAlive();
  void Run();

  const EtcdRegistryOptions options_;
  const std::unique_ptr<EtcdClient> client_;
  // Serialises the etcd work on one entry: the keeper never writes back a
  // key that Deregister has just removed.
  transport::Mutex io_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  mutable transport::Mutex mu_;
  transport::CondVar wake_;
  std::map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t reregistrations_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace vireo::etcd

#endif  // VIREO_CORE_DISCOVERY_ETCD_REGISTRY_H_
