// Resolver: where a service's instances are.
//
// A client asks its resolver for the instances of the service it calls and
// hands them to a load balancer (core/load_balancer.h) on every call. The
// static resolver serves a fixed host:port list; discovery (DNS, a
// registry) plugs in as another Resolver without touching the call path.
//
// Targets: a client's `targets` are either host:port entries (a static
// list) or one URI naming a resolver by its scheme:
//   dns:///name:port[?refresh=30s]     every A and AAAA address of name,
//                                      looked up again every `refresh`
//   etcd://host:port[,host:port]/service[?prefix=kitex/registry-etcd]
//                                      instances registered in etcd (the
//                                      vireo_etcd library, core/discovery/)
// A scheme is a factory registered under its name (RegisterResolverScheme);
// "dns" is built in.
//
// Example:
//   absl::StatusOr<std::shared_ptr<StaticResolver>> r =
//       StaticResolver::FromTargets({"127.0.0.1:9090", "127.0.0.1:9091"});
//   absl::StatusOr<InstanceList> list = (*r)->Resolve("EchoService");
//
//   absl::StatusOr<std::shared_ptr<Resolver>> d =
//       NewResolver({"dns:///echo.internal:8888?refresh=10s"});
//
// Thread rules: Resolve is called from any thread, concurrently: an
// implementation must be thread safe and cheap (serve a cached snapshot;
// refresh it elsewhere). The scheme registry is thread safe.
#ifndef VIREO_CORE_RESOLVER_H_
#define VIREO_CORE_RESOLVER_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vireo/transport/inet_address.h"
#include "vireo/transport/mutex.h"

namespace vireo {

struct Instance {
  transport::InetAddress address;
  // Relative weight for weighted balancers; 0 or less takes the instance
  // out. Default: 100.
  int weight = 100;
  // Key/values the resolver knows about the instance (a registry's tags:
  // cluster, zone, ...), for balancers and routing that select by them.
  // The built-in balancers do not read them. Default: none.
  std::map<std::string, std::string> tags;

  friend bool operator==(const Instance&, const Instance&) = default;
};

// A snapshot of a service's instances; shared, never changed once built.
using InstanceList = std::shared_ptr<const std::vector<Instance>>;

class Resolver {
 public:
  virtual ~Resolver() = default;
  // The instances of `service` now. An empty list or an error makes the
  // call fail with UNAVAILABLE.
  virtual absl::StatusOr<InstanceList> Resolve(std::string_view service) = 0;
};

// A fixed list, the same for every service name.
class StaticResolver : public Resolver {
 public:
  explicit StaticResolver(std::vector<Instance> instances);
  // Parses "host:port" targets (numeric IPv4/IPv6, or names resolved once,
  // now), with `weights` in the same order (empty: all 100).
  // InvalidArgument naming the target that does not parse, or when there
  // are weights but not one per target.
  static absl::StatusOr<std::shared_ptr<StaticResolver>> FromTargets(
      const std::vector<std::string>& targets, const std::vector<int>& weights = {});

  absl::StatusOr<InstanceList> Resolve(std::string_view service) override;

 private:
  InstanceList instances_;
};

// A resolver whose instances change: whatever refreshes it (a thread of
// the subclass) publishes each new list with Update; Resolve serves the
// latest one without waiting on the refresher.
class UpdatableResolver : public Resolver {
 public:
  // The latest list; before the first Update, the error of SetError
  // (default: Unavailable "no lookup has completed yet").
  absl::StatusOr<InstanceList> Resolve(std::string_view service) override;
  // How many times the list changed. Any thread.
  uint64_t updates() const { return updates_.load(std::memory_order_relaxed); }

 protected:
  // Publishes `instances` unless equal to the current list; true when it
  // changed. Any thread.
  bool Update(std::vector<Instance> instances);
  // What Resolve answers while there is no list (a first lookup failed).
  // Any thread.
  void SetError(absl::Status error);

 private:
  // A reader lock per Resolve: as cheap as the shared_ptr copy it guards
  // (std::atomic<std::shared_ptr> would be no cheaper, and libstdc++'s
  // lock-bit implementation of it is opaque to ThreadSanitizer).
  mutable transport::SharedMutex mu_;
  InstanceList instances_ ABSL_GUARDED_BY(mu_);
  absl::Status error_ ABSL_GUARDED_BY(mu_) = absl::UnavailableError("no lookup has completed yet");
  std::atomic<uint64_t> updates_{0};
};

// A target URI taken apart: scheme://authority/path?key=value&...
struct ResolverTarget {
  // The whole URI, for messages.
  std::string uri;
  std::string scheme;
  // What sits between "//" and the next '/': etcd's endpoints, empty for
  // dns:///.
  std::string authority;
  // After that '/', before '?': the service or the name:port.
  std::string path;
  // The query's key=value pairs. A factory rejects keys it does not know.
  std::map<std::string, std::string> params;

  // InvalidArgument naming the URI when it has no "scheme://", a scheme
  // that is not [a-z][a-z0-9+.-]*, or a query item without '='.
  static absl::StatusOr<ResolverTarget> Parse(std::string_view uri);
};

// Whether `target` looks like a URI ("scheme://...") rather than host:port.
bool IsResolverUri(std::string_view target);

// Builds the resolver of a parsed URI. Errors: InvalidArgument for a URI
// the scheme cannot use (naming what is wrong).
using ResolverFactory =
    std::function<absl::StatusOr<std::shared_ptr<Resolver>>(const ResolverTarget& target)>;

// Makes `scheme` usable in targets; replaces an earlier factory of that
// name. Thread safe.
void RegisterResolverScheme(std::string scheme, ResolverFactory factory);

// The resolver for a client's targets: a StaticResolver for host:port
// entries (with `weights`, as StaticResolver::FromTargets), or the resolver
// of the one URI. InvalidArgument for a URI mixed with other targets, an
// unknown scheme (naming the registered ones and, for etcd, the library
// that provides it), or what the factory rejects. May block while the
// resolver makes its first lookup (bounded by that resolver's timeouts).
absl::StatusOr<std::shared_ptr<Resolver>> NewResolver(const std::vector<std::string>& targets,
                                                      const std::vector<int>& weights = {});

}  // namespace vireo

#endif  // VIREO_CORE_RESOLVER_H_
