#include "vireo/core/registry.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "vireo/core/internal/str_cat.h"
#include "vireo/transport/mutex.h"

namespace vireo {

namespace {

struct Kinds {
  transport::Mutex mu;
  std::map<std::string, RegistryFactory> factories ABSL_GUARDED_BY(mu);
};

Kinds& TheKinds() {
  static Kinds* kinds = new Kinds;
  return *kinds;
}

}  // namespace

void RegisterRegistryKind(std::string kind, RegistryFactory factory) {
  Kinds& k = TheKinds();
  transport::MutexLock lock(k.mu);
  k.factories[std::move(kind)] = std::move(factory);
}

absl::StatusOr<std::shared_ptr<Registry>> NewRegistry(const RegistryOptions& options) {
  RegistryFactory factory;
  std::string known;
  {
    Kinds& k = TheKinds();
    transport::MutexLock lock(k.mu);
    auto it = k.factories.find(options.kind);
    if (it != k.factories.end()) factory = it->second;
    for (const auto& [name, f] : k.factories) {
      absl::StrAppend(&known, known.empty() ? "" : ", ", name);
    }
  }
  if (!factory) {
    return absl::InvalidArgumentError(internal::Cat(
        "registry kind \"", options.kind, "\" is unknown (known: ", known.empty() ? "none" : known,
        ")",
        options.kind == "etcd" ? "; etcd needs the vireo_etcd library (vireo::etcd) linked" : ""));
  }
  return factory(options);
}

}  // namespace vireo
