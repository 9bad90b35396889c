#include "vireo/core/resolver.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

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
    absl::StatusOr<transport::InetAddress> a = transport::InetAddress::Parse(target);
    if (!a.ok()) {
      // Not numeric: a host name, looked up once.
      const size_t colon = target.rfind(':');
      uint32_t port = 0;
      if (colon == std::string::npos || colon == 0 ||
          !absl::SimpleAtoi(target.substr(colon + 1), &port) || port > 65535) {
        return absl::InvalidArgumentError(
            absl::StrCat("target \"", target, "\": expected host:port"));
      }
      a = transport::InetAddress::Resolve(target.substr(0, colon), static_cast<uint16_t>(port));
      if (!a.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("target \"", target, "\": ", a.status().message()));
      }
    }
    instances.push_back(Instance{*a, weights.empty() ? 100 : weights[instances.size()]});
  }
  return std::make_shared<StaticResolver>(std::move(instances));
}

absl::StatusOr<InstanceList> StaticResolver::Resolve(std::string_view) { return instances_; }

}  // namespace vireo
