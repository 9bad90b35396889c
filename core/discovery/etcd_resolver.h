// EtcdResolver: a service's instances as registered in etcd, kept current
// by a watch.
//
// Reads every key under <prefix>/<service>/ once, then watches that prefix
// from the revision it read, so an added, changed or removed instance
// reaches the balancer as soon as etcd reports it (Kitex's resolver polls
// every 5 s). Values are Kitex's JSON ({"network":"tcp","address":
// "host:port","weight":10,"tags":{...}}); weight and tags become the
// Instance's. An entry that does not parse is skipped and logged once per
// key and value.
//
// When etcd is unreachable the last known instances stay and calls go on;
// the resolver reconnects with back-off (100 ms doubling to 5 s) and
// resumes the watch after the last revision it saw, or reads everything
// again when that revision has been compacted away. The outage is logged
// when it starts and when it ends.
//
// Example:
//   ClientOptions o;
//   o.targets = {"etcd://127.0.0.1:2379/EchoService"};   // through NewResolver
//   // or: client.SetResolver(*EtcdResolver::Create({.endpoints = {...}, .service = "echo"}));
//
// Thread rules: Resolve from any thread; the destructor from any thread but
// the resolver's own.
#ifndef VIREO_CORE_DISCOVERY_ETCD_RESOLVER_H_
#define VIREO_CORE_DISCOVERY_ETCD_RESOLVER_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vireo/core/discovery/etcd_client.h"
#include "vireo/core/resolver.h"
#include "vireo/transport/mutex.h"

namespace vireo::etcd {

struct EtcdResolverOptions {
  // etcd's client endpoints, "host:port". At least one. Default: none.
  std::vector<std::string> endpoints;
  // Key prefix, no leading slash. Default: Kitex's "kitex/registry-etcd".
  std::string prefix = "kitex/registry-etcd";
  // The service whose instances Resolve serves, whatever name it is asked
  // for. Required.
  std::string service;
  // Back-off between reconnection attempts while etcd is unreachable.
  // Default: 100 ms, doubling up to 5 s.
  absl::Duration min_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
  // Timeouts and limits of the etcd client; its endpoints are the ones
  // above.
  EtcdClientOptions client;
};

// An instance from a Kitex registry value. InvalidArgument saying what is
// wrong: not JSON, not an object, no "address", a network other than
// "tcp", an address that does not resolve, a weight that is not an
// integer, tags that are not strings.
absl::StatusOr<Instance> ParseRegistryValue(std::string_view value);

class EtcdResolver : public UpdatableResolver {
 public:
  // Reads the service's instances now (bounded by the client's request
  // timeout), then watches. InvalidArgument for bad options. An etcd that
  // does not answer is not an error here: the resolver keeps trying, and
  // Resolve answers Unavailable until it has read once.
  static absl::StatusOr<std::shared_ptr<EtcdResolver>> Create(EtcdResolverOptions options);
  // The "etcd" scheme: etcd://host:port[,host:port]/service[?prefix=...].
  static absl::StatusOr<std::shared_ptr<Resolver>> FromTarget(const ResolverTarget& target);

  EtcdResolver(EtcdResolverOptions options, std::unique_ptr<EtcdClient> client);
  ~EtcdResolver() override;
  EtcdResolver(const EtcdResolver&) = delete;
  EtcdResolver& operator=(const EtcdResolver&) = delete;

  // Full reads of the prefix so far (the first, and one per compaction).
  // Any thread.
  uint64_t reads() const;
  // Watches started so far (the first, and one per reconnection). Any
  // thread.
  uint64_t watches() const;

 private:
  // Reads the prefix; false when etcd did not answer.
  bool ReadAll();
  void Apply(const WatchBatch& batch);
  void Publish();
  void Run();
  // Waits `d` or until stopping; false when stopping.
  bool Sleep(absl::Duration d);

  const EtcdResolverOptions options_;
  const std::string key_prefix_;  // <prefix>/<service>/
  const std::unique_ptr<EtcdClient> client_;
  mutable transport::Mutex mu_;
  transport::CondVar wake_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t reads_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t watches_ ABSL_GUARDED_BY(mu_) = 0;
  // Only on the resolver's thread (and in Create, before it runs): the
  // instances by key, the next revision to watch from, the entries logged
  // as bad (key and value).
  std::map<std::string, Instance> instances_;
  int64_t next_revision_ = 0;
  std::set<std::pair<std::string, std::string>> logged_bad_;
  std::thread thread_;
};

}  // namespace vireo::etcd

#endif  // VIREO_CORE_DISCOVERY_ETCD_RESOLVER_H_
