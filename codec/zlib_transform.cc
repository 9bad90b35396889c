#include "vireo/codec/zlib_transform.h"

#include <sys/uio.h>
#include <zlib.h>

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "vireo/codec/thrift_types.h"

namespace vireo::codec {
namespace {

using transport::LinkBuffer;

// Output regions grow with the output, between these sizes: a small payload
// does not take a large block, a large one does not take thousands of small
// ones.
constexpr size_t kMinRegion = 4 * 1024;
constexpr size_t kMaxRegion = 1024 * 1024;
constexpr size_t kMaxIov = 16;
// zlib counts bytes in 32-bit uInt: feed it at most this much per call.
constexpr size_t kMaxFeed = size_t{1} << 30;

// Owns a z_stream for its lifetime.
class Stream {
 public:
  explicit Stream(bool deflating) : deflating_(deflating) {}
  ~Stream() {
    if (!initialized_) return;
    if (deflating_) {
      deflateEnd(&zs_);
    } else {
      inflateEnd(&zs_);
    }
  }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  absl::Status Init(int level) {
    const int rc = deflating_ ? deflateInit(&zs_, level) : inflateInit(&zs_);
    if (rc != Z_OK) {
      return absl::InternalError(absl::StrCat("zlib: ", deflating_ ? "deflateInit" : "inflateInit",
                                              " failed with code ", rc));
    }
    initialized_ = true;
    return absl::OkStatus();
  }
  z_stream& zs() { return zs_; }

 private:
  z_stream zs_{};
  bool deflating_;
  bool initialized_ = false;
};

// Collects zlib's output in regions taken from a LinkBuffer with Malloc; the
// unused rest of the last region is given back at Finish().
class Sink {
 public:
  // Points the stream's output at free room (at most `limit` bytes, at least
  // one), taking a new region when the current one is full.
  void Prepare(z_stream& zs, size_t limit = kMaxRegion) {
    if (room_ == 0) {
      room_ = NextRegion();
      region_ = out_.Malloc(room_);
    }
    offered_ = std::max<size_t>(std::min(room_, limit), 1);
    zs.next_out = reinterpret_cast<Bytef*>(region_);
    zs.avail_out = static_cast<uInt>(offered_);
  }
  // Accounts for what the last zlib call wrote.
  void Commit(const z_stream& zs) {
    const size_t produced = offered_ - zs.avail_out;
    region_ += produced;
    room_ -= produced;
    total_ += produced;
  }
  // True when the last call filled all the room it was offered.
  bool Full(const z_stream& zs) const { return zs.avail_out == 0; }
  size_t total() const { return total_; }
  // The first region's size; later ones are about as large as the output so
  // far.
  void set_first_region(size_t n) { first_region_ = std::clamp<size_t>(n, 64, kMaxRegion); }
  LinkBuffer Finish() {
    out_.MallocAck(total_);
    out_.Flush();
    return std::move(out_);
  }

 private:
  size_t NextRegion() const {
    return total_ == 0 ? first_region_ : std::clamp(total_, kMinRegion, kMaxRegion);
  }

