#include "vireo/transport/internal/object_cache.h"

#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define VIREO_OBJECT_POISON 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VIREO_OBJECT_POISON 1
#endif
#endif
#if defined(VIREO_OBJECT_POISON)
#include <sanitizer/asan_interface.h>
#endif
// ThreadSanitizer resets a block's history when malloc hands it out again;
// it would take a cached block reused on another thread for a race. Under
// it the cache is off.
#if defined(__SANITIZE_THREAD__)
#define VIREO_OBJECT_CACHE_OFF 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define VIREO_OBJECT_CACHE_OFF 1
#endif
#endif

namespace vireo::transport::internal {
namespace {

constexpr std::size_t kGranule = 64;
constexpr std::size_t kClasses = kMaxCachedObject / kGranule;

// A cached block's first bytes link it to the next one of its class.
struct FreeLink {
  FreeLink* next;
};

void Poison([[maybe_unused]] void* block, [[maybe_unused]] std::size_t bytes) {
#if defined(VIREO_OBJECT_POISON)
  ASAN_POISON_MEMORY_REGION(static_cast<char*>(block) + sizeof(FreeLink), bytes - sizeof(FreeLink));
#endif
}

void Unpoison([[maybe_unused]] void* block, [[maybe_unused]] std::size_t bytes) {
#if defined(VIREO_OBJECT_POISON)
  ASAN_UNPOISON_MEMORY_REGION(block, bytes);
#endif
}

struct ObjectCache {
  FreeLink* heads[kClasses] = {};
  std::size_t bytes = 0;

  ~ObjectCache();
};

// Set once this thread's cache is destroyed: a block freed by a later
// thread-exit destructor goes straight to operator delete.
constinit thread_local bool cache_gone = false;
thread_local ObjectCache cache;

ObjectCache::~ObjectCache() {
  for (std::size_t c = 0; c < kClasses; ++c) {
    while (FreeLink* f = heads[c]) {
      heads[c] = f->next;
      Unpoison(f, (c + 1) * kGranule);
      ::operator delete(f);
    }
  }
  bytes = 0;
  cache_gone = true;
}

// The class of a block of `size` bytes: blocks of (c*64, (c+1)*64] bytes
// share class c and are all (c+1)*64 bytes long.
std::size_t ClassOf(std::size_t size) { return (size - 1) / kGranule; }

#if defined(VIREO_OBJECT_CACHE_OFF)
constexpr bool kCacheOn = false;
#else
constexpr bool kCacheOn = true;
#endif

}  // namespace

bool ObjectCacheEnabled() noexcept { return kCacheOn; }

void* CachedAlloc(std::size_t size) {
  if (!kCacheOn || size == 0 || size > kMaxCachedObject) return ::operator new(size);
  // Always the class's full size: another thread may cache it when it ends.
  const std::size_t c = ClassOf(size);
  const std::size_t bytes = (c + 1) * kGranule;
  if (cache_gone) return ::operator new(bytes);
  ObjectCache& fc = cache;
  if (FreeLink* f = fc.heads[c]) {
    Unpoison(f, bytes);
    fc.heads[c] = f->next;
    fc.bytes -= bytes;
    return f;
  }
  return ::operator new(bytes);
}

void CachedFree(void* block, std::size_t size) noexcept {
  if (!kCacheOn || size == 0 || size > kMaxCachedObject || cache_gone) {
    ::operator delete(block);
    return;
  }
  const std::size_t c = ClassOf(size);
  const std::size_t bytes = (c + 1) * kGranule;
  ObjectCache& fc = cache;
  if (fc.bytes + bytes > kObjectCacheBytes) {
    ::operator delete(block);
    return;
  }
  auto* f = static_cast<FreeLink*>(block);
  f->next = fc.heads[c];
  fc.heads[c] = f;
  fc.bytes += bytes;
  Poison(f, bytes);
}

std::size_t CachedBytes() noexcept { return cache_gone ? 0 : cache.bytes; }

}  // namespace vireo::transport::internal
