// Uring: the io_uring instance an EventLoop drives when it is told to
// (EventLoop::EnableIoUring), with a ring of provided buffers that
// multishot receives fill.
//
// The loop prepares operations while it handles an iteration and submits
// them all with the one io_uring_enter that also waits for completions:
// a connection's receive, its send and the loop's wait cost one system
// call between them, where epoll needs a read, a sendmsg and an
// epoll_wait. Each operation carries a user_data word: the address of the
// CompletionHandler that submitted it with a 3-bit operation tag in its
// low bits (handlers are at least 8-byte aligned), or one of the loop's
// own tags below.
//
// Example (in an EventLoop):
//   uring->PrepRecvMultishot(fd, Tag(handler, kRecv));
//   uring->SubmitAndWait(&timeout);
//   uring->TakeCompletions(&batch);
//   for (const Completion& c : batch) ...
//
// Thread rules: one thread only, the loop's. The ring is created disabled
// (IORING_SETUP_R_DISABLED) so that the constructing thread need not be
// the loop's; Enable() on the loop thread makes that thread its only
// submitter (IORING_SETUP_SINGLE_ISSUER, with completions delivered only
// when it waits: IORING_SETUP_DEFER_TASKRUN). Operations may be prepared
// before Enable(); they are submitted by the first SubmitAndWait().
#ifndef VIREO_TRANSPORT_INTERNAL_URING_H_
#define VIREO_TRANSPORT_INTERNAL_URING_H_

#include <liburing.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace vireo::transport::internal {

struct UringOptions {
  // Submission queue entries (the completion queue has twice as many).
  // A loop that prepares more in one iteration submits them as it goes;
  // before Run() (the ring not yet enabled) it cannot, and more than this
  // many prepared then abort. Default: 1024.
  unsigned entries = 1024;
  // Provided receive buffers shared by the loop's connections, and their
  // size: a receive completes with at most one buffer's bytes, which the
  // connection copies into its input and gives back at once. Count must
  // be a power of two. Default: 256 of 16 KiB (4 MiB per loop).
  unsigned buffers = 256;
  size_t buffer_size = 16 * 1024;
};

// One completion, copied out of the ring.
struct Completion {
  uint64_t user_data;
  int32_t res;
  uint32_t flags;
};

class Uring {
 public:
  // user_data of operations whose completions nobody reads (cancels).
  static constexpr uint64_t kIgnored = 0;
  // user_data of the loop's poll of its epoll descriptor.
  static constexpr uint64_t kEpollReady = 1;

  // Sets up the ring and registers the buffer ring. The error is the
  // kernel's (io_uring disabled, too old, out of locked memory).
  static absl::StatusOr<std::unique_ptr<Uring>> Create(const UringOptions& options);
  // Tears the ring down: the kernel cancels what is still in flight.
  ~Uring();
  Uring(const Uring&) = delete;
  Uring& operator=(const Uring&) = delete;

  // Makes the calling thread the ring's submitter. Idempotent.
  void Enable();

  // A receive that completes each time bytes arrive, into a provided
  // buffer (IORING_CQE_F_BUFFER, the buffer id in the flags' high bits),
  // until it fails, is cancelled or reads the end of the stream; its last
  // completion lacks IORING_CQE_F_MORE.
  void PrepRecvMultishot(int fd, uint64_t user_data);
  // A sendmsg; `msg` and what it points to must stay valid until it completes.
  void PrepSendmsg(int fd, const struct msghdr* msg, uint64_t user_data);
  // A multishot poll for `events` (POLLIN...).
  void PrepPollMultishot(int fd, unsigned events, uint64_t user_data);
  // Cancels the operation submitted with `user_data`.
  void PrepCancel(uint64_t user_data);
  // Cancels every operation on `fd`.
  void PrepCancelFd(int fd);

  // Submits what was prepared and waits until a completion is there, or
  // `timeout` passes (nullptr: no limit; zero: do not wait). Returns false
  // on a timeout or an interrupted wait.
  bool SubmitAndWait(const struct timespec* timeout);
  // Appends the completions waiting in the ring to `out` and frees their
  // slots. Handlers run after this, so a completion that a handler's
  // operation produces inline lands in the next batch.
  void TakeCompletions(std::vector<Completion>* out);

  // The bytes of buffer `id` (from a completion's flags) that a receive
  // filled; valid until Recycle(id).
  std::string_view Buffer(uint16_t id, size_t len) const {
    return {buffers_.get() + static_cast<size_t>(id) * options_.buffer_size, len};
  }
  // Gives buffer `id` back to the kernel for the next receive.
  void Recycle(uint16_t id);

 private:
  explicit Uring(const UringOptions& options) : options_(options) {}
  struct io_uring_sqe* Sqe();

  const UringOptions options_;
  struct io_uring ring_ {};
  bool ring_ready_ = false;
  bool enabled_ = false;
  struct io_uring_buf_ring* buf_ring_ = nullptr;
  size_t buf_ring_bytes_ = 0;
  std::unique_ptr<char[]> buffers_;
};

// The user_data for operation `op` (0-7) of the object at `p` (at least
// 8-byte aligned), and the two back from it.
inline constexpr uint64_t kUringOpMask = 7;
inline uint64_t UringTag(const void* p, unsigned op) {
  return reinterpret_cast<uintptr_t>(p) | op;
}
inline void* UringObject(uint64_t user_data) {
  return reinterpret_cast<void*>(static_cast<uintptr_t>(user_data & ~kUringOpMask));
}
inline unsigned UringOp(uint64_t user_data) {
  return static_cast<unsigned>(user_data & kUringOpMask);
}

}  // namespace vireo::transport::internal

#endif  // VIREO_TRANSPORT_INTERNAL_URING_H_
