#include "vireo/codec/bytes.h"

#include <utility>

namespace vireo::codec {

Bytes::Bytes(Bytes&& other) noexcept
    : owned_(std::move(other.owned_)),
      holder_(std::move(other.holder_)),
      slice_(other.slice_),
      is_slice_(other.is_slice_) {
  other.owned_.clear();
  other.slice_ = {};
  other.is_slice_ = false;
}

Bytes& Bytes::operator=(Bytes&& other) noexcept {
  if (this == &other) return *this;
  owned_ = std::move(other.owned_);
  holder_ = std::move(other.holder_);
  slice_ = other.slice_;
  is_slice_ = other.is_slice_;
  other.owned_.clear();
  other.slice_ = {};
  other.is_slice_ = false;
  return *this;
}

void Bytes::assign(std::string_view data) {
  // Copy first: `data` may point into the slice about to be dropped.
  owned_.assign(data.data(), data.size());
  DropSlice();
}

void Bytes::clear() {
  owned_.clear();
  DropSlice();
}

void Bytes::DropSlice() {
  if (!is_slice_) return;
  is_slice_ = false;
  slice_ = {};
  // Gives the blocks back now rather than when the next slice replaces them.
  // An empty LinkBuffer's node comes from the per-thread node cache.
  *holder_ = transport::LinkBuffer();
}

bool Bytes::ReadFrom(Input& in, size_t n, size_t slice_threshold) {
  if (n > 0 && n >= slice_threshold && in.Contiguous().size() >= n) {
    if (holder_ == nullptr) holder_ = std::make_unique<transport::LinkBuffer>();
    if (!in.ReadSlice(n, holder_.get())) return false;
    // One block holds all n bytes, so the slice is one contiguous run.
    slice_ = holder_->Front();
    is_slice_ = true;
    owned_.clear();
    return true;
  }
  if (in.remaining() < n) return false;
  DropSlice();
  return in.ReadString(n, &owned_);
}

std::ostream& operator<<(std::ostream& os, const Bytes& b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  os << '"';
  for (const char c : b.view()) {
    const auto u = static_cast<unsigned char>(c);
    if (u == '"' || u == '\\') {
      os << '\\' << c;
    } else if (u >= 0x20 && u < 0x7f) {
      os << c;
    } else {
      os << "\\x" << kDigits[u >> 4] << kDigits[u & 15];
    }
  }
  return os << '"';
}

}  // namespace vireo::codec
