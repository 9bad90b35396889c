// The global operator new and delete of a benchmark program that counts
// heap allocations. Include it in exactly one file of the program, which
// defines bench::CountAllocation(): called once per allocation, before
// malloc/aligned_alloc.
//
// Example:
//   namespace bench {
//   thread_local uint64_t t_allocations = 0;
//   void CountAllocation() { ++t_allocations; }
//   }  // namespace bench
//   #include "bench/counting_new.h"
//
// Thread rules: CountAllocation runs on every allocating thread.
#ifndef VIREO_BENCH_COUNTING_NEW_H_
#define VIREO_BENCH_COUNTING_NEW_H_

#include <cstddef>
#include <cstdlib>
#include <new>

namespace bench {
void CountAllocation();

inline void* CountedAlloc(std::size_t n) {
  CountAllocation();
  return std::malloc(n == 0 ? 1 : n);
}

inline void* CountedAlignedAlloc(std::size_t n, std::align_val_t align) {
  CountAllocation();
  const auto a = static_cast<std::size_t>(align);
  // aligned_alloc wants a size that is a multiple of the alignment.
  return std::aligned_alloc(a, (n + a - 1) / a * a);
}
}  // namespace bench

void* operator new(std::size_t n) {
  if (void* p = bench::CountedAlloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = bench::CountedAlloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return bench::CountedAlloc(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return bench::CountedAlloc(n);
}
void* operator new(std::size_t n, std::align_val_t a) {
  if (void* p = bench::CountedAlignedAlloc(n, a)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) {
  if (void* p = bench::CountedAlignedAlloc(n, a)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return bench::CountedAlignedAlloc(n, a);
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return bench::CountedAlignedAlloc(n, a);
}
// These are the replacements themselves: free() is the right match for the
// malloc() above, whatever GCC infers from the operator's name.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
#pragma GCC diagnostic pop

#endif  // VIREO_BENCH_COUNTING_NEW_H_
