#include "vireo/core/call_context.h"

namespace vireo {

const std::string* Metadata::Find(std::string_view key) const {
  for (const auto& [k, v] : strings_) {
    if (k == key) return &v;
  }
  return nullptr;
}

const std::string* Metadata::FindInt(uint16_t key) const {
  for (const auto& [k, v] : ints_) {
    if (k == key) return &v;
  }
  return nullptr;
}

void Metadata::Set(std::string_view key, std::string_view value) {
  for (auto& [k, v] : strings_) {
    if (k == key) {
      v.assign(value);
      return;
    }
  }
  strings_.emplace_back(std::string(key), std::string(value));
}

void Metadata::SetInt(uint16_t key, std::string_view value) {
  for (auto& [k, v] : ints_) {
    if (k == key) {
      v.assign(value);
      return;
    }
  }
  ints_.emplace_back(key, std::string(value));
}

namespace {
thread_local CallContext* current_context = nullptr;
}  // namespace

CallContext* CurrentCallContext() { return current_context; }

namespace internal {
ScopedCallContext::ScopedCallContext(CallContext* ctx) : previous_(current_context) {
  current_context = ctx;
}
ScopedCallContext::~ScopedCallContext() { current_context = previous_; }
}  // namespace internal

}  // namespace vireo
