// Input: a read cursor over a LinkBuffer for decoders.
//
// Reads take a fast path on the contiguous run of bytes at the read position
// (one block) and a careful path when a value straddles blocks. What has been
// read is consumed from the buffer at Commit() or destruction; the buffer's
// Release() is still the caller's to call.
//
// Example:
//   Input in(buf);
//   uint32_t n;
//   if (!in.ReadBE32(&n)) return TruncatedError("binary", "i32");
//   std::string s;
//   if (!in.ReadString(n, &s)) return TruncatedError("binary", "string");
//
// Thread rules: an Input is the reader side of its buffer; one thread.
#ifndef VIREO_CODEC_INPUT_H_
#define VIREO_CODEC_INPUT_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/base/optimization.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::codec {

class Input {
 public:
  explicit Input(transport::LinkBuffer& buf) : buf_(&buf) { Refill(); }
  ~Input() { Commit(); }
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;

  // Bytes left to read.
  size_t remaining() const { return static_cast<size_t>(end_ - p_) + after_run_; }

  // Each Read returns false, consuming nothing, when fewer bytes remain.
  bool ReadByte(uint8_t* v) {
    if (ABSL_PREDICT_TRUE(p_ < end_)) {
      *v = static_cast<uint8_t>(*p_++);
      return true;
    }
    return SlowRead(v, 1);
  }
  bool ReadBE16(uint16_t* v) {
    if (!ReadRaw(v, 2)) return false;
    *v = __builtin_bswap16(*v);
    return true;
  }
  bool ReadBE32(uint32_t* v) {
    if (!ReadRaw(v, 4)) return false;
    *v = __builtin_bswap32(*v);
    return true;
  }
  bool ReadBE64(uint64_t* v) {
    if (!ReadRaw(v, 8)) return false;
    *v = __builtin_bswap64(*v);
    return true;
  }
  bool ReadLE64(uint64_t* v) { return ReadRaw(v, 8); }
  bool ReadBytes(char* out, size_t n) { return ReadRaw(out, n); }

  // Assigns n bytes to *out (reusing its capacity).
  bool ReadString(size_t n, std::string* out);
  // Moves n bytes into *out as a slice sharing the blocks (no copy).
  bool ReadSlice(size_t n, transport::LinkBuffer* out);
  bool Skip(size_t n);

  // The contiguous bytes at the read position (possibly fewer than
  // remaining()), for a decoder's own fast path; Advance() past what it used.
  std::string_view Contiguous() const { return std::string_view(p_, end_ - p_); }
  void Advance(size_t n) { p_ += n; }

  // Consumes what has been read from the buffer. Further reads go on.
  void Commit();

 private:
  bool ReadRaw(void* out, size_t n) {
    if (ABSL_PREDICT_TRUE(static_cast<size_t>(end_ - p_) >= n)) {
      std::memcpy(out, p_, n);
      p_ += n;
      return true;
    }
    return SlowRead(out, n);
  }
  bool SlowRead(void* out, size_t n);
  void Refill();

  transport::LinkBuffer* buf_;
  const char* run_ = nullptr;  // start of the current run, not yet consumed
  const char* p_ = nullptr;
  const char* end_ = nullptr;
  size_t after_run_ = 0;  // readable bytes beyond the current run
};

}  // namespace vireo::codec

#endif  // VIREO_CODEC_INPUT_H_
