// Soak: many calls over multiplexed connections against an in-process
// server, with random per-call deadlines that the handler often misses,
// and clients destroyed with calls in flight. Afterwards nothing may be
// left behind: no call waiting on the client, none running on the server,
// no block of the default pool still live, and the process no larger than
// it was after the warm-up.
//
// Each call echoes a payload of a size drawn from a menu (empty up to
// ~94 KiB, so pooled blocks of several size classes are sliced, shared,
// copied and given back) after a random delay on the server, under a
// random deadline (fixed seed). 128 calls are in flight at a time. Calls fall into three
// groups: prompt ones with ample time; racing ones whose delay and
// deadline are drawn from the same range, so either may win; and
// abandoned ones whose deadline passes long before the handler answers,
// so the reply arrives late and is dropped. Ten times during the run the
// client is destroyed with its window of calls in flight (alternately a
// client with loops of its own and one on loops it shares), which fails
// them with UNAVAILABLE "connection closed by the client", and a new
// client takes over.
//
// Asserted: every call completes exactly once, with OK and its own
// payload, DEADLINE_EXCEEDED, or -- only for calls of a destroyed client --
// UNAVAILABLE; each of the three occurs, and late replies were dropped;
// then ClientStats::in_flight is 0, the server has no call in flight,
// BlockPool::Default() has exactly as many live blocks and bytes as before
// the server started (once the client is gone and the server has closed
// its connections), its idle bytes stay within the pool's own caps, and
// the resident set grew by less than 5% between the end of the warm-up
// (the first 10% of calls, at least 20,000) and the end of the run.
//
// The two resident-set figures are taken alike: no call in flight, the
// client, the server and the client loops destroyed (a new server and new
// loops serve the calls after the warm-up), the pool's idle blocks and
// malloc's free pages given back or subtracted. What is left is memory in
// use, so that growth means a leak, not a cache or a capacity that met a
// new peak (the pool's cache has its own bound, checked apart). Under ASan
// the allocator's heap counts as the bytes the program holds (see
// ResidentBytesInUse); under TSan, whose own state grows with the run, the
// figures are printed but the bound is not checked.
//
// Length: 50,000 calls by default (CI). VIREO_SOAK_CALLS=<n> sets another
// count; the long run, outside CI, is
//   VIREO_SOAK_CALLS=1000000 ./soak_test
// Each run prints its figures (counts, RSS, pool stats, time) on stdout.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <semaphore>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "soak_service_rpc.h"
#include "tests/rpc/timers.h"
#include "vireo/codec/bytes.h"
#include "vireo/core/client.h"
#include "vireo/core/server.h"
#include "vireo/core/task.h"
#include "vireo/transport/block_pool.h"
#include "vireo/transport/event_loop_group.h"

