#include "bench/load/alloc_count.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>

// glibc's allocator under its own names (exported by libc.so.6).
extern "C" {
void* __libc_malloc(size_t n);
void* __libc_calloc(size_t n, size_t size);
void* __libc_realloc(void* p, size_t n);
void* __libc_memalign(size_t align, size_t n);
}

namespace vireo::bench {
namespace {

// One counter per thread, written by its thread alone (a relaxed load and
// store) and summed by readers; threads past kSlots share the last slot
// with an atomic add.
constexpr int kSlots = 512;
struct alignas(64) Slot {
  std::atomic<uint64_t> count{0};
};
Slot slots[kSlots];
std::atomic<int> next_slot{0};
// Constant-initialised: touching it never allocates.
thread_local int my_slot = -1;

inline void Count() {
  if (my_slot < 0) {
    const int s = next_slot.fetch_add(1, std::memory_order_relaxed);
    my_slot = s < kSlots - 1 ? s : kSlots - 1;
  }
  std::atomic<uint64_t>& c = slots[my_slot].count;
  if (my_slot == kSlots - 1) {
    c.fetch_add(1, std::memory_order_relaxed);
  } else {
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
}

void Report(int /*sig*/) {
  const int saved = errno;
  char buf[48] = "allocations ";
  char digits[24];
  int n = 0;
  uint64_t v = HeapAllocations();
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  size_t len = std::strlen(buf);
  while (n > 0) buf[len++] = digits[--n];
  buf[len++] = '\n';
  ssize_t ignored = ::write(STDOUT_FILENO, buf, len);
  (void)ignored;
  errno = saved;
}

}  // namespace

uint64_t HeapAllocations() {
  uint64_t total = 0;
  for (const Slot& s : slots) total += s.count.load(std::memory_order_relaxed);
  return total;
}

void InstallAllocationReport() {
  struct sigaction sa {};
  sa.sa_handler = &Report;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGUSR1, &sa, nullptr);
}

}  // namespace vireo::bench

// The replacements. free() stays glibc's: these hand out glibc's blocks.
extern "C" {
void* malloc(size_t n) noexcept {
  vireo::bench::Count();
  return __libc_malloc(n);
}
void* calloc(size_t n, size_t size) noexcept {
  vireo::bench::Count();
  return __libc_calloc(n, size);
}
void* realloc(void* p, size_t n) noexcept {
  vireo::bench::Count();
  return __libc_realloc(p, n);
}
void* memalign(size_t align, size_t n) noexcept {
  vireo::bench::Count();
  return __libc_memalign(align, n);
}
void* aligned_alloc(size_t align, size_t n) noexcept {
  vireo::bench::Count();
  return __libc_memalign(align, n);
}
int posix_memalign(void** out, size_t align, size_t n) noexcept {
  if (align < sizeof(void*) || (align & (align - 1)) != 0) return EINVAL;
  vireo::bench::Count();
  void* p = __libc_memalign(align, n);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}
void* valloc(size_t n) noexcept {
  vireo::bench::Count();
  return __libc_memalign(static_cast<size_t>(::sysconf(_SC_PAGESIZE)), n);
}
void* pvalloc(size_t n) noexcept {
  vireo::bench::Count();
  const auto page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  return __libc_memalign(page, (n + page - 1) / page * page);
}
}
