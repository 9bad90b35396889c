#include "vireo/core/discovery/etcd_resolver.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "spdlog/spdlog.h"
#include "vireo/core/internal/str_cat.h"

namespace vireo::etcd {

absl::StatusOr<Instance> ParseRegistryValue(std::string_view value) {
  const nlohmann::json j = nlohmann::json::parse(value.begin(), value.end(), nullptr, false);
  if (j.is_discarded()) return absl::InvalidArgumentError("not JSON");
  if (!j.is_object()) return absl::InvalidArgumentError("not a JSON object");
  auto network = j.find("network");
  if (network != j.end() && !(network->is_string() && network->get<std::string>() == "tcp")) {
    return absl::InvalidArgumentError("\"network\" is not \"tcp\"");
  }
  auto address = j.find("address");
  if (address == j.end() || !address->is_string()) {
    return absl::InvalidArgumentError("no \"address\" string");
  }
  const std::string& host_port = address->get_ref<const std::string&>();
  Instance instance;
  // A name is looked up now, on the resolver's thread.
  absl::StatusOr<transport::InetAddress> a = transport::InetAddress::ParseOrResolve(host_port);
  if (absl::IsInvalidArgument(a.status()) || (a.ok() && a->port() == 0)) {
    return absl::InvalidArgumentError(
        vireo::internal::Cat("\"address\" \"", host_port, "\" is not host:port"));
  }
  if (!a.ok()) {
    return absl::InvalidArgumentError(
        vireo::internal::Cat("\"address\" \"", host_port, "\": ", a.status().message()));
  }
  instance.address = *a;
  instance.weight = 10;  // Kitex's default weight
  if (auto w = j.find("weight"); w != j.end()) {
    if (!w->is_number_integer()) return absl::InvalidArgumentError("\"weight\" is not an integer");
    const int64_t weight = w->get<int64_t>();
    instance.weight = static_cast<int>(std::clamp<int64_t>(weight, -1, INT32_MAX));
  }
  if (auto t = j.find("tags"); t != j.end() && !t->is_null()) {
    if (!t->is_object()) return absl::InvalidArgumentError("\"tags\" is not an object");
    for (auto it = t->begin(); it != t->end(); ++it) {
      if (!it->is_string()) {
        return absl::InvalidArgumentError(
            vireo::internal::Cat("tag \"", it.key(), "\" is not a string"));
      }
      instance.tags[it.key()] = it->get<std::string>();
    }
  }
  return instance;
}

absl::StatusOr<std::shared_ptr<EtcdResolver>> EtcdResolver::Create(EtcdResolverOptions options) {
  if (options.service.empty()) {
    return absl::InvalidArgumentError("etcd resolver: no service name");
  }
  if (options.service.find('/') != std::string::npos) {
    return absl::InvalidArgumentError(
        vireo::internal::Cat("etcd resolver: service \"", options.service, "\" contains '/'"));
  }
  if (options.min_backoff <= absl::ZeroDuration() || options.max_backoff < options.min_backoff) {
    return absl::InvalidArgumentError("etcd resolver: back-off must be 0 < min <= max");
  }
  EtcdClientOptions client_options = options.client;
  client_options.endpoints = options.endpoints;
  absl::StatusOr<std::unique_ptr<EtcdClient>> client = EtcdClient::Create(client_options);
  if (!client.ok()) return client.status();
  auto r = std::make_shared<EtcdResolver>(std::move(options), *std::move(client));
  if (!r->ReadAll()) {
    spdlog::warn("etcd resolver: cannot read {} now; calls fail until it can, retrying",
                 r->key_prefix_);
  }
  r->thread_ = std::thread([p = r.get()] { p->Run(); });
  return r;
}

absl::StatusOr<std::shared_ptr<Resolver>> EtcdResolver::FromTarget(const ResolverTarget& target) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(vireo::internal::Cat("target \"", target.uri, "\": ", why));
  };
  EtcdResolverOptions o;
  for (absl::string_view e : absl::StrSplit(target.authority, ',', absl::SkipEmpty())) {
    o.endpoints.emplace_back(e);
  }
  if (o.endpoints.empty()) return bad("no etcd endpoint; write etcd://host:port/service");
  o.service = target.path;
  if (o.service.empty()) return bad("no service; write etcd://host:port/service");
  for (const auto& [key, value] : target.params) {
    if (key == "prefix") {
      o.prefix = value;
    } else {
      return bad(vireo::internal::Cat("unknown parameter \"", key, "\" (etcd knows prefix)"));
    }
  }
  absl::StatusOr<std::shared_ptr<EtcdResolver>> r = Create(std::move(o));
  if (!r.ok()) return bad(std::string(r.status().message()));
  return std::shared_ptr<Resolver>(*std::move(r));
}

