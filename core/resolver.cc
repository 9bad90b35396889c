#include "vireo/core/resolver.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "vireo/core/dns_resolver.h"
#include "vireo/core/internal/str_cat.h"
#include "vireo/transport/mutex.h"

namespace vireo {

StaticResolver::StaticResolver(std::vector<Instance> instances)
    : instances_(std::make_shared<const std::vector<Instance>>(std::move(instances))) {}

absl::StatusOr<std::shared_ptr<StaticResolver>> StaticResolver::FromTargets(
    const std::vector<std::string>& targets, const std::vector<int>& weights) {
  if (!weights.empty() && weights.size() != targets.size()) {
    return absl::InvalidArgumentError(absl::StrCat(weights.size(), " weights for ",
                                                   targets.size(),
                                                   " targets: give one per target, or none"));
  }
  std::vector<Instance> instances;
  instances.reserve(targets.size());
  for (const std::string& target : targets) {
    // Numeric, or a host name looked up once, now.
    absl::StatusOr<transport::InetAddress> a = transport::InetAddress::ParseOrResolve(target);
    if (absl::IsInvalidArgument(a.status())) {
      return absl::InvalidArgumentError(
          absl::StrCat("target \"", target, "\": expected host:port"));
    }
    if (!a.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("target \"", target, "\": ", a.status().message()));
    }
    instances.push_back(Instance{*a, weights.empty() ? 100 : weights[instances.size()]});
  }
  return std::make_shared<StaticResolver>(std::move(instances));
}

absl::StatusOr<InstanceList> StaticResolver::Resolve(std::string_view) { return instances_; }

absl::StatusOr<InstanceList> UpdatableResolver::Resolve(std::string_view) {
  transport::ReaderLock lock(mu_);
  if (instances_ != nullptr) return instances_;
  return error_;
}

bool UpdatableResolver::Update(std::vector<Instance> instances) {
  {
    transport::ReaderLock lock(mu_);
    if (instances_ != nullptr && *instances_ == instances) return false;
  }
  auto list = std::make_shared<const std::vector<Instance>>(std::move(instances));
  InstanceList old;
  {
    transport::WriterLock lock(mu_);
    old = std::exchange(instances_, std::move(list));
  }
  updates_.fetch_add(1, std::memory_order_relaxed);
  return true;  // `old` (maybe the last reference) is released unlocked
}

void UpdatableResolver::SetError(absl::Status error) {
  transport::WriterLock lock(mu_);
  error_ = std::move(error);
}

bool IsResolverUri(std::string_view target) {
  return target.find("://") != std::string_view::npos;
}

absl::StatusOr<ResolverTarget> ResolverTarget::Parse(std::string_view uri) {
  ResolverTarget t;
  t.uri = std::string(uri);
  const size_t sep = uri.find("://");
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(internal::Cat("target \"", uri, "\": ", why));
  };
  if (sep == std::string_view::npos || sep == 0) return bad("expected scheme://...");
  t.scheme = std::string(uri.substr(0, sep));
  for (size_t i = 0; i < t.scheme.size(); ++i) {
    const char c = t.scheme[i];
    const bool ok = (c >= 'a' && c <= 'z') ||
                    (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-'));
    if (!ok) return bad("a scheme is lower-case letters, digits, '+', '.' and '-'");
  }
  std::string_view rest = uri.substr(sep + 3);
  std::string_view query;
  if (const size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  const size_t slash = rest.find('/');
  t.authority = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) t.path = std::string(rest.substr(slash + 1));
  if (!query.empty()) {
    for (absl::string_view item :
         absl::StrSplit(absl::string_view(query.data(), query.size()), '&')) {
      const size_t eq = item.find('=');
      if (eq == absl::string_view::npos || eq == 0) {
        return bad(internal::Cat("query item \"", std::string(item), "\" is not key=value"));
      }
      t.params[std::string(item.substr(0, eq))] = std::string(item.substr(eq + 1));
    }
  }
  return t;
}

namespace {

struct Schemes {
  transport::Mutex mu;
  std::map<std::string, ResolverFactory> factories ABSL_GUARDED_BY(mu);
};

Schemes& TheSchemes() {
  static Schemes* schemes = [] {
    auto* s = new Schemes;
    transport::MutexLock lock(s->mu);
    s->factories["dns"] = &DnsResolver::FromTarget;
    return s;
  }();
  return *schemes;
}

}  // namespace

void RegisterResolverScheme(std::string scheme, ResolverFactory factory) {
  Schemes& s = TheSchemes();
  transport::MutexLock lock(s.mu);
  s.factories[std::move(scheme)] = std::move(factory);
}

absl::StatusOr<std::shared_ptr<Resolver>> NewResolver(const std::vector<std::string>& targets,
                                                      const std::vector<int>& weights) {
  const std::string* uri = nullptr;
  for (const std::string& t : targets) {
    if (IsResolverUri(t)) uri = &t;
  }
  if (uri == nullptr) {
    absl::StatusOr<std::shared_ptr<StaticResolver>> r = StaticResolver::FromTargets(targets, weights);
    if (!r.ok()) return r.status();
    return std::shared_ptr<Resolver>(*std::move(r));
  }
  if (targets.size() != 1) {
    return absl::InvalidArgumentError(internal::Cat(
        "target \"", *uri, "\": a URI target must be the only target (", targets.size(),
        " given)"));
  }
  if (!weights.empty()) {
    return absl::InvalidArgumentError(internal::Cat(
        "target \"", *uri, "\": weights go with host:port targets; a resolver gives its own"));
  }
  absl::StatusOr<ResolverTarget> parsed = ResolverTarget::Parse(*uri);
  if (!parsed.ok()) return parsed.status();
  ResolverFactory factory;
  std::string known;
  {
    Schemes& s = TheSchemes();
    transport::MutexLock lock(s.mu);
    auto it = s.factories.find(parsed->scheme);
    if (it != s.factories.end()) factory = it->second;
    for (const auto& [name, f] : s.factories) absl::StrAppend(&known, known.empty() ? "" : ", ", name);
  }
  if (!factory) {
    return absl::InvalidArgumentError(internal::Cat(
        "target \"", *uri, "\": no resolver for scheme \"", parsed->scheme, "\" (known: ",
        known, ")",
        parsed->scheme == "etcd" ? "; etcd:// needs the vireo_etcd library (vireo::etcd) linked"
                                 : ""));
  }
  return factory(*parsed);
}

}  // namespace vireo
