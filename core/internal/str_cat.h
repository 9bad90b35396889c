// Cat: absl::StrCat that also takes std::string_view.
//
// This abseil's string_view is its own type, so absl::StrCat does not take
// std::string_view arguments; error messages here mix both kinds.
//
// Example:
//   std::string m = internal::Cat(peer, " ", method, ": seq ", seq_id);
//
// Thread rules: a plain function.
#ifndef VIREO_CORE_INTERNAL_STR_CAT_H_
#define VIREO_CORE_INTERNAL_STR_CAT_H_

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace vireo::internal {

template <class T>
void AppendPiece(std::string& out, const T& v) {
  if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    out.append(std::string_view(v));
  } else if constexpr (std::is_convertible_v<const T&, absl::string_view>) {
    const absl::string_view a(v);
    out.append(a.data(), a.size());
  } else {
    absl::StrAppend(&out, v);
  }
}

template <class... A>
std::string Cat(const A&... pieces) {
  std::string out;
  (AppendPiece(out, pieces), ...);
  return out;
}

}  // namespace vireo::internal

#endif  // VIREO_CORE_INTERNAL_STR_CAT_H_
