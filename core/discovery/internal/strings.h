// String helpers for the etcd client, which speaks std::string_view.
//
// This abseil's string_view is its own type (Debian builds abseil with
// ABSL_OPTION_USE_STD_STRING_VIEW 0), so absl's string functions take a
// std::string_view only through ToAbsl(), and messages are built with
// vireo::internal::Cat, which takes both kinds.
//
// Example:
//   int port = 0;
//   bool ok = absl::SimpleAtoi(ToAbsl(text), &port);
//   return absl::DataLossError(Cat("bad port ", Quote(text, 80)));
//
// Thread rules: plain functions.
#ifndef VIREO_CORE_DISCOVERY_INTERNAL_STRINGS_H_
#define VIREO_CORE_DISCOVERY_INTERNAL_STRINGS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "vireo/core/internal/str_cat.h"

namespace vireo::etcd::internal {

using ::vireo::internal::Cat;

inline absl::string_view ToAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// `s` without leading and trailing ASCII whitespace.
inline std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

// The first `max_bytes` of `bytes`, C-escaped and quoted, for messages
// about bytes that may be binary.
inline std::string Quote(std::string_view bytes, size_t max_bytes = 80) {
  std::string out = "'";
  out += absl::CHexEscape(ToAbsl(bytes.substr(0, max_bytes)));
  out += bytes.size() > max_bytes ? "'..." : "'";
  return out;
}

}  // namespace vireo::etcd::internal

#endif  // VIREO_CORE_DISCOVERY_INTERNAL_STRINGS_H_
