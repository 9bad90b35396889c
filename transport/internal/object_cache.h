// A per-thread cache of memory for small objects that every call makes and
// ends: coroutine frames (vireo::Task's promise), the server's call record,
// the client's call state, callbacks too large for absl::AnyInvocable's
// inline storage (Boxed). In steady state a call takes its objects' memory
// from the cache of the thread it runs on and gives it back there, and none
// of it reaches malloc. (Not to be confused with BlockPool, which holds the
// reference-counted buffers of LinkBuffer.)
//
// Example (a class whose objects come from the cache):
//   struct CallState {
//     static void* operator new(std::size_t n) {
//       return transport::internal::CachedAlloc(n);
//     }
//     static void operator delete(void* p, std::size_t n) noexcept {
//       transport::internal::CachedFree(p, n);
//     }
//   };
//
// Sizes up to kMaxCachedObject bytes are rounded up to a multiple of 64 and
// cached by that size; larger ones go straight to operator new/delete.
// Memory freed on another thread than the one that allocated it goes to the
// freeing thread's cache. Each thread caches at most kObjectCacheBytes;
// what is freed past that goes to operator delete. A thread's cache is
// released when the thread exits. Under AddressSanitizer cached memory is
// poisoned, so a use after free is still reported; under ThreadSanitizer
// the cache is off (everything goes to operator new/delete).
//
// Thread safe: each thread has its own cache; no locks, no atomics.
#ifndef VIREO_TRANSPORT_INTERNAL_OBJECT_CACHE_H_
#define VIREO_TRANSPORT_INTERNAL_OBJECT_CACHE_H_

#include <cstddef>
#include <memory>
#include <utility>

namespace vireo::transport::internal {

inline constexpr std::size_t kMaxCachedObject = 4096;
// Enough for a loop serving 100 calls at once (a server call record is
// about 1.9 KiB, with three coroutine frames beside it).
inline constexpr std::size_t kObjectCacheBytes = 1024 * 1024;

// Memory for an object of `size` bytes, aligned as operator new aligns.
// Throws std::bad_alloc as operator new does.
void* CachedAlloc(std::size_t size);
// Frees memory from CachedAlloc(size), given the same `size`.
void CachedFree(void* block, std::size_t size) noexcept;
// Bytes this thread's cache holds (for tests).
std::size_t CachedBytes() noexcept;
// False in builds where the cache is off (ThreadSanitizer).
bool ObjectCacheEnabled() noexcept;

// A callable too large for absl::AnyInvocable's inline storage (two
// pointers), moved into memory from the thread's cache: a Boxed is one
// pointer, so an AnyInvocable holds it without a malloc of its own.
//
// Example:
//   loop->RunAfter(delay, internal::Boxed([weak, seq, timeout] { ... }));
//
// Move-only; calling a moved-from Boxed is undefined.
template <class F>
class Boxed {
 public:
  explicit Boxed(F f) : box_(new Box(std::move(f))) {}

  template <class... A>
  decltype(auto) operator()(A&&... a) & {
    return box_->f(std::forward<A>(a)...);
  }
  template <class... A>
  decltype(auto) operator()(A&&... a) && {
    return std::move(box_->f)(std::forward<A>(a)...);
  }

 private:
  struct Box {
    explicit Box(F fn) : f(std::move(fn)) {}
    static void* operator new(std::size_t size) { return CachedAlloc(size); }
    static void operator delete(void* p, std::size_t size) noexcept { CachedFree(p, size); }
    F f;
  };
  std::unique_ptr<Box> box_;
};

}  // namespace vireo::transport::internal

#endif  // VIREO_TRANSPORT_INTERNAL_OBJECT_CACHE_H_