  LinkBuffer out_;
  char* region_ = nullptr;
  size_t room_ = 0;     // free bytes left in the current region
  size_t offered_ = 0;  // bytes offered to the last zlib call
  size_t total_ = 0;
  size_t first_region_ = kMinRegion;
};

// Calls fn(data, n) for each contiguous piece of the `length` bytes of `in`
// that start `offset` bytes past its read position, in order, pieces no
// larger than kMaxFeed. Stops when fn returns false.
template <typename Fn>
void ForEachPiece(const LinkBuffer& in, size_t offset, size_t length, Fn&& fn) {
  iovec iov[kMaxIov];
  size_t done = 0;
  while (done < length) {
    const size_t count = in.PeekIovecs(iov, kMaxIov, length - done, offset + done);
    if (count == 0) return;
    for (size_t i = 0; i < count; ++i) {
      const char* p = static_cast<const char*>(iov[i].iov_base);
      size_t n = iov[i].iov_len;
      while (n > 0) {
        const size_t k = std::min(n, kMaxFeed);
        if (!fn(p, k)) return;
        p += k;
        n -= k;
        done += k;
      }
    }
  }
}

absl::Status ZlibFailure(const z_stream& zs, int rc) {
  if (rc == Z_MEM_ERROR) return absl::ResourceExhaustedError("zlib: out of memory");
  const std::string what = zs.msg != nullptr ? std::string(zs.msg) : absl::StrCat("code ", rc);
  return MalformedError("zlib", what);
}

}  // namespace

absl::StatusOr<LinkBuffer> ZlibDeflate(const LinkBuffer& in, int level) {
  if (level < kZlibDefaultLevel || level > 9) {
    return absl::InvalidArgumentError(absl::StrCat("zlib: level ", level, " is not in -1..9"));
  }
  Stream stream(/*deflating=*/true);
  if (absl::Status s = stream.Init(level); !s.ok()) return s;
  z_stream& zs = stream.zs();
  const size_t length = in.Len();
  // deflateBound is what a one-shot deflate could need: the first region
  // holds a small payload's whole output.
  const size_t bound = deflateBound(&zs, static_cast<uLong>(std::min<size_t>(length, kMaxFeed)));
  Sink sink;
  sink.set_first_region(bound);
  absl::Status status;
  ForEachPiece(in, 0, length, [&](const char* p, size_t n) {
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(p));
    zs.avail_in = static_cast<uInt>(n);
    // Deflate consumes all input before it reports room left in the output.
    do {
      sink.Prepare(zs);
      const int rc = deflate(&zs, Z_NO_FLUSH);
      sink.Commit(zs);
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        status = ZlibFailure(zs, rc);
        return false;
      }
    } while (sink.Full(zs));
    return true;
  });
  if (!status.ok()) return status;
  zs.next_in = nullptr;
  zs.avail_in = 0;
  while (true) {
    sink.Prepare(zs);
    const int rc = deflate(&zs, Z_FINISH);
    sink.Commit(zs);
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) return ZlibFailure(zs, rc);
  }
  return sink.Finish();
}

absl::StatusOr<LinkBuffer> ZlibInflate(const LinkBuffer& in, size_t offset, size_t length,
                                       uint64_t max_size) {
  const size_t readable = in.Len();
  if (offset > readable || length > readable - offset) {
    return absl::OutOfRangeError(absl::StrCat("zlib: ", length, " bytes at offset ", offset,
                                              " run past the ", readable, " readable"));
  }
  Stream stream(/*deflating=*/false);
  if (absl::Status s = stream.Init(0); !s.ok()) return s;
  z_stream& zs = stream.zs();
  Sink sink;
  bool ended = false;
  size_t taken = 0;  // input bytes zlib consumed
  absl::Status status;
  ForEachPiece(in, offset, length, [&](const char* p, size_t n) {
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(p));
    zs.avail_in = static_cast<uInt>(n);
    do {
      // Never offer room past max_size + 1: producing that one extra byte
      // proves the cap is exceeded without inflating any further.
      const uint64_t left = max_size - sink.total();
      sink.Prepare(zs, left < kMaxRegion ? static_cast<size_t>(left) + 1 : kMaxRegion);
      const int rc = inflate(&zs, Z_NO_FLUSH);
      sink.Commit(zs);
      if (sink.total() > max_size) {
        status =
            LimitError("max_inflated_size", "zlib payload inflated so far", sink.total(), max_size);
        return false;
      }
      if (rc == Z_STREAM_END) {
        ended = true;
        break;
      }
      // Z_BUF_ERROR: no progress possible, i.e. this piece is used up.
      if (rc == Z_BUF_ERROR) break;
      if (rc != Z_OK) {
        status = ZlibFailure(zs, rc);
        return false;
      }
    } while (sink.Full(zs));
    taken += n - zs.avail_in;
    return !ended;
  });
  if (!status.ok()) return status;
  if (!ended) {
    return MalformedError(
        "zlib", absl::StrCat("the stream ends early: ", length, " bytes inflated to ", sink.total(),
                             " without reaching the end of the stream"));
  }
  if (taken < length) {
    return MalformedError("zlib",
                          absl::StrCat(length - taken, " bytes follow the end of the stream"));
  }
  return sink.Finish();
}

absl::StatusOr<LinkBuffer> ZlibInflate(const LinkBuffer& in, uint64_t max_size) {
  return ZlibInflate(in, 0, in.Len(), max_size);
}

}  // namespace vireo::codec
