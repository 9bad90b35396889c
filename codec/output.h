// Output: a write cursor over a LinkBuffer for encoders.
//
// Writes go into a contiguous region taken from the buffer with Malloc();
// when a write does not fit, the unused rest of the region is given back
// (MallocAck) and a new one is taken. Finish() (or destruction) gives back
// the unused rest of the last region. The caller flushes the buffer.
//
// Encoders that know their exact size (generated code: Size(), then one
// Malloc) write through raw pointers instead; Output serves the rest.
//
// Example:
//   Output out(buf);
//   out.WriteBE32(0x80010001);
//   out.WriteBytes("echo", 4);
//   out.Finish();
//   buf.Flush();
//
// Thread rules: an Output is the writer side of its buffer; one thread, and
// nothing else writes to the buffer while it is open.
#ifndef VIREO_CODEC_OUTPUT_H_
#define VIREO_CODEC_OUTPUT_H_

#include <cstdint>
#include <cstring>
#include <string_view>

#include "absl/base/optimization.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::codec {

class Output {
 public:
  // Region size taken at a time when writes are small. Default: 1 KiB.
  static constexpr size_t kDefaultChunk = 1024;

  explicit Output(transport::LinkBuffer& buf, size_t chunk = kDefaultChunk)
      : buf_(&buf), base_(buf.MallocLen()), chunk_(chunk) {}
  ~Output() { Finish(); }
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  // n contiguous writable bytes; call Advance(k <= n) after writing k.
  char* Reserve(size_t n) {
    if (ABSL_PREDICT_FALSE(static_cast<size_t>(end_ - p_) < n)) Grow(n);
    return p_;
  }
  void Advance(size_t n) { p_ += n; }

  void WriteByte(uint8_t v) {
    *Reserve(1) = static_cast<char>(v);
    ++p_;
  }
  void WriteBE16(uint16_t v) {
    v = __builtin_bswap16(v);
    WriteRaw(&v, 2);
  }
  void WriteBE32(uint32_t v) {
    v = __builtin_bswap32(v);
    WriteRaw(&v, 4);
  }
  void WriteBE64(uint64_t v) {
    v = __builtin_bswap64(v);
    WriteRaw(&v, 8);
  }
  void WriteLE64(uint64_t v) { WriteRaw(&v, 8); }
  void WriteBytes(const void* data, size_t n) { WriteRaw(data, n); }
  // Unsigned LEB128 (the varints of Compact and THeader).
  void WriteVarint(uint64_t v) {
    char* p = Reserve(10);
    while (v >= 0x80) {
      *p++ = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<char>(v);
    p_ = p;
  }

  // Bytes written through this Output so far.
  size_t written() const { return written_ + static_cast<size_t>(p_ - start_); }

  // Gives back the unused rest of the current region. Writing may go on.
  void Finish();

 private:
  void WriteRaw(const void* data, size_t n) {
    std::memcpy(Reserve(n), data, n);
    p_ += n;
  }
  void Grow(size_t n);

  transport::LinkBuffer* buf_;
  size_t base_;     // unflushed bytes in the buffer before this Output
  size_t chunk_;
  size_t written_ = 0;  // bytes in finished regions
  char* start_ = nullptr;
  char* p_ = nullptr;
  char* end_ = nullptr;
};

}  // namespace vireo::codec

#endif  // VIREO_CODEC_OUTPUT_H_
