// Resolver: where a service's instances are.
//
// A client asks its resolver for the instances of the service it calls and
// hands them to a load balancer (core/load_balancer.h) on every call. The
// static resolver serves a fixed host:port list; discovery (DNS, a
// registry) plugs in as another Resolver without touching the call path.
//
// Example:
//   absl::StatusOr<std::shared_ptr<StaticResolver>> r =
//       StaticResolver::FromTargets({"127.0.0.1:9090", "127.0.0.1:9091"});
//   absl::StatusOr<InstanceList> list = (*r)->Resolve("EchoService");
//
// Thread rules: Resolve is called from any thread, concurrently: an
// implementation must be thread safe and cheap (serve a cached snapshot;
// refresh it elsewhere).
#ifndef VIREO_CORE_RESOLVER_H_
#define VIREO_CORE_RESOLVER_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "vireo/transport/inet_address.h"

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

}  // namespace vireo

#endif  // VIREO_CORE_RESOLVER_H_
