#include "vireo/transport/internal/uring.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "vireo/transport/internal/errors.h"

namespace vireo::transport::internal {
namespace {
// The buffer group every receive selects from.
constexpr int kBufferGroup = 0;
}  // namespace

absl::StatusOr<std::unique_ptr<Uring>> Uring::Create(const UringOptions& options) {
  if (options.buffers == 0 || (options.buffers & (options.buffers - 1)) != 0 ||
      options.buffers > 32768 || options.buffer_size == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("io_uring: buffers must be a power of two up to 32768 and buffer_size "
                     "positive; got ",
                     options.buffers, " of ", options.buffer_size, " bytes"));
  }
  std::unique_ptr<Uring> uring(new Uring(options));
  struct io_uring_params params {};
  params.flags = IORING_SETUP_R_DISABLED | IORING_SETUP_SINGLE_ISSUER |
                 IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_CQSIZE;
  params.cq_entries = options.entries * 2;
  int rc = io_uring_queue_init_params(options.entries, &uring->ring_, &params);
  if (rc == -EINVAL) {
    // Before 6.1 there is no DEFER_TASKRUN, and before 6.0 no multishot
    // receive, which the connections rely on.
    return absl::FailedPreconditionError(
        "io_uring: the kernel refuses IORING_SETUP_DEFER_TASKRUN (Linux 6.1 or later is needed)");
  }
  if (rc < 0) return ErrnoStatus(-rc, "io_uring_setup");
  uring->ring_ready_ = true;

  // The buffer ring: page-aligned memory the kernel shares with us.
  uring->buf_ring_bytes_ = sizeof(struct io_uring_buf) * options.buffers;
  void* ring_memory = ::mmap(nullptr, uring->buf_ring_bytes_, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (ring_memory == MAP_FAILED) return ErrnoStatus(errno, "io_uring: mmap of the buffer ring");
  uring->buf_ring_ = static_cast<struct io_uring_buf_ring*>(ring_memory);
  io_uring_buf_ring_init(uring->buf_ring_);
  struct io_uring_buf_reg reg {};
  reg.ring_addr = reinterpret_cast<uintptr_t>(ring_memory);
  reg.ring_entries = options.buffers;
  reg.bgid = kBufferGroup;
  rc = io_uring_register_buf_ring(&uring->ring_, &reg, 0);
  if (rc < 0) return ErrnoStatus(-rc, "io_uring_register_buf_ring");
  uring->buffers_ = std::make_unique<char[]>(options.buffers * options.buffer_size);
  const int mask = io_uring_buf_ring_mask(options.buffers);
  for (unsigned i = 0; i < options.buffers; ++i) {
    io_uring_buf_ring_add(uring->buf_ring_, uring->buffers_.get() + i * options.buffer_size,
                          static_cast<unsigned>(options.buffer_size), static_cast<uint16_t>(i),
                          mask, static_cast<int>(i));
  }
  io_uring_buf_ring_advance(uring->buf_ring_, static_cast<int>(options.buffers));
  return uring;
}

Uring::~Uring() {
  if (ring_ready_) io_uring_queue_exit(&ring_);
  if (buf_ring_ != nullptr) ::munmap(buf_ring_, buf_ring_bytes_);
}

void Uring::Enable() {
  if (enabled_) return;
  enabled_ = true;
  // liburing 2.3 declares io_uring_enable_rings but does not export it.
  (void)::syscall(__NR_io_uring_register, ring_.ring_fd, IORING_REGISTER_ENABLE_RINGS, nullptr, 0);
}

struct io_uring_sqe* Uring::Sqe() {
  struct io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (sqe != nullptr) return sqe;
  // Full: hand what is prepared to the kernel and take a fresh slot. Only
  // the loop thread prepares, so this runs on the submitter.
  const int rc = io_uring_submit(&ring_);
  sqe = io_uring_get_sqe(&ring_);
  if (sqe == nullptr) {
    // Only a ring not yet enabled (more operations prepared before Run()
    // than it has entries) gets here.
    std::fprintf(stderr, "io_uring: submission queue full and submit failed: %s\n",
                 std::strerror(rc < 0 ? -rc : EBUSY));
    std::abort();
  }
  return sqe;
}

void Uring::PrepRecvMultishot(int fd, uint64_t user_data) {
  struct io_uring_sqe* sqe = Sqe();
  io_uring_prep_recv_multishot(sqe, fd, nullptr, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = kBufferGroup;
  io_uring_sqe_set_data64(sqe, user_data);
}

void Uring::PrepSendmsg(int fd, const struct msghdr* msg, uint64_t user_data) {
  struct io_uring_sqe* sqe = Sqe();
  io_uring_prep_sendmsg(sqe, fd, msg, MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, user_data);
}

void Uring::PrepPollMultishot(int fd, unsigned events, uint64_t user_data) {
  struct io_uring_sqe* sqe = Sqe();
  io_uring_prep_poll_multishot(sqe, fd, events);
  io_uring_sqe_set_data64(sqe, user_data);
}

void Uring::PrepCancel(uint64_t user_data) {
  struct io_uring_sqe* sqe = Sqe();
  io_uring_prep_cancel64(sqe, user_data, 0);
  io_uring_sqe_set_data64(sqe, kIgnored);
}

void Uring::PrepCancelFd(int fd) {
  struct io_uring_sqe* sqe = Sqe();
  io_uring_prep_cancel_fd(sqe, fd, IORING_ASYNC_CANCEL_ALL);
  io_uring_sqe_set_data64(sqe, kIgnored);
}

bool Uring::SubmitAndWait(const struct timespec* timeout) {
  struct io_uring_cqe* cqe = nullptr;
  if (timeout == nullptr) return io_uring_submit_and_wait(&ring_, 1) >= 0;
  if (timeout->tv_sec == 0 && timeout->tv_nsec == 0) {
    // Submit and collect whatever is there (deferred task work runs too).
    (void)io_uring_submit_and_get_events(&ring_);
    return io_uring_cq_ready(&ring_) > 0;
  }
  struct __kernel_timespec ts {};
  ts.tv_sec = timeout->tv_sec;
  ts.tv_nsec = timeout->tv_nsec;
  return io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr) >= 0;
}

void Uring::TakeCompletions(std::vector<Completion>* out) {
  unsigned head;
  unsigned count = 0;
  struct io_uring_cqe* cqe;
  io_uring_for_each_cqe(&ring_, head, cqe) {
    out->push_back(Completion{cqe->user_data, cqe->res, cqe->flags});
    ++count;
  }
  io_uring_cq_advance(&ring_, count);
}

void Uring::Recycle(uint16_t id) {
  io_uring_buf_ring_add(buf_ring_, buffers_.get() + static_cast<size_t>(id) * options_.buffer_size,
                        static_cast<unsigned>(options_.buffer_size), id,
                        io_uring_buf_ring_mask(options_.buffers), 0);
  io_uring_buf_ring_advance(buf_ring_, 1);
}

}  // namespace vireo::transport::internal