#if defined(__SANITIZE_ADDRESS__)
// ASan's quarantine (256 MiB by default) keeps freed memory resident for a
// while, which would swamp the resident-set bound; a small one keeps the
// bound meaningful. Options given in ASAN_OPTIONS still win.
extern "C" __attribute__((used, visibility("default"))) const char* __asan_default_options() {
  return "quarantine_size_mb=8:thread_local_quarantine_size_kb=256";
}
// From sanitizer/allocator_interface.h, which GCC 12 does not ship:
// ASan's counterpart of malloc_trim (drains the quarantine and gives free
// memory back to the system), and the bytes the program holds.
extern "C" void __sanitizer_purge_allocator();
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace soaktest {
namespace {

using rpctest::Timers;
using vireo::codec::Bytes;

// Every wait for the system to settle gives up after this long: far beyond
// what a loaded machine needs, so reaching it means something is stuck.
constexpr absl::Duration kSettleTimeout = absl::Seconds(60);

constexpr uint64_t kDefaultCalls = 50'000;
constexpr int kWindow = 128;          // calls in flight at once
constexpr int kClientDestroys = 10;   // clients destroyed mid-run
constexpr uint64_t kSeed = 20240611;  // the run's random choices
constexpr size_t kPatternSize = 256 * 1024;

// kDefaultCalls, or VIREO_SOAK_CALLS; 0 when that is not a number.
uint64_t CallCount() {
  const char* env = std::getenv("VIREO_SOAK_CALLS");
  if (env == nullptr || *env == '\0') return kDefaultCalls;
  uint64_t n = 0;
  return absl::SimpleAtoi(env, &n) ? n : 0;
}

// Calls before the resident-set baseline: the first 10%, and at least
// 20,000 (at most half the run). malloc's heap takes some ten thousand
// calls to settle; after that the resident set stays flat however long
// the run (the 1,000,000-call run: within 1%).
uint64_t WarmUpCalls(uint64_t calls) {
  return std::min(calls / 2, std::max(calls / 10, uint64_t{20'000}));
}

int64_t ResidentBytes() {
  std::ifstream in("/proc/self/statm");
  int64_t size = 0;
  int64_t resident = 0;
  in >> size >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

#if defined(__SANITIZE_ADDRESS__) && defined(__x86_64__)
// Where ASan's allocator keeps the heap on x86-64 (compiler-rt,
// asan_allocator.h: kAllocatorSpace, kAllocatorSize).
constexpr uint64_t kAsanHeapBegin = 0x600000000000;
constexpr uint64_t kAsanHeapEnd = 0x640000000000;

// Resident bytes of the mappings that start in [begin, end).
int64_t ResidentBytesIn(uint64_t begin, uint64_t end) {
  std::ifstream in("/proc/self/smaps");
  std::string line;
  bool inside = false;
  int64_t kib = 0;
  while (std::getline(in, line)) {
    // A mapping's first line: "<begin>-<end> perms offset dev inode [path]".
    unsigned long long b = 0;
    unsigned long long e = 0;
    char after = 0;
    if (std::sscanf(line.c_str(), "%llx-%llx%c", &b, &e, &after) == 3 && after == ' ') {
      inside = b >= begin && b < end;
    } else if (inside && line.rfind("Rss:", 0) == 0) {
      kib += std::atoll(line.c_str() + 4);
    }
  }
  return kib * 1024;
}
#endif

// The resident set without the caches that keep freed memory: the default
// pool's idle blocks (Trim() frees the shared lists; what threads still
// cache is subtracted) and the allocator's free pages.
//
// Under ASan the allocator's heap counts as the bytes the program holds,
// not as its resident pages: it keeps some 9 MiB resident for 0.7 MiB
// allocated here, and with the quarantine recycling chunks in
// first-in-first-out order that figure wanders by +-1.5 MiB from run to
// run. Everything else (shadow, ASan's own tables, stacks, libraries)
// counts as resident.
int64_t ResidentBytesInUse() {
  vireo::transport::BlockPool& pool = vireo::transport::BlockPool::Default();
  pool.Trim();
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_purge_allocator();
#else
  ::malloc_trim(0);
#endif
  int64_t resident = ResidentBytes();
#if defined(__SANITIZE_ADDRESS__) && defined(__x86_64__)
  resident += static_cast<int64_t>(__sanitizer_get_current_allocated_bytes()) -
              ResidentBytesIn(kAsanHeapBegin, kAsanHeapEnd);
#endif
  return resident - pool.GetStats().idle_bytes;
}

class SoakHandler : public SoakServiceHandler {
 public:
  explicit SoakHandler(Timers* timers) : timers_(timers) {}

  vireo::Task<Bytes> co_echo(vireo::CallContext&, int32_t delay_ms, const Bytes& payload) override {
    if (delay_ms > 0) co_await timers_->Sleep(absl::Milliseconds(delay_ms));
    co_return payload;
  }

 private:
  Timers* const timers_;
};

// The payload of call `id`: its id, then `size - 8` bytes of a fixed random
// pattern from an offset that depends on the id, so that a reply carrying
// another call's payload (or a torn one) does not match.
class Payloads {
 public:
  Payloads() : pattern_(kPatternSize, '\0') {
    std::mt19937_64 rng(kSeed ^ 0x5eed);
    for (char& c : pattern_) c = static_cast<char>(rng());
  }
  // Writes the payload into `out`, reusing its storage.
  void Make(uint64_t id, size_t size, std::string& out) const {
    out.resize(size);
    Fill(id, out.data(), size);
  }
  bool Matches(uint64_t id, size_t size, std::string_view got) const {
    if (got.size() != size) return false;
    char head[8];
    std::memcpy(head, &id, sizeof(head));
    const size_t n = std::min(size, sizeof(head));
    if (std::memcmp(got.data(), head, n) != 0) return false;
    if (size <= sizeof(head)) return true;
    return std::memcmp(got.data() + sizeof(head), pattern_.data() + Offset(id),
                       size - sizeof(head)) == 0;
  }

 private:
  static size_t Offset(uint64_t id) { return (id * 4099) % (kPatternSize / 2); }
  void Fill(uint64_t id, char* out, size_t size) const {
    char head[8];
    std::memcpy(head, &id, sizeof(head));
    std::memcpy(out, head, std::min(size, sizeof(head)));
    if (size > sizeof(head)) {
      std::memcpy(out + sizeof(head), pattern_.data() + Offset(id), size - sizeof(head));
    }
  }
  std::string pattern_;
};

// One call's random choices.
struct Plan {
  size_t size = 0;
  int32_t delay_ms = 0;
  absl::Duration timeout;
};

Plan Draw(std::mt19937_64& rng) {
  Plan p;
  std::uniform_int_distribution<int> percent(0, 99);
  const int s = percent(rng);
  // Sizes from a fixed menu: at, below and above the pool's 4 KiB block and
  // slice threshold and its larger classes. Sizes of every length would
  // also work, but they fragment malloc's heap for some 100,000 calls
  // before it settles, which would drown the resident-set bound of the
  // 50,000-call run.
  static constexpr size_t kSmall[] = {0, 1, 8, 64, 200, 511};
  static constexpr size_t kMedium[] = {600, 1500, 4000, 4096, 4097, 6000, 9000, 16384};
  static constexpr size_t kLarge[] = {20000, 40000, 65536, 96000};
  auto pick = [&rng](const auto& menu) {
    return menu[std::uniform_int_distribution<size_t>(0, std::size(menu) - 1)(rng)];
  };
  if (s < 70) {
    p.size = pick(kSmall);
  } else if (s < 97) {
    p.size = pick(kMedium);
  } else {
    p.size = pick(kLarge);
  }
  const int k = percent(rng);
  if (k < 60) {
    // Prompt: answers at once, with ample time.
    p.delay_ms = 0;
    p.timeout = absl::Milliseconds(std::uniform_int_distribution<int>(500, 3000)(rng));
  } else if (k < 85) {
    // Racing: the handler's delay and the deadline from the same range.
    p.delay_ms = std::uniform_int_distribution<int32_t>(1, 20)(rng);
    p.timeout = absl::Milliseconds(std::uniform_int_distribution<int>(1, 20)(rng));
  } else {
    // Abandoned: the caller gives up long before the reply comes.
    p.delay_ms = std::uniform_int_distribution<int32_t>(20, 60)(rng);
    p.timeout = absl::Milliseconds(std::uniform_int_distribution<int>(1, 10)(rng));
  }
  return p;
}

// The outcome of every call, filled in by the callbacks on loop threads.
struct Tally {
  explicit Tally(uint64_t calls, int generations)
      : completions(calls), destroyed(static_cast<size_t>(generations)) {}

  // Per call: how many times its callback ran. Value-initialized, so its
  // pages are resident before the warm-up baseline.
  std::vector<std::atomic<uint8_t>> completions;
  // Per client generation: set just before that client is destroyed.
  std::vector<std::atomic<bool>> destroyed;
  std::atomic<uint64_t> ok{0};
  std::atomic<uint64_t> deadline_exceeded{0};
  std::atomic<uint64_t> abandoned_by_close{0};
  std::atomic<uint64_t> wrong_payload{0};
  std::atomic<uint64_t> unexpected{0};
  std::atomic<uint64_t> repeated{0};

  std::mutex mu;
  std::vector<std::string> errors;  // guarded by mu; the first few

  void Note(std::string what) {
    std::lock_guard<std::mutex> lock(mu);
    if (errors.size() < 10) errors.push_back(std::move(what));
  }
};

// One client generation: the client and its typed stub.
struct Generation {
  std::unique_ptr<vireo::Client> client;
  std::unique_ptr<SoakServiceClient> stub;
};

Generation NewGeneration(int index, uint16_t port, vireo::transport::EventLoopGroup* shared) {
  vireo::ClientOptions o;
  o.service = "SoakService";
  o.targets = {absl::StrCat("127.0.0.1:", port)};
  o.mode = vireo::ConnectionMode::kMux;
  o.mux_connections = 2;
  o.connect_timeout = absl::Seconds(10);
  // Odd generations run on loops of their own, even ones on shared loops:
  // both ways of destroying a client with calls in flight are covered.
  if (index % 2 == 1) {
    o.num_loops = 2;
  } else {
    o.loops = shared;
  }
  Generation g;
  g.client = std::make_unique<vireo::Client>(o);
  g.stub = std::make_unique<SoakServiceClient>(g.client.get());
  return g;
}

// Polls `done` until it holds or kSettleTimeout passes; returns its last value.
template <class F>
bool Settle(F done) {
  const absl::Time until = absl::Now() + kSettleTimeout;
  while (!done()) {
    if (absl::Now() > until) return done();
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

std::string PoolString(const vireo::transport::BlockPool::Stats& s) {
  return absl::StrCat("live ", s.live_blocks, " blocks / ", s.live_bytes, " B, idle ",
                      s.idle_blocks, " blocks / ", s.idle_bytes, " B");
}

TEST(Soak, MuxCallsWithDeadlinesAndAbandonedCallsLeaveNothingBehind) {
  const uint64_t calls = CallCount();
  ASSERT_GE(calls, 1000u) << "VIREO_SOAK_CALLS must be a number of calls, at least 1000";
  const absl::Time started = absl::Now();
  vireo::transport::BlockPool& pool = vireo::transport::BlockPool::Default();
  const vireo::transport::BlockPool::Stats pool_before = pool.GetStats();

  Timers timers;
  SoakHandler handler(&timers);
  // The server and the loops that clients share. Replaced once, after the
  // warm-up, so that the resident-set figures are both taken with neither.
  std::unique_ptr<vireo::Server> server;
  std::unique_ptr<vireo::transport::EventLoopGroup> shared_loops;
  uint16_t port = 0;
  uint64_t connections_accepted = 0;
  uint64_t calls_served = 0;
  auto start_rig = [&]() -> bool {
    vireo::ServerOptions so;
    so.address = "127.0.0.1:0";
    so.num_loops = 2;
    so.shutdown_grace = absl::Seconds(5);
    server = std::make_unique<vireo::Server>(so);
    server->AddService(&handler);
    if (absl::Status s = server->Start(); !s.ok()) {
      ADD_FAILURE() << s;
      return false;
    }
    port = server->port();
    shared_loops = std::make_unique<vireo::transport::EventLoopGroup>(
        vireo::transport::EventLoopGroup::Options{.num_loops = 2, .name = "soak-client"});
    return true;
  };
  auto stop_rig = [&] {
    const vireo::ServerStats st = server->stats();
    connections_accepted += st.connections_accepted;
    calls_served += st.calls_served;
    server->Stop();
    server.reset();
    shared_loops.reset();
  };
  ASSERT_TRUE(start_rig());
  const Payloads payloads;
  // One client per stretch between destroys, and a new one after the warm-up.
  const int generations = kClientDestroys + 2;
  Tally tally(calls, generations);
  std::counting_semaphore<kWindow> slots(kWindow);

  // Clients are destroyed half-way between tenths of the run.
  std::vector<uint64_t> destroy_at;
  for (int k = 0; k < kClientDestroys; ++k) {
    destroy_at.push_back((2 * static_cast<uint64_t>(k) + 1) * calls / (2 * kClientDestroys));
  }
  const uint64_t warm_up = WarmUpCalls(calls);

  int gen_index = 0;
  Generation gen = NewGeneration(gen_index, port, shared_loops.get());
  uint64_t late_replies = 0;
  int64_t rss_baseline = 0;
  size_t next_destroy = 0;
  std::mt19937_64 rng(kSeed);
  // Reused from call to call: the arguments are encoded before echo()
  // returns.
  std::string scratch;
  Bytes request;

  // Waits until no call is in flight on either side: every slot back (each
  // callback has run) and the server's handlers done. Holds the slots.
  auto drain = [&]() -> bool {
    for (int i = 0; i < kWindow; ++i) {
      if (!slots.try_acquire_for(absl::ToChronoSeconds(kSettleTimeout))) {
        ADD_FAILURE() << kWindow - i << " calls never completed";
        slots.release(i);
        return false;
      }
    }
    return Settle([&] { return server->stats().in_flight_calls == 0; });
  };

  for (uint64_t id = 0; id < calls; ++id) {
    if (id == warm_up) {
      // The baseline is taken as the final figure will be: nothing in
      // flight, no client, no server.
      ASSERT_TRUE(drain()) << "the warm-up did not drain";
      late_replies += gen.client->Stats().late_replies;
      gen = Generation();
      ASSERT_TRUE(Settle([&] { return server->stats().open_connections == 0; }));
      stop_rig();
      rss_baseline = ResidentBytesInUse();
      ASSERT_TRUE(start_rig());
      gen = NewGeneration(++gen_index, port, shared_loops.get());
      slots.release(kWindow);
    }
    if (id % (calls / 10) == 0) {
      std::printf("soak: call %llu: RSS (caches included) %lld B, pool %s\n",
                  static_cast<unsigned long long>(id), static_cast<long long>(ResidentBytes()),
                  PoolString(pool.GetStats()).c_str());
    }
    if (next_destroy < destroy_at.size() && id == destroy_at[next_destroy]) {
      ++next_destroy;
      // The window is full: destroy the client under its calls in flight.
      late_replies += gen.client->Stats().late_replies;
      tally.destroyed[static_cast<size_t>(gen_index)].store(true);
      gen = Generation();
      gen = NewGeneration(++gen_index, port, shared_loops.get());
    }
    const Plan plan = Draw(rng);
    ASSERT_TRUE(slots.try_acquire_for(absl::ToChronoSeconds(kSettleTimeout)))
        << "no call completed for " << kSettleTimeout << " after call " << id;
    vireo::CallOptions options;
    options.timeout = plan.timeout;
    const int g = gen_index;
    payloads.Make(id, plan.size, scratch);
    request.assign(scratch);
    gen.stub->echo(
        plan.delay_ms, request,
        [&tally, &payloads, &slots, id, g, size = plan.size](absl::StatusOr<Bytes> r) {
          if (tally.completions[id].fetch_add(1) != 0) {
            tally.repeated.fetch_add(1);
            tally.Note(absl::StrCat("call ", id, " completed more than once"));
          }
          if (r.ok()) {
            if (payloads.Matches(id, size, r->view())) {
              tally.ok.fetch_add(1);
            } else {
              tally.wrong_payload.fetch_add(1);
              tally.Note(absl::StrCat("call ", id, ": wrong payload of ", r->size(),
                                      " bytes, expected ", size));
            }
          } else if (r.status().code() == absl::StatusCode::kDeadlineExceeded) {
            tally.deadline_exceeded.fetch_add(1);
          } else if (r.status().code() == absl::StatusCode::kUnavailable &&
                     tally.destroyed[static_cast<size_t>(g)].load() &&
                     absl::StrContains(r.status().message(), "closed by the client")) {
            tally.abandoned_by_close.fetch_add(1);
          } else {
            tally.unexpected.fetch_add(1);
            tally.Note(absl::StrCat("call ", id, ": ", r.status().ToString()));
          }
          slots.release();
        },
        options);
  }
  // Every callback has run, and the server finished the handlers of
  // abandoned calls (dropping their replies).
  ASSERT_TRUE(drain()) << server->stats().in_flight_calls << " calls still in flight on the server";
  const vireo::transport::BlockPool::Stats pool_end = pool.GetStats();
  const vireo::ClientStats client_stats = gen.client->Stats();
  late_replies += client_stats.late_replies;

  uint64_t never = 0;
  uint64_t more_than_once = 0;
  for (const auto& c : tally.completions) {
    const uint8_t n = c.load();
    if (n == 0) ++never;
    if (n > 1) ++more_than_once;
  }
  const uint64_t ok = tally.ok.load();
  const uint64_t deadline = tally.deadline_exceeded.load();
  const uint64_t closed = tally.abandoned_by_close.load();

  // The client is idle: nothing waits in its pending maps.
  EXPECT_EQ(client_stats.in_flight, 0u);
  EXPECT_LE(client_stats.connections, 2u);

  // Then without the client: the server closes its connections, and every
  // block they and the calls held is back in the pool.
  gen = Generation();
  EXPECT_TRUE(Settle([&] { return server->stats().open_connections == 0; }))
      << server->stats().open_connections << " server connections still open";
  EXPECT_TRUE(Settle([&] {
    const auto s = pool.GetStats();
    return s.live_blocks == pool_before.live_blocks && s.live_bytes == pool_before.live_bytes;
  }));
  // The pool as the run left it, before the measurement trims it.
  const vireo::transport::BlockPool::Stats pool_after = pool.GetStats();
  stop_rig();
  const int64_t rss_end = ResidentBytesInUse();
  const vireo::transport::BlockPool::Stats pool_trimmed = pool.GetStats();
  const absl::Duration elapsed = absl::Now() - started;

  std::printf(
      "soak: %llu calls in %s: %llu OK, %llu DEADLINE_EXCEEDED, %llu UNAVAILABLE (client "
      "destroyed), %llu late replies dropped\n"
      "soak: RSS in use after the warm-up (call %llu) %lld B, at the end %lld B (%+.2f%%)\n"
      "soak: pool before the server started: %s\n"
      "soak: pool when the last call completed: %s\n"
      "soak: pool with the client gone: %s\n"
      "soak: pool with the server gone too, trimmed: %s\n"
      "soak: server: %llu connections accepted, %llu calls served\n",
      static_cast<unsigned long long>(calls), absl::FormatDuration(elapsed).c_str(),
      static_cast<unsigned long long>(ok), static_cast<unsigned long long>(deadline),
      static_cast<unsigned long long>(closed), static_cast<unsigned long long>(late_replies),
      static_cast<unsigned long long>(warm_up), static_cast<long long>(rss_baseline),
      static_cast<long long>(rss_end),
      100.0 * static_cast<double>(rss_end - rss_baseline) / static_cast<double>(rss_baseline),
      PoolString(pool_before).c_str(), PoolString(pool_end).c_str(), PoolString(pool_after).c_str(),
      PoolString(pool_trimmed).c_str(), static_cast<unsigned long long>(connections_accepted),
      static_cast<unsigned long long>(calls_served));

  {
    std::lock_guard<std::mutex> lock(tally.mu);
    for (const std::string& e : tally.errors) ADD_FAILURE() << e;
  }
  // Exactly once, each with an allowed outcome.
  EXPECT_EQ(never, 0u);
  EXPECT_EQ(more_than_once, 0u);
  EXPECT_EQ(tally.repeated.load(), 0u);
  EXPECT_EQ(tally.wrong_payload.load(), 0u);
  EXPECT_EQ(tally.unexpected.load(), 0u);
  EXPECT_EQ(ok + deadline + closed, calls);
  EXPECT_GT(ok, 0u);
  EXPECT_GT(deadline, 0u);
  EXPECT_GT(closed, 0u);
  EXPECT_GT(late_replies, 0u);

  // Nothing leaked from the pool.
  EXPECT_EQ(pool_after.live_blocks, pool_before.live_blocks) << PoolString(pool_after);
  EXPECT_EQ(pool_after.live_bytes, pool_before.live_bytes) << PoolString(pool_after);
  EXPECT_EQ(pool_trimmed.live_blocks, pool_before.live_blocks) << PoolString(pool_trimmed);
  // Idle blocks within the default pool's caps: per class 16 MiB (or its 2
  // minimum blocks), per thread a cache of 16 blocks of 4, 8 and 16 KiB.
  constexpr int64_t kThreadCache = 16 * (4 + 8 + 16) * 1024;
  int64_t idle_cap = 0;
  for (int c = 0; c < vireo::transport::BlockPool::kNumClasses; ++c) {
    const int64_t block = static_cast<int64_t>(vireo::transport::BlockPool::kMinBlockSize) << c;
    idle_cap += std::max<int64_t>(16 << 20, 2 * block);
  }
  EXPECT_LE(pool_end.idle_bytes, idle_cap + 8 * kThreadCache) << PoolString(pool_end);
  // Once the server's and the clients' threads are gone and this thread
  // trimmed the pool, only the handlers' timer thread may still cache blocks:
  // the exiting threads handed theirs back.
  EXPECT_LE(pool_trimmed.idle_bytes, kThreadCache) << PoolString(pool_trimmed);

  // No growth after the warm-up.
  ASSERT_GT(rss_baseline, 0);
#if defined(__SANITIZE_THREAD__)
  // Not under TSan: its own state (sync objects, traces, shadow) grows
  // with the run, some 300 bytes a call here, in its own mappings, while
  // the plain and ASan builds stay flat. The figures are printed above.
#else
  EXPECT_LT(static_cast<double>(rss_end), 1.05 * static_cast<double>(rss_baseline))
      << "RSS after warm-up " << rss_baseline << " B, at the end " << rss_end << " B";
#endif
}

}  // namespace
}  // namespace soaktest
