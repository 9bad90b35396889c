// Makes "etcd" a resolver scheme (etcd://...) and a registry kind for any
// program linking vireo_etcd: the library's link options pull this file in
// through vireo_etcd_link_anchor, and its initializer registers both.
#include "vireo/core/discovery/etcd_registry.h"
#include "vireo/core/discovery/etcd_resolver.h"
#include "vireo/core/registry.h"
#include "vireo/core/resolver.h"

extern "C" {
// Referenced by the link option -u of vireo_etcd's users.
extern const int vireo_etcd_link_anchor;
const int vireo_etcd_link_anchor = 1;
}

namespace vireo::etcd {
namespace {

[[maybe_unused]] const bool registered = [] {
  RegisterResolverScheme("etcd", &EtcdResolver::FromTarget);
  RegisterRegistryKind("etcd", &EtcdRegistry::FromOptions);
  return true;
}();

}  // namespace
}  // namespace vireo::etcd
