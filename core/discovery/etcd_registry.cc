#include "vireo/core/discovery/etcd_registry.h"

#include <algorithm>
#include <utility>

#include "nlohmann/json.hpp"
#include "spdlog/spdlog.h"
#include "vireo/core/internal/str_cat.h"

namespace vireo::etcd {

namespace {

// Between keep-alive rounds while etcd answers: a third of the ttl, so two
// rounds may fail before the lease runs out.
absl::Duration KeepAlivePeriod(absl::Duration ttl) {
  return std::max(ttl / 3, absl::Milliseconds(100));
}

}  // namespace

std::string RegistryKey(std::string_view prefix, const RegistryInfo& info) {
  return vireo::internal::Cat(prefix, "/", info.service, "/", info.address.ToString());
}

std::string RegistryValue(const RegistryInfo& info) {
  nlohmann::ordered_json tags = nlohmann::ordered_json::object();
  for (const auto& [k, v] : info.tags) tags[k] = v;
  nlohmann::ordered_json value = {{"network", "tcp"},
                                  {"address", info.address.ToString()},
                                  {"weight", info.weight},
                                  {"tags", std::move(tags)}};
  return value.dump();
}

absl::StatusOr<std::shared_ptr<EtcdRegistry>> EtcdRegistry::Create(EtcdRegistryOptions options) {
  if (options.ttl < absl::Seconds(1)) {
    return absl::InvalidArgumentError(vireo::internal::Cat(
        "etcd registry: ttl ", absl::FormatDuration(options.ttl), " is under the minimum, 1s"));
  }
  EtcdClientOptions client_options = options.client;
  client_options.endpoints = options.endpoints;
  absl::StatusOr<std::unique_ptr<EtcdClient>> client = EtcdClient::Create(client_options);
  if (!client.ok()) return client.status();
  return std::make_shared<EtcdRegistry>(std::move(options), *std::move(client));
}

absl::StatusOr<std::shared_ptr<Registry>> EtcdRegistry::FromOptions(
    const RegistryOptions& options) {
  EtcdRegistryOptions o;
  o.endpoints = options.endpoints;
  o.prefix = options.prefix;
  o.ttl = options.ttl;
  absl::StatusOr<std::shared_ptr<EtcdRegistry>> r = Create(std::move(o));
  if (!r.ok()) return r.status();
  return std::shared_ptr<Registry>(*std::move(r));
}

EtcdRegistry::EtcdRegistry(EtcdRegistryOptions options, std::unique_ptr<EtcdClient> client)
    : options_(std::move(options)), client_(std::move(client)) {
  thread_ = std::thread([this] { Run(); });
}

EtcdRegistry::~EtcdRegistry() {
  {
    transport::MutexLock lock(mu_);
    stopping_ = true;
  }
  wake_.NotifyAll();
  client_->Shutdown();
  thread_.join();
}

uint64_t EtcdRegistry::reregistrations() const {
  transport::MutexLock lock(mu_);
  return reregistrations_;
}

absl::StatusOr<int64_t> EtcdRegistry::Write(const std::string& key, const std::string& value) {
  absl::StatusOr<int64_t> lease = client_->LeaseGrant(options_.ttl);
  if (!lease.ok()) return lease.status();
  if (absl::Status s = client_->Put(key, value, *lease); !s.ok()) {
    (void)client_->LeaseRevoke(*lease);
    return s;
  }
  return lease;
}

absl::Status EtcdRegistry::Register(const RegistryInfo& info) {
  const std::string key = RegistryKey(options_.prefix, info);
  const std::string value = RegistryValue(info);
  transport::MutexLock io(io_mu_);
  int64_t old_lease = 0;
  {
    transport::MutexLock lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end()) old_lease = it->second.lease;
  }
  absl::StatusOr<int64_t> lease = Write(key, value);
  if (!lease.ok()) {
    return absl::Status(
        lease.status().code(),
        vireo::internal::Cat("etcd registry: writing ", key, ": ", lease.status().message()));
  }
  if (old_lease != 0) (void)client_->LeaseRevoke(old_lease);
  {
    transport::MutexLock lock(mu_);
    entries_[key] = Entry{value, *lease};
  }
  spdlog::info("etcd registry: registered {} (lease {}, ttl {})", key, *lease,
               absl::FormatDuration(options_.ttl));
  return absl::OkStatus();
}