EtcdResolver::EtcdResolver(EtcdResolverOptions options, std::unique_ptr<EtcdClient> client)
    : options_(std::move(options)),
      key_prefix_(vireo::internal::Cat(options_.prefix, "/", options_.service, "/")),
      client_(std::move(client)) {}

EtcdResolver::~EtcdResolver() {
  {
    transport::MutexLock lock(mu_);
    stopping_ = true;
  }
  wake_.NotifyAll();
  client_->Shutdown();
  if (thread_.joinable()) thread_.join();
}

uint64_t EtcdResolver::reads() const {
  transport::MutexLock lock(mu_);
  return reads_;
}

uint64_t EtcdResolver::watches() const {
  transport::MutexLock lock(mu_);
  return watches_;
}

bool EtcdResolver::ReadAll() {
  absl::StatusOr<RangeResult> all = client_->RangePrefix(key_prefix_);
  if (!all.ok()) {
    if (!absl::IsCancelled(all.status())) {
      SetError(absl::UnavailableError(vireo::internal::Cat(
          "etcd resolver: cannot read ", key_prefix_, ": ", all.status().message())));
    }
    return false;
  }
  instances_.clear();
  WatchBatch batch;
  batch.revision = all->revision;
  for (KeyValue& kv : all->kvs) {
    WatchEvent e;
    e.type = WatchEvent::Type::kPut;
    e.kv = std::move(kv);
    batch.events.push_back(std::move(e));
  }
  Apply(batch);
  next_revision_ = all->revision + 1;
  {
    transport::MutexLock lock(mu_);
    ++reads_;
  }
  return true;
}

void EtcdResolver::Apply(const WatchBatch& batch) {
  for (const WatchEvent& e : batch.events) {
    next_revision_ = std::max(next_revision_, e.kv.mod_revision + 1);
    if (e.type == WatchEvent::Type::kDelete) {
      instances_.erase(e.kv.key);
      continue;
    }
    absl::StatusOr<Instance> i = ParseRegistryValue(e.kv.value);
    if (!i.ok()) {
      instances_.erase(e.kv.key);
      if (logged_bad_.insert({e.kv.key, e.kv.value}).second) {
        spdlog::warn("etcd resolver: skipping {}: {}", e.kv.key, std::string(i.status().message()));
      }
      continue;
    }
    instances_[e.kv.key] = *std::move(i);
  }
  Publish();
}

void EtcdResolver::Publish() {
  std::vector<Instance> list;
  list.reserve(instances_.size());
  for (const auto& [key, i] : instances_) list.push_back(i);
  Update(std::move(list));
}

bool EtcdResolver::Sleep(absl::Duration d) {
  transport::MutexLock lock(mu_);
  const absl::Time until = absl::Now() + d;
  while (!stopping_ && !wake_.WaitUntil(mu_, until)) {
  }
  return !stopping_;
}

void EtcdResolver::Run() {
  absl::Duration backoff = options_.min_backoff;
  bool need_read = next_revision_ == 0;
  // Whether etcd was lost (or never read); cleared by an answer.
  bool failing = need_read;
  for (;;) {
    {
      transport::MutexLock lock(mu_);
      if (stopping_) return;
    }
    absl::Status s;
    if (failing) {
      // A cheap read tells whether etcd is back before the watch resumes.
      s = client_->Get(key_prefix_).status();
      if (s.ok()) {
        spdlog::info("etcd resolver: etcd answers again; resuming the watch of {}", key_prefix_);
        failing = false;
        backoff = options_.min_backoff;
      }
    }
    if (s.ok() && need_read) {
      s = ReadAll() ? absl::OkStatus() : absl::UnavailableError("range read failed");
      if (s.ok()) need_read = false;
    }
    if (s.ok()) {
      {
        transport::MutexLock lock(mu_);
        ++watches_;
      }
      s = client_->WatchPrefix(key_prefix_, next_revision_,
                               [this](const WatchBatch& b) { Apply(b); });
      if (absl::IsOutOfRange(s)) {
        spdlog::warn("etcd resolver: revision {} of {} was compacted; reading everything again",
                     next_revision_, key_prefix_);
        need_read = true;
        continue;
      }
    }
    if (absl::IsCancelled(s)) return;
    if (!failing) {
      spdlog::warn(
          "etcd resolver: lost etcd ({}); keeping the {} known instances of {} and "
          "reconnecting",
          std::string(s.message()), instances_.size(), options_.service);
      failing = true;
    }
    if (!Sleep(backoff)) return;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

}  // namespace vireo::etcd
