#include "vireo/core/dns_resolver.h"

#include <utility>

#include "spdlog/spdlog.h"
#include "vireo/core/internal/str_cat.h"

namespace vireo {

namespace {

constexpr absl::Duration kMinRefresh = absl::Milliseconds(10);

// "name:port" or "[v6]:port" taken apart; port 0 is not a service's.
absl::Status SplitHostPort(std::string_view host_port, std::string* host, uint16_t* port) {
  if (!transport::InetAddress::SplitHostPort(host_port, host, port).ok() || *port == 0) {
    return absl::InvalidArgumentError(
        internal::Cat("\"", host_port, "\": expected name:port with a port from 1 to 65535"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<DnsResolver>> DnsResolver::Create(std::string host_port,
                                                                 DnsResolverOptions options) {
  std::string host;
  uint16_t port = 0;
  if (absl::Status s = SplitHostPort(host_port, &host, &port); !s.ok()) return s;
  if (options.refresh < kMinRefresh) {
    return absl::InvalidArgumentError(internal::Cat(
        "DNS refresh ", absl::FormatDuration(options.refresh), " is under the minimum, 10ms"));
  }
  auto r = std::make_shared<DnsResolver>(std::move(host), port, std::move(options));
  r->Start();
  return r;
}

absl::StatusOr<std::shared_ptr<Resolver>> DnsResolver::FromTarget(const ResolverTarget& target) {
  if (!target.authority.empty()) {
    return absl::InvalidArgumentError(internal::Cat(
        "target \"", target.uri,
        "\": a DNS server in the authority is not supported; write dns:///name:port"));
  }
  DnsResolverOptions options;
  for (const auto& [key, value] : target.params) {
    if (key == "refresh") {
      if (!absl::ParseDuration(value, &options.refresh)) {
        return absl::InvalidArgumentError(internal::Cat("target \"", target.uri, "\": refresh=\"",
                                                        value, "\" is not a duration (e.g. 30s)"));
      }
    } else {
      return absl::InvalidArgumentError(internal::Cat(
          "target \"", target.uri, "\": unknown parameter \"", key, "\" (dns knows refresh)"));
    }
  }
  absl::StatusOr<std::shared_ptr<DnsResolver>> r = Create(target.path, std::move(options));
  if (!r.ok()) {
    return absl::InvalidArgumentError(
        internal::Cat("target \"", target.uri, "\": ", r.status().message()));
  }
  return std::shared_ptr<Resolver>(*std::move(r));
}

DnsResolver::DnsResolver(std::string host, uint16_t port, DnsResolverOptions options)
    : host_(std::move(host)), port_(port), options_(std::move(options)) {}

DnsResolver::~DnsResolver() {
  {
    transport::MutexLock lock(mu_);
    stopping_ = true;
  }
  wake_.NotifyAll();
  if (thread_.joinable()) thread_.join();
}

uint64_t DnsResolver::lookups() const {
  transport::MutexLock lock(mu_);
  return lookups_;
}

void DnsResolver::Start() {
  LookUp();
  thread_ = std::thread([this] { Run(); });
}

void DnsResolver::LookUp() {
  absl::StatusOr<std::vector<transport::InetAddress>> found =
      options_.lookup ? options_.lookup(host_, port_)
                      : transport::InetAddress::ResolveAll(host_, port_);
  if (found.ok() && found->empty()) found = absl::UnavailableError("no address");
  if (found.ok()) {
    std::vector<Instance> instances;
    instances.reserve(found->size());
    for (const transport::InetAddress& a : *found) {
      Instance i;
      i.address = a;
      i.weight = options_.weight;
      instances.push_back(std::move(i));
    }
    if (failing_) spdlog::info("dns: '{}' resolves again", host_);
    failing_ = false;
    Update(std::move(instances));
  } else {
    absl::Status error = absl::UnavailableError(
        internal::Cat("DNS lookup of '", host_, "' failed: ", found.status().message()));
    if (!failing_) {
      spdlog::warn("{}; keeping the last known addresses and trying again every {}",
                   std::string(error.message()), absl::FormatDuration(options_.refresh));
    }
    failing_ = true;
    SetError(std::move(error));
  }
  transport::MutexLock lock(mu_);
  ++lookups_;
}

void DnsResolver::Run() {
  for (;;) {
    {
      transport::MutexLock lock(mu_);
      const absl::Time next = absl::Now() + options_.refresh;
      while (!stopping_ && !wake_.WaitUntil(mu_, next)) {
      }
      if (stopping_) return;
    }
    LookUp();
  }
}

}  // namespace vireo
