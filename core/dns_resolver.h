// DnsResolver: a service's instances from DNS, looked up again and again.
//
// Every address a name has (A and AAAA, through getaddrinfo, so
// /etc/hosts and the system's resolver configuration apply) becomes an
// instance on the target's port. A thread of the resolver looks the name up
// every `refresh`; a changed answer replaces the list the client balances
// over, an unchanged one leaves it (and the balancer's state) alone. A
// failed lookup keeps the last answer: a DNS outage does not take a
// service's instances away. Failures are logged when they start and when
// they end, not per lookup.
//
// getaddrinfo does not tell a record's TTL, so the refresh is an interval
// (the target URI's `refresh`), as gRPC's and brpc's DNS resolvers without
// c-ares do.
//
// Example:
//   absl::StatusOr<std::shared_ptr<DnsResolver>> r =
//       DnsResolver::Create("echo.internal:8888", {.refresh = absl::Seconds(10)});
//   // or, in ClientOptions::targets: "dns:///echo.internal:8888?refresh=10s"
//
// Thread rules: Resolve from any thread; the destructor from any thread but
// the resolver's own (it joins it).
#ifndef VIREO_CORE_DNS_RESOLVER_H_
#define VIREO_CORE_DNS_RESOLVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vireo/core/resolver.h"
#include "vireo/transport/inet_address.h"
#include "vireo/transport/mutex.h"

namespace vireo {

struct DnsResolverOptions {
  // Time from one lookup to the next. At least 10 ms. Default: 30 s.
  absl::Duration refresh = absl::Seconds(30);
  // Weight of every address. Default: 100.
  int weight = 100;
  // How a name is looked up: every address of `host`, with `port`.
  // Default (empty): transport::InetAddress::ResolveAll (getaddrinfo).
  std::function<absl::StatusOr<std::vector<transport::InetAddress>>(const std::string& host,
                                                                    uint16_t port)>
      lookup;
};

class DnsResolver : public UpdatableResolver {
 public:
  // Resolves "name:port" ("[v6]:port" and numeric hosts too) now, then
  // every options.refresh. InvalidArgument for a target that is not
  // host:port or a refresh under 10 ms. A failed first lookup is not an
  // error here: Resolve answers it until a lookup succeeds.
  static absl::StatusOr<std::shared_ptr<DnsResolver>> Create(std::string host_port,
                                                             DnsResolverOptions options = {});
  // Builds one from a "dns:///name:port[?refresh=30s]" target (the "dns"
  // scheme of NewResolver).
  static absl::StatusOr<std::shared_ptr<Resolver>> FromTarget(const ResolverTarget& target);

  DnsResolver(std::string host, uint16_t port, DnsResolverOptions options);
  ~DnsResolver() override;
  DnsResolver(const DnsResolver&) = delete;
  DnsResolver& operator=(const DnsResolver&) = delete;

  // Lookups done so far (successful or not). Any thread.
  uint64_t lookups() const;

 private:
  void Start();
  void LookUp();
  void Run();

  const std::string host_;
  const uint16_t port_;
  const DnsResolverOptions options_;
  mutable transport::Mutex mu_;
  transport::CondVar wake_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t lookups_ ABSL_GUARDED_BY(mu_) = 0;
  // Only on the resolver's thread (and in Start, before it runs).
  bool failing_ = false;
  std::thread thread_;
};

}  // namespace vireo

#endif  // VIREO_CORE_DNS_RESOLVER_H_
