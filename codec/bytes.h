// Bytes: the C++ type of a Thrift `binary` value in generated code.
//
// A Bytes either owns its bytes (a std::string) or shares a slice of a
// received LinkBuffer: the decoder takes a slice, with no copy, when a binary
// value is at least the slice threshold long (kDefaultSliceThreshold, 4 KiB,
// unless the caller chose another) and its bytes lie in one block. Either way
// view() is one contiguous run of bytes; a value that straddles blocks is
// copied into owned storage, so readers never see a chain.
//
// A slice keeps its blocks alive until the Bytes is destroyed, assigned or
// decoded into again; the rest of the buffer it came from may be released.
// Decoding into a Bytes that already held a value reuses its storage (the
// string's capacity, the slice holder), so steady-state decoding allocates
// nothing.
//
// Example:
//   Bytes b("\x01\x02");              // owns a copy
//   b.assign(other_view);             // owns a copy, reusing capacity
//   std::string_view v = b.view();    // contiguous, owned or shared
//   if (b.is_slice()) ...             // shares received blocks
//
// Thread rules: a value type; one thread mutates it at a time. A slice may
// be destroyed on any thread (block reference counts are atomic).
#ifndef VIREO_CODEC_BYTES_H_
#define VIREO_CODEC_BYTES_H_

#include <compare>
#include <cstddef>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "vireo/codec/input.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::codec {

// Binary values at least this long are decoded as slices when their bytes
// are contiguous in one block. Equal to LinkBuffer::kLinkThreshold: below it
// a copy costs less than holding a block. Default: 4 KiB.
inline constexpr size_t kDefaultSliceThreshold = 4 * 1024;

class Bytes {
 public:
  Bytes() = default;
  // Owns a copy of `data`.
  Bytes(std::string_view data) : owned_(data) {}    // NOLINT: implicit by design
  Bytes(const char* data) : owned_(data) {}         // NOLINT
  Bytes(const std::string& data) : owned_(data) {}  // NOLINT
  // Takes the string's storage.
  Bytes(std::string&& data) noexcept : owned_(std::move(data)) {}  // NOLINT

  // A copy always owns its bytes (a slice's blocks are not shared further).
  Bytes(const Bytes& other) : owned_(other.view()) {}
  Bytes& operator=(const Bytes& other) {
    if (this != &other) assign(other.view());
    return *this;
  }
  // Moving keeps a slice a slice; the source is left empty.
  Bytes(Bytes&& other) noexcept;
  Bytes& operator=(Bytes&& other) noexcept;
  ~Bytes() = default;

  // The bytes: contiguous, valid until this Bytes is next changed.
  std::string_view view() const { return is_slice_ ? slice_ : std::string_view(owned_); }
  const char* data() const { return view().data(); }
  size_t size() const { return view().size(); }
  bool empty() const { return view().empty(); }
  // True when the bytes are shared with a received buffer.
  bool is_slice() const { return is_slice_; }

  // Owns a copy of `data` (which may alias this value), reusing capacity.
  void assign(std::string_view data);
  // Empties the value, keeping owned capacity and dropping a slice.
  void clear();

  // For decoders: reads the next n bytes of `in` into this value -- as a
  // slice when n > 0, n >= slice_threshold and the n bytes are contiguous
  // in one block, else as an owned copy. Returns false, reading nothing,
  // when fewer than n bytes remain.
  bool ReadFrom(Input& in, size_t n, size_t slice_threshold);

  friend bool operator==(const Bytes& a, const Bytes& b) { return a.view() == b.view(); }
  friend bool operator==(const Bytes& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(const Bytes& a, const char* b) { return a.view() == b; }
  friend bool operator==(const Bytes& a, const std::string& b) { return a.view() == b; }
  // By content, byte-wise (for set<binary> and map<binary, ...>).
  friend std::strong_ordering operator<=>(const Bytes& a, const Bytes& b) {
    return a.view().compare(b.view()) <=> 0;
  }

 private:
  void DropSlice();

  std::string owned_;
  // Holds the slice's blocks; kept (empty) after a slice is dropped so the
  // next slice needs no allocation.
  std::unique_ptr<transport::LinkBuffer> holder_;
  std::string_view slice_;
  bool is_slice_ = false;
};

// Prints the bytes as a quoted string, printable ASCII as is and the rest
// as \xNN escapes.
std::ostream& operator<<(std::ostream& os, const Bytes& b);

}  // namespace vireo::codec

template <>
struct std::hash<vireo::codec::Bytes> {
  size_t operator()(const vireo::codec::Bytes& b) const noexcept {
    return std::hash<std::string_view>()(b.view());
  }
};

#endif  // VIREO_CODEC_BYTES_H_