absl::Status EtcdRegistry::Deregister(const RegistryInfo& info) {
  const std::string key = RegistryKey(options_.prefix, info);
  transport::MutexLock io(io_mu_);
  Entry e;
  {
    transport::MutexLock lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return absl::OkStatus();
    e = std::move(it->second);
    entries_.erase(it);
  }
  absl::Status deleted = client_->Delete(key);
  absl::Status revoked = client_->LeaseRevoke(e.lease);
  if (!deleted.ok()) {
    return absl::Status(deleted.code(), vireo::internal::Cat("etcd registry: deleting ", key, ": ",
                                                             deleted.message()));
  }
  if (!revoked.ok() && !absl::IsNotFound(revoked)) {
    spdlog::warn("etcd registry: revoking the lease of {}: {}", key,
                 std::string(revoked.message()));
  }
  return absl::OkStatus();
}

bool EtcdRegistry::KeepAlive() {
  std::vector<std::string> keys;
  {
    transport::MutexLock lock(mu_);
    for (const auto& [key, e] : entries_) keys.push_back(key);
  }
  bool reachable = true;
  for (const std::string& key : keys) {
    transport::MutexLock io(io_mu_);
    Entry e;
    {
      transport::MutexLock lock(mu_);
      auto it = entries_.find(key);
      if (it == entries_.end()) continue;  // deregistered meanwhile
      e = it->second;
    }
    absl::StatusOr<int64_t> ttl = client_->LeaseKeepAlive(e.lease);
    bool rewrite = false;
    if (ttl.ok()) {
      // The lease lives; is the key still ours?
      absl::StatusOr<RangeResult> got = client_->Get(key);
      if (!got.ok()) {
        reachable = false;
        continue;
      }
      rewrite = got->kvs.empty() || got->kvs[0].lease != e.lease || got->kvs[0].value != e.value;
    } else if (absl::IsNotFound(ttl.status())) {
      rewrite = true;
    } else {
      reachable = false;
      continue;
    }
    if (!rewrite) continue;
    absl::StatusOr<int64_t> lease = Write(key, e.value);
    if (!lease.ok()) {
      reachable = false;
      continue;
    }
    if (ttl.ok()) (void)client_->LeaseRevoke(e.lease);
    {
      transport::MutexLock lock(mu_);
      auto it = entries_.find(key);
      if (it != entries_.end()) it->second.lease = *lease;
      ++reregistrations_;
    }
    spdlog::warn("etcd registry: {} had disappeared ({}); registered it again (lease {})", key,
                 ttl.ok() ? "key gone" : "lease expired", *lease);
  }
  return reachable;
}

void EtcdRegistry::Run() {
  const absl::Duration period = KeepAlivePeriod(options_.ttl);
  absl::Duration retry = absl::Milliseconds(100);
  absl::Duration wait = period;
  bool failing = false;
  for (;;) {
    {
      transport::MutexLock lock(mu_);
      const absl::Time next = absl::Now() + wait;
      while (!stopping_ && !wake_.WaitUntil(mu_, next)) {
      }
      if (stopping_) return;
    }
    if (KeepAlive()) {
      if (failing) spdlog::info("etcd registry: etcd answers again; leases kept alive");
      failing = false;
      retry = absl::Milliseconds(100);
      wait = period;
    } else {
      if (!failing) {
        spdlog::warn(
            "etcd registry: etcd unreachable at {}; retrying, keys are written again "
            "if their leases ran out meanwhile",
            vireo::internal::Cat(options_.endpoints.empty() ? "" : options_.endpoints[0]));
      }
      failing = true;
      wait = std::min(retry, period);
      retry = std::min(retry * 2, absl::Seconds(2));
    }
  }
}

}  // namespace vireo::etcd
