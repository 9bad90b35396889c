#include "vireo/core/client.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/base/thread_annotations.h"
#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/match.h"
#include "vireo/codec/application_exception.h"
#include "vireo/codec/message.h"
#include "vireo/codec/ttheader.h"
#include "vireo/core/biz_status.h"
#include "vireo/transport/internal/object_cache.h"
#include "vireo/core/internal/str_cat.h"
#include "vireo/core/metrics.h"
#include "vireo/mux/client_connection.h"
#include "vireo/transport/event_loop.h"
#include "vireo/transport/mutex.h"

namespace vireo {

namespace internal {

std::atomic<int> client_teardowns{0};

bool ParseStatusCode(std::string_view name, absl::StatusCode* code) {
  // The codes a server sends back as they are; INTERNAL and UNKNOWN stay
  // INTERNAL (a TApplicationException is one).
  static constexpr absl::StatusCode kCodes[] = {
      absl::StatusCode::kCancelled,          absl::StatusCode::kInvalidArgument,
      absl::StatusCode::kDeadlineExceeded,   absl::StatusCode::kNotFound,
      absl::StatusCode::kAlreadyExists,      absl::StatusCode::kPermissionDenied,
      absl::StatusCode::kResourceExhausted,  absl::StatusCode::kFailedPrecondition,
      absl::StatusCode::kAborted,            absl::StatusCode::kOutOfRange,
      absl::StatusCode::kUnimplemented,      absl::StatusCode::kUnavailable,
      absl::StatusCode::kDataLoss,           absl::StatusCode::kUnauthenticated,
  };
  for (absl::StatusCode c : kCodes) {
    if (absl::StatusCodeToString(c) == name) {
      *code = c;
      return true;
    }
  }
  return false;
}

int ClientTeardownsInProgress() { return client_teardowns.load(); }

absl::Status CheckMayBlock(std::string_view method) {
  if (transport::EventLoop::Current() != nullptr) {
    return absl::FailedPreconditionError(
        internal::Cat(method,
                     ": a blocking call on an event-loop thread would stall the loop; use the "
                     "callback or coroutine form"));
  }
  return absl::OkStatus();
}

}  // namespace internal

namespace {

// Client::Call frames running on this thread: a call that completes while
// one runs is inside Call().
thread_local int t_starting_calls = 0;

// The clock of breakers and budgets: monotonic, a few ms coarse (their
// windows are 100 ms buckets and up), and a third of the fine clock's cost.
int64_t CoarseNowNs() {
  struct timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// Client::Impl ids (from 1).
std::atomic<uint64_t> next_client_id{1};

// Posts a no-op to `loop` and waits until it has run (and so has
// everything posted to it before).
void RunOnLoopAndWait(transport::EventLoop* loop) {
  std::mutex mu;
  std::condition_variable cv;
  bool ran = false;
  loop->Post([&] {
    std::lock_guard<std::mutex> lock(mu);
    ran = true;
    cv.notify_one();
  });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return ran; });
}

// Connections to one address, for every connection mode.
class AddressPool {
 public:
  AddressPool(const transport::InetAddress& address, const mux::ClientConnectionOptions& options,
              const BreakerOptions& breaker)
      : address_(address), options_(options) {
    if (breaker.enabled) breaker_ = std::make_unique<CircuitBreaker>(breaker);
  }

  const transport::InetAddress& address() const { return address_; }
  // The instance's circuit breaker (connection failures), or null when
  // breakers are off.
  CircuitBreaker* breaker() const { return breaker_.get(); }

  // Mux: one of `count` shared connections, in turn; a retiring one (its
  // server is going away) is replaced. The replaced one is kept until its
  // calls in flight finish: dropping the last handle would close it and
  // fail them, while a retiring connection closes itself after its last
  // reply.
  std::shared_ptr<mux::ClientConnection> Shared(transport::EventLoopGroup* loops, int count) {
    const size_t n = static_cast<size_t>(std::max(count, 1));
    const size_t i = next_.fetch_add(1, std::memory_order_relaxed) % n;
    transport::MutexLock lock(mu_);
    if (shared_.size() < n) shared_.resize(n);
    std::shared_ptr<mux::ClientConnection>& c = shared_[i];
    if (c == nullptr || c->retiring()) {
      std::erase_if(retiring_, [](const auto& r) { return r->in_flight() == 0; });
      if (c != nullptr) retiring_.push_back(std::move(c));
      c = mux::ClientConnection::Create(loops->Next(), address_, options_);
    }
    return c;
  }

  // Pooled: an idle connection, or a new one. `idle_timeout` drops
  // connections idle for longer.
  std::shared_ptr<mux::ClientConnection> Take(transport::EventLoopGroup* loops,
                                              absl::Duration idle_timeout) {
    const absl::Time now = absl::Now();
    std::vector<std::shared_ptr<mux::ClientConnection>> stale;
    std::shared_ptr<mux::ClientConnection> c;
    {
      transport::MutexLock lock(mu_);
      while (!idle_.empty()) {
        Idle e = std::move(idle_.back());
        idle_.pop_back();
        if (e.conn->retiring() || now - e.since > idle_timeout) {
          stale.push_back(std::move(e.conn));
          continue;
        }
        c = std::move(e.conn);
        break;
      }
    }
    for (auto& s : stale) s->Close();
    if (c == nullptr) c = New(loops);
    return c;
  }

  // Pooled: gives a connection back after its call; kept when healthy and
  // there is room.
  void Return(std::shared_ptr<mux::ClientConnection> c, size_t max_idle) {
    if (c->retiring() || !c->connected()) {
      c->Close();
      Forget(c.get());
      return;
    }
    {
      transport::MutexLock lock(mu_);
      if (idle_.size() < max_idle) {
        idle_.push_back(Idle{std::move(c), absl::Now()});
        return;
      }
    }
    c->Close();
    Forget(c.get());
  }

  // Short (and pooled overflow): a fresh connection, tracked until Forget.
  std::shared_ptr<mux::ClientConnection> New(transport::EventLoopGroup* loops) {
    auto c = mux::ClientConnection::Create(loops->Next(), address_, options_);
    transport::MutexLock lock(mu_);
    all_.emplace(c.get(), c);
    return c;
  }
  void Forget(mux::ClientConnection* c) {
    transport::MutexLock lock(mu_);
    all_.erase(c);
  }

  void AddStats(ClientStats& stats) {
    transport::MutexLock lock(mu_);
    auto add = [&](const mux::ClientConnection& c) {
      ++stats.connections;
      stats.in_flight += c.in_flight();
      stats.late_replies += c.late_replies();
    };
    for (const auto& c : shared_) {
      if (c) add(*c);
    }
    for (const auto& c : retiring_) add(*c);
    // Pooled and short connections, idle or in use, are all in all_.
    for (const auto& [p, w] : all_) {
      if (auto c = w.lock()) add(*c);
    }
  }

  // Closes every connection (calls waiting fail with UNAVAILABLE).
  void CloseAll() {
    std::vector<std::shared_ptr<mux::ClientConnection>> conns;
    {
      transport::MutexLock lock(mu_);
      for (auto& c : shared_) {
        if (c) conns.push_back(std::move(c));
      }
      shared_.clear();
      // Their pending calls' callbacks hold this pool: closing them (which
      // fails those calls) is what breaks that cycle.
      for (auto& c : retiring_) conns.push_back(std::move(c));
      retiring_.clear();
      for (auto& e : idle_) conns.push_back(std::move(e.conn));
      idle_.clear();
      for (auto& [p, c] : all_) {
        if (auto s = c.lock()) conns.push_back(std::move(s));
      }
      all_.clear();
    }
    for (auto& c : conns) c->Close();
  }

 private:
  struct Idle {
    std::shared_ptr<mux::ClientConnection> conn;
    absl::Time since;
  };

  const transport::InetAddress address_;
  const mux::ClientConnectionOptions options_;
  std::unique_ptr<CircuitBreaker> breaker_;
  std::atomic<uint64_t> next_{0};
  transport::Mutex mu_;
  std::vector<std::shared_ptr<mux::ClientConnection>> shared_ ABSL_GUARDED_BY(mu_);
  // Replaced retiring connections whose calls may still be in flight.
  std::vector<std::shared_ptr<mux::ClientConnection>> retiring_ ABSL_GUARDED_BY(mu_);
  std::vector<Idle> idle_ ABSL_GUARDED_BY(mu_);
  // Pooled and short connections in use, so that the client can close them.
  absl::flat_hash_map<mux::ClientConnection*, std::weak_ptr<mux::ClientConnection>> all_
      ABSL_GUARDED_BY(mu_);
};

// The pools' key: the raw socket address, held inline so that looking a
// pool up on every call allocates nothing.
struct AddressKey {
  explicit AddressKey(const transport::InetAddress& a) {
    std::memcpy(bytes.data(), a.sockaddr(), std::min<size_t>(a.length(), bytes.size()));
  }
  bool operator==(const AddressKey& o) const { return bytes == o.bytes; }
  template <class H>
  friend H AbslHashValue(H h, const AddressKey& k) {
    return H::combine_contiguous(std::move(h), k.bytes.data(), k.bytes.size());
  }
  std::array<char, sizeof(struct sockaddr_in6)> bytes{};
};

using codec::IsHeaderFraming;

// Turns a TApplicationException reply into the call's status.
absl::Status ApplicationError(const mux::IncomingReply& reply, transport::LinkBuffer& body,
                              const codec::Limits& limits, std::string_view peer,
                              std::string_view method) {
  codec::TApplicationException x;
  const absl::Status s =
      codec::WithReader(reply.header.protocol, body, limits, [&](auto& r) { return x.Read(r); });
  if (!s.ok()) {
    return absl::InternalError(internal::Cat(peer, " ", method,
                                            ": exception reply does not parse: ", s.message()));
  }
  // A status a Vireo server's middleware (or limit) returned travels as
  // INTERNAL_ERROR "<CODE>: <message>": the code comes back.
  if (x.type == codec::TApplicationException::Type::kInternalError) {
    const size_t colon = x.message.find(": ");
    if (colon != std::string::npos) {
      absl::StatusCode code;
      if (internal::ParseStatusCode(std::string_view(x.message).substr(0, colon), &code)) {
        absl::Status out(code, internal::Cat(peer, " ", method, ": ",
                                             std::string_view(x.message).substr(colon + 2)));
        // A server limit refused it before it ran.
        if (code == absl::StatusCode::kResourceExhausted &&
            absl::StrContains(x.message, "request over limit")) {
          mux::MarkNotSent(out);
        }
        return out;
      }
    }
  }
  // LOADSHEDDING (a server shutting down) is UNAVAILABLE: the call did not run.
  const absl::Status as_status = x.ToStatus();
  absl::Status out(as_status.code(), internal::Cat(peer, " ", method, ": ", as_status.message()));
  if (x.type == codec::TApplicationException::Type::kLoadShedding) mux::MarkNotSent(out);
  return out;
}

// The entry (of type T) this thread found last for method `name` of client
// `client`, else find()'s, remembered: a call loop finds its entry again
// without a lock or a hash. One memory per thread and per call site.
template <class T, class Find>
T* LastUsed(uint64_t client, std::string_view name, Find find) {
  struct Last {
    uint64_t client = 0;
    std::string name;
    T* entry = nullptr;
  };
  thread_local Last last;
  if (last.client == client && last.name == name) return last.entry;
  T* entry = find();
  last.client = client;
  last.name.assign(name.data(), name.size());
  last.entry = entry;
  return entry;
}

}  // namespace

class Client::Impl {
 public:
  explicit Impl(const ClientOptions& options) : options_(options) {
    if (options.loops != nullptr) {
      loops_ = options.loops;
    } else {
      own_loops_ = std::make_unique<transport::EventLoopGroup>(transport::EventLoopGroup::Options{
          .num_loops = std::max(options.num_loops, 1),
          .name = "vireo-client",
          .busy_poll = options.busy_poll,
          .io_uring = options.io_uring});
      loops_ = own_loops_.get();
    }
    conn_options_.framing = options.framing;
    conn_options_.protocol = options.protocol;
    conn_options_.connect_timeout = options.connect_timeout;
    conn_options_.limits = options.limits;
    if (options.mode == ConnectionMode::kMux) {
      conn_options_.max_in_flight = options.max_in_flight;
      conn_options_.wait_when_full = options.wait_when_full;
    }
    if (options.mode == ConnectionMode::kPooled) {
      conn_options_.connection.idle_timeout = options.idle_timeout;
    }
    decode_options_.limits = options.limits;
    governed_ = options.retry.enabled || options.breaker.enabled;
    for (const auto& [name, policy] : options.method_retry) governed_ |= policy.enabled;
    absl::StatusOr<std::shared_ptr<LoadBalancer>> lb =
        NewLoadBalancer(options.load_balancer, options.balancer);
    if (lb.ok()) {
      SetBalancer(*std::move(lb));
    } else {
      balancer_error_ = lb.status();
    }
    absl::StatusOr<std::shared_ptr<Resolver>> r = NewResolver(options.targets, options.weights);
    if (r.ok()) {
      resolver_ = *std::move(r);
    } else {
      resolver_error_ = r.status();
    }
    if (options.metrics) AddCollector();
  }

  ~Impl() {
    if (collector_ >= 0) Metrics::Default().RemoveCollector(collector_);
    // After this no governed call starts an attempt.
    closing_.store(true);
    life_->Close();
    FailWaitingCalls();
    std::vector<std::shared_ptr<AddressPool>> pools;
    {
      transport::WriterLock lock(mu_);
      for (auto& [k, p] : pools_) pools.push_back(p);
      pools_.clear();
    }
    for (auto& p : pools) p->CloseAll();
    // Let the loops run what the closes posted (failing the calls still
    // waiting) before returning: every call has completed by then. Not
    // from a loop thread of shared loops (waiting there could wait on a
    // loop that waits on this one); ~Client hands our own loops' case to
    // another thread.
    if (own_loops_ != nullptr || transport::EventLoop::Current() == nullptr) {
      for (int round = 0; round < 2; ++round) {
        for (size_t i = 0; i < loops_->size(); ++i) RunOnLoopAndWait(loops_->loop(i));
      }
    }
    if (own_loops_) own_loops_->Stop();
  }

  // True on one of the loop threads this client started.
  bool OnOwnLoopThread() const {
    if (own_loops_ == nullptr) return false;
    transport::EventLoop* current = transport::EventLoop::Current();
    for (size_t i = 0; i < own_loops_->size(); ++i) {
      if (own_loops_->loop(i) == current) return true;
    }
    return false;
  }

  void Call(const MethodInfo& method, EncodeFn encode, const CallOptions& call_options,
            DoneFn done);

  ClientStats Stats() {
    ClientStats stats;
    transport::ReaderLock lock(mu_);
    for (auto& [k, p] : pools_) p->AddStats(stats);
    stats.retries = retries_.load(std::memory_order_relaxed);
    stats.backups = backups_.load(std::memory_order_relaxed);
    stats.abandoned_replies = abandoned_.load(std::memory_order_relaxed);
    stats.breaker_rejections = breaker_rejections_.load(std::memory_order_relaxed);
    stats.breaker_skips = breaker_skips_.load(std::memory_order_relaxed);
    return stats;
  }

  void SetBalancer(std::shared_ptr<LoadBalancer> balancer) {
    balancer_ = std::move(balancer);
    balancer_error_ = absl::OkStatus();
    balancer_tracks_ = balancer_->tracks_completions();
  }

  std::shared_ptr<Resolver> resolver_;
  absl::Status resolver_error_;
  std::shared_ptr<LoadBalancer> balancer_;
  absl::Status balancer_error_;
  // balancer_->tracks_completions(), asked once.
  bool balancer_tracks_ = false;
  std::vector<ClientMiddleware> middleware_;
  std::shared_ptr<Tracer> tracer_;
  // This client's gauges in Metrics::Default(), or -1.
  int collector_ = -1;
  void AddCollector();
  // The method's entry in Metrics::Default() (ClientOptions::metrics).
  CallMetrics* MethodMetrics(std::string_view method);

 private:
  // One call in progress, for the middleware path.
  struct State;

  // Gives the call a span (a child of the call being served, or with a
  // tracer a new trace) and, on header framings, its traceparent header.
  void StartTrace(CallContext& ctx) const;
  // Hands the finished call's span to tracer_.
  void ReportSpan(const State& s, const absl::Status& status) const;
  // Records the finished call in its metrics and hands its span to tracer_.
  void Finished(const State& s, const absl::Status& status) const;

  absl::Time Deadline(const CallOptions& o) const {
    const absl::Duration timeout = o.timeout != absl::ZeroDuration() ? o.timeout
                                                                      : options_.call_timeout;
    absl::Time deadline =
        timeout > absl::ZeroDuration() ? absl::Now() + timeout : absl::InfiniteFuture();
    if (const CallContext* serving = CurrentCallContext()) {
      deadline = std::min(deadline, serving->deadline());
    }
    return std::min(deadline, o.deadline);
  }

  // Fills the call's name and headers from the context (not the timeout:
  // SetDeadline).
  void PrepareHeaders(const CallContext& ctx, mux::OutgoingCall& call) const {
    call.method = options_.multiplexed_names && !options_.service.empty()
                      ? internal::Cat(options_.service, ":", ctx.method())
                      : std::string(ctx.method());
    call.type = ctx.oneway() ? codec::MessageType::kOneway : codec::MessageType::kCall;
    if (!IsHeaderFraming(options_.framing)) return;
    // Room for every header this and SetDeadline add (the timeout among
    // the strings for THeader, among the ints for TTHeader): one
    // allocation per vector instead of one per growth.
    const bool tt = options_.framing == codec::Framing::kTTHeader;
    const size_t service = options_.service.empty() ? 0 : 1;
    if (const size_t n = ctx.request_metadata().strings().size() + service + (tt ? 0 : 1)) {
      call.headers.reserve(n);
    }
    if (tt) call.int_headers.reserve(ctx.request_metadata().ints().size() + service + 2);
    for (const auto& [k, v] : ctx.request_metadata().strings()) call.headers.emplace_back(k, v);
    if (!options_.service.empty()) call.headers.emplace_back("isn", options_.service);
    if (options_.framing == codec::Framing::kTTHeader) {
      for (const auto& [k, v] : ctx.request_metadata().ints()) call.int_headers.emplace_back(k, v);
      if (!options_.service.empty()) {
        call.int_headers.emplace_back(codec::kTTHeaderToService, options_.service);
      }
      call.int_headers.emplace_back(codec::kTTHeaderToMethod, std::string(ctx.method()));
    }
  }
  // Sets the call's deadline and the timeout header that carries what is
  // left of it (PrepareHeaders first; once per call).
  void SetDeadline(absl::Time deadline, mux::OutgoingCall& call) const {
    call.deadline = deadline;
    if (!IsHeaderFraming(options_.framing) || deadline == absl::InfiniteFuture()) return;
    const std::string timeout_ms =
        internal::Cat(std::max<int64_t>(1, absl::ToInt64Milliseconds(deadline - absl::Now())));
    if (options_.framing == codec::Framing::kTTHeader) {
      call.int_headers.emplace_back(codec::kTTHeaderRpcTimeout, timeout_ms);
    } else {
      call.headers.emplace_back(std::string(kTimeoutHeader), timeout_ms);
    }
  }

  // The pool of `instance`, an element of `list`: one per snapshot
  // position, found without a lock or a hash (a PickerCache).
  const std::shared_ptr<AddressPool>& PoolOf(const InstanceList& list, const Instance& instance) {
    const std::vector<std::shared_ptr<AddressPool>>& pools =
        snapshot_pools_.Current(list, [this](const std::vector<Instance>& l) {
          std::vector<std::shared_ptr<AddressPool>> v;
          v.reserve(l.size());
          for (const Instance& i : l) v.push_back(Pool(i.address));
          return v;
        });
    return pools[static_cast<size_t>(&instance - list->data())];
  }

  std::shared_ptr<AddressPool> Pool(const transport::InetAddress& address) {
    const AddressKey key(address);
    {
      transport::ReaderLock lock(mu_);
      auto it = pools_.find(key);
      if (it != pools_.end()) return it->second;
    }
    transport::WriterLock lock(mu_);
    auto& p = pools_[key];
    if (p == nullptr) p = std::make_shared<AddressPool>(address, conn_options_, options_.breaker);
    return p;
  }

  // Runs `done` now, or on a loop when this thread is inside Call(): done
  // never runs inside Call() (the caller may hold locks it takes).
  void Complete(DoneFn done, absl::Status status, ClientReply& reply) {
    if (t_starting_calls == 0) {
      std::move(done)(std::move(status), reply);
      return;
    }
    loops_->Next()->Post([done = std::move(done), status = std::move(status),
                          reply = std::move(reply)]() mutable {
      std::move(done)(std::move(status), reply);
    });
  }

  using SendDone =
      absl::AnyInvocable<void(absl::Status, ClientReply&, const codec::FrameHeader*) &&>;
  // Whether to skip `instance` of `list`.
  using AvoidFn = absl::FunctionRef<bool(const InstanceList& list, const Instance& instance)>;
  // The instance a call goes to, and what tracking it needs.
  struct Target {
    InstanceList list;
    const Instance* instance = nullptr;
    // Pick counted it (p2c): Done must follow.
    bool counted = false;
    std::shared_ptr<AddressPool> pool;
  };
  // Picks an instance for the call `ctx` describes, skipping those `avoid`
  // (when given) says to; UNAVAILABLE when none is left.
  absl::StatusOr<Target> PickTarget(const CallContext& ctx, const AvoidFn* avoid);
  // Sends `call` to `target` and runs `done` once with the outcome.
  void SendTo(Target target, std::string_view method, mux::OutgoingCall&& call, SendDone done);
  // Picks, sends, and runs `done` once with the outcome.
  void Send(CallContext& ctx, mux::OutgoingCall&& call, SendDone done);

  // Retries, backups and breakers of one method.
  struct MethodGovernance {
    RetryPolicy policy;
    std::unique_ptr<RetryBudget> budget;    // when policy.enabled
    std::unique_ptr<CircuitBreaker> breaker;  // when breakers are on
  };
  class Governed;
  // Whether the client is being destroyed, for the timers of governed
  // calls, which may fire after it is gone (on shared loops).
  // A gate, not a lock: work that must not overlap the teardown Enter()s
  // (one atomic add); Close() shuts it and waits for those inside.
  struct Life {
    static constexpr int64_t kClosed = int64_t{1} << 62;
    std::atomic<int64_t> state{0};
    // False (and nothing to Exit) once closed.
    bool Enter() {
      if (state.fetch_add(1, std::memory_order_acquire) & kClosed) {
        Exit();
        return false;
      }
      return true;
    }
    void Exit() { state.fetch_sub(1, std::memory_order_release); }
    void Close() {
      state.fetch_or(kClosed, std::memory_order_acq_rel);
      while ((state.load(std::memory_order_acquire) & ~kClosed) != 0) std::this_thread::yield();
    }
  };
  // Inside the gate for its lifetime, if it could enter. With `enter`
  // false it only vouches: the caller knows the client is alive (it runs
  // inside Call(), and destroying a client while calling it breaks its
  // contract).
  class Inside {
   public:
    explicit Inside(Life& life, bool enter = true)
        : life_(life), counted_(enter && life.Enter()), entered_(!enter || counted_) {}
    ~Inside() {
      if (counted_) life_.Exit();
    }
    bool entered() const { return entered_; }

   private:
    Life& life_;
    const bool counted_;
    const bool entered_;
  };
  std::shared_ptr<Life> life_ = std::make_shared<Life>();
  // The governance of `method`, made on first use; null when the client has
  // no retry policy and no breaker for it.
  MethodGovernance* Governance(const MethodInfo& method);
  MethodGovernance* NewGovernance(const MethodInfo& method);
  // Unique among every client of the process, ever (Governance's cache).
  const uint64_t id_ = next_client_id.fetch_add(1, std::memory_order_relaxed);
  // ~Impl: fails the governed calls waiting out a backoff.
  void FailWaitingCalls();
  // Sends a prepared call: through Governed when `gov` is set, else Send.
  void Dispatch(MethodGovernance* gov, CallContext& ctx, mux::OutgoingCall&& call, SendDone done);

 public:
  // Whether any retry policy or breaker is on (else calls skip all of it).
  bool governed_ = false;
  // Set by ~Impl: no more retries.
  std::atomic<bool> closing_{false};
  std::atomic<uint64_t> retries_{0};
  std::atomic<uint64_t> backups_{0};
  std::atomic<uint64_t> abandoned_{0};
  std::atomic<uint64_t> breaker_rejections_{0};
  std::atomic<uint64_t> breaker_skips_{0};

 private:
  transport::SharedMutex gov_mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodGovernance>> governance_
      ABSL_GUARDED_BY(gov_mu_);
  // Governed calls waiting out a backoff, failed by ~Impl.
  transport::Mutex waiting_mu_;
  absl::flat_hash_set<Governed*> waiting_ ABSL_GUARDED_BY(waiting_mu_);

  const ClientOptions options_;
  std::unique_ptr<transport::EventLoopGroup> own_loops_;
  transport::EventLoopGroup* loops_ = nullptr;
  mux::ClientConnectionOptions conn_options_;
  codec::DecodeOptions decode_options_;
  transport::SharedMutex mu_;
  absl::flat_hash_map<AddressKey, std::shared_ptr<AddressPool>> pools_ ABSL_GUARDED_BY(mu_);
  // pools_'s entries by snapshot position.
  PickerCache<std::vector<std::shared_ptr<AddressPool>>> snapshot_pools_;
};

namespace {

// Picks with `balancer`, skipping what `avoid` says to: a few picks, then
// a walk through the list from the first one.
const Instance* PickAvoiding(
    LoadBalancer& balancer, bool tracks, const InstanceList& list, const CallContext& ctx,
    absl::FunctionRef<bool(const InstanceList&, const Instance&)> avoid, bool* counted) {
  const Instance* first = nullptr;
  for (int i = 0; i < 3; ++i) {
    const Instance* p = balancer.Pick(list, ctx);
    if (p == nullptr) return nullptr;
    if (!avoid(list, *p)) {
      *counted = tracks;
      return p;
    }
    if (tracks) balancer.Done(list, *p);
    if (first == nullptr) first = p;
  }
  const std::vector<Instance>& v = *list;
  const size_t start = static_cast<size_t>(first - v.data());
  for (size_t k = 1; k <= v.size(); ++k) {
    const Instance& c = v[(start + k) % v.size()];
    if (c.weight > 0 && !avoid(list, c)) {
      *counted = false;
      return &c;
    }
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<Client::Impl::Target> Client::Impl::PickTarget(const CallContext& ctx,
                                                              const AvoidFn* avoid) {
  if (resolver_ == nullptr) {
    return absl::UnavailableError(
        internal::Cat(ctx.method(), ": no targets: ", resolver_error_.message()));
  }
  absl::StatusOr<InstanceList> instances = resolver_->Resolve(options_.service);
  if (!instances.ok() || *instances == nullptr || (*instances)->empty()) {
    return absl::UnavailableError(internal::Cat(
        ctx.method(), ": no instance of service \"", options_.service, "\"",
        instances.ok() ? std::string() : internal::Cat(": ", instances.status().message())));
  }
  if (balancer_ == nullptr) {
    return absl::FailedPreconditionError(
        internal::Cat(ctx.method(), ": ", balancer_error_.message()));
  }
  Target t;
  t.list = *std::move(instances);
  if (avoid == nullptr) {
    t.instance = balancer_->Pick(t.list, ctx);
    t.counted = balancer_tracks_;
  } else {
    t.instance = PickAvoiding(*balancer_, balancer_tracks_, t.list, ctx, *avoid, &t.counted);
    if (t.instance == nullptr) {
      return absl::UnavailableError(internal::Cat(
          ctx.method(), ": no instance of service \"", options_.service,
          "\" takes calls: the circuit breaker of every instance with a weight above 0 is open"));
    }
  }
  if (t.instance == nullptr) {
    return absl::UnavailableError(internal::Cat(
        ctx.method(), ": no instance of service \"", options_.service,
        "\" takes calls (every weight is 0 or less)"));
  }
  t.pool = PoolOf(t.list, *t.instance);
  return t;
}

void Client::Impl::Send(CallContext& ctx, mux::OutgoingCall&& call, SendDone done) {
  absl::StatusOr<Target> target = PickTarget(ctx, nullptr);
  if (!target.ok()) {
    ClientReply empty;
    std::move(done)(std::move(target).status(), empty, nullptr);
    return;
  }
  ctx.set_peer(target->instance->address);
  SendTo(*std::move(target), ctx.method(), std::move(call), std::move(done));
}

void Client::Impl::SendTo(Target target, std::string_view method, mux::OutgoingCall&& call,
                          SendDone done) {
  // p2c counts calls in flight: tell it when this one completes.
  if (target.counted) {
    done = transport::internal::Boxed(
        [balancer = balancer_.get(), list = target.list, picked = target.instance,
         done = std::move(done)](absl::Status s, ClientReply& reply,
                                 const codec::FrameHeader* header) mutable {
          balancer->Done(list, *picked);
          std::move(done)(std::move(s), reply, header);
        });
  }
  std::shared_ptr<AddressPool> pool = std::move(target.pool);
  std::shared_ptr<mux::ClientConnection> conn;
  switch (options_.mode) {
    case ConnectionMode::kMux:
      conn = pool->Shared(loops_, options_.mux_connections);
      break;
    case ConnectionMode::kPooled:
      conn = pool->Take(loops_, options_.idle_timeout);
      break;
    case ConnectionMode::kShort:
      conn = pool->New(loops_);
      break;
  }
  const ConnectionMode mode = options_.mode;
  const size_t max_idle = static_cast<size_t>(std::max(options_.max_idle_per_address, 0));
  mux::ClientConnection* raw = conn.get();
  raw->Call(std::move(call),
            transport::internal::Boxed([decode_options = decode_options_, pool = std::move(pool),
                                        conn = std::move(conn), mode, max_idle,
                                        method = std::string(method), done = std::move(done)](
                                           absl::StatusOr<mux::IncomingReply> r) mutable {
              if (mode == ConnectionMode::kPooled) {
                pool->Return(std::move(conn), max_idle);
              } else if (mode == ConnectionMode::kShort) {
                conn->Close();
                pool->Forget(conn.get());
              }
              ClientReply reply;
              if (!r.ok()) {
                std::move(done)(std::move(r).status(), reply, nullptr);
                return;
              }
              reply.protocol = r->header.protocol;
              reply.decode_options = decode_options;
              if (r->type == codec::MessageType::kException) {
                absl::Status s = ApplicationError(*r, r->body, decode_options.limits,
                                                  pool->address().ToString(), method);
                std::move(done)(std::move(s), reply, &r->header);
                return;
              }
              // A business failure (Kitex's biz status) rides on a normal reply.
              if (!r->header.headers.empty()) {
                std::optional<absl::Status> biz = internal::BizStatusFromHeaders(
                    r->header.headers, internal::Cat(pool->address().ToString(), " ", method));
                if (biz) {
                  std::move(done)(*std::move(biz), reply, &r->header);
                  return;
                }
              }
              reply.body = std::move(r->body);
              std::move(done)(absl::OkStatus(), reply, &r->header);
            }));
}

// One call under a retry policy or breakers: its attempts (failure
// retries, a backup), the breakers' bookkeeping, and the one delivery.
// Held by the attempts' callbacks and timers (an intrusive count: a
// reference is one pointer, so the callbacks that hold one need no heap);
// the first outcome that settles the call wins, later ones are dropped.
class Client::Impl::Governed {
 public:
  // A counted reference.
  class Ref {
   public:
    explicit Ref(Governed* g) : g_(g) {}
    Ref(Ref&& o) noexcept : g_(std::exchange(o.g_, nullptr)) {}
    Ref& operator=(Ref&&) = delete;
    ~Ref() {
      if (g_ != nullptr) g_->Release();
    }
    Governed* operator->() const { return g_; }
    Governed* get() const { return g_; }

   private:
    Governed* g_;
  };

  // `first` is the call as Call() prepared it; its encoding stays, shared
  // (not copied), for the other attempts when there may be any.
  Governed(Impl* impl, MethodGovernance* gov, CallContext* ctx, mux::OutgoingCall& first,
           absl::Time deadline, bool may_retry, SendDone done)
      : impl_(impl),
        life_(impl->life_.get()),
        method_(ctx->method()),
        gov_(gov),
        policy_(gov->policy),
        ctx_(ctx),
        deadline_(deadline),
        may_retry_(may_retry),
        done_(std::move(done)) {
    if (!may_retry_) return;
    // A small body is copied into the object (cheaper than sharing its
    // block); a larger one is shared.
    const size_t len = first.body.Len();
    if (len <= sizeof(small_body_)) {
      struct iovec iov[8];
      const size_t n = first.body.PeekIovecs(iov, 8, len);
      size_t copied = 0;
      for (size_t i = 0; i < n; ++i) {
        std::memcpy(small_body_ + copied, iov[i].iov_base, iov[i].iov_len);
        copied += iov[i].iov_len;
      }
      if (copied == len) {
        small_len_ = len;
        return;
      }
    }
    body_.emplace(first.body.Share());
  }

  // A new reference.
  Ref NewRef() {
    AddRef();
    return Ref(this);
  }
  void AddRef() { refs_.fetch_add(1, std::memory_order_relaxed); }
  // A new reference unless the last one is gone already.
  std::optional<Ref> TryRef() {
    int n = refs_.load(std::memory_order_relaxed);
    while (n > 0) {
      if (refs_.compare_exchange_weak(n, n + 1, std::memory_order_relaxed)) return Ref(this);
    }
    return std::nullopt;
  }
  void Release() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  // Sends `first` as the first attempt and arms the backup timer.
  void Begin(mux::OutgoingCall& first) {
    const int64_t now = CoarseNowNs();
    if (may_retry_) gov_->budget->AddCall(now);
    StartAttempt(now, &first);
    if (may_retry_ && policy_.backup_delay > absl::ZeroDuration() && policy_.max_retries > 0) {
      After(policy_.backup_delay, [self = NewRef(), life = impl_->life_] {
        Inside alive(*life);
        if (alive.entered()) self->OnBackupTimer();
      });
    }
  }

  // ~Impl: a call waiting out a backoff fails now.
  void FailWaiting() {
    {
      transport::MutexLock lock(mu_);
      if (finished_) return;
      finished_ = true;
    }
    ClientReply empty;
    Deliver(absl::UnavailableError(
                internal::Cat(method_, ": client closed while waiting to retry")),
            empty, nullptr, nullptr);
  }

 private:
  // Runs `task` on a loop of the client after `delay`.
  void After(absl::Duration delay, absl::AnyInvocable<void()> task) {
    transport::EventLoop* loop = impl_->loops_->Next();
    loop->RunInLoop([loop, delay, task = std::move(task)]() mutable {
      loop->RunAfter(delay, std::move(task));
    });
  }

  // Fills `call` for attempt `index` > 0: rebuilt from the context, which
  // is not written to until the call is delivered.
  void Attempt(int index, mux::OutgoingCall& call) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (index > 0) {
      impl_->PrepareHeaders(*ctx_, call);
      if (body_) {
        call.body = body_->Share();
      } else {
        call.body.Write(std::string_view(small_body_, small_len_));
        call.body.Flush();
      }
      if (IsHeaderFraming(impl_->options_.framing)) {
        call.headers.emplace_back(std::string(kRetryHeader), internal::Cat(index));
      }
    }
    absl::Time deadline = deadline_;
    if (policy_.attempt_timeout > absl::ZeroDuration()) {
      deadline = std::min(deadline, absl::Now() + policy_.attempt_timeout);
    }
    impl_->SetDeadline(deadline, call);
  }

  // Starts the next attempt: `first` (the call Call() prepared) for the
  // first, else one built by Attempt.
  void StartAttempt(int64_t now, mux::OutgoingCall* first = nullptr) {
    absl::StatusOr<Target> target;
    mux::OutgoingCall others;
    mux::OutgoingCall& call = first != nullptr ? *first : others;
    int index = 0;
    bool refused = false;
    {
      // ~Impl waits for this (and sends no attempt after it). Not needed
      // inside Call() (without middleware that moved the call on, the first
      // attempt starts there).
      Inside alive(*life_, /*enter=*/t_starting_calls == 0);
      {
        transport::MutexLock lock(mu_);
        // Finished, or a backup and a retry raced for the last attempt
        // (the one that won is out and settles the call).
        if (finished_ || (started_ > 0 && started_ > policy_.max_retries)) return;
        index = started_++;
        ++outstanding_;
        if (!alive.entered() || impl_->closing_.load()) {
          refused = true;
          target = absl::UnavailableError(
              internal::Cat(method_, ": client closed before the call was sent"));
        } else if (gov_->breaker != nullptr && !gov_->breaker->Allow(now)) {
          refused = true;
          impl_->breaker_rejections_.fetch_add(1, std::memory_order_relaxed);
          target = absl::UnavailableError(
              internal::Cat(method_, ": circuit breaker of method ", method_, " is ",
                            gov_->breaker->Describe(now), "; call not sent"));
        } else {
          // Skip instances whose breaker is open and, unless allowed, the
          // ones this call failed on; if that leaves none, only the open.
          bool skip_tried = !policy_.retry_same_node && !tried_.empty();
          const bool breakers = impl_->options_.breaker.enabled;
          // A copy (at most a few addresses, inline): the lambda runs
          // under mu_, but the analysis cannot see into it.
          const absl::InlinedVector<AddressKey, 2> tried = tried_;
          auto avoid_fn = [&](const InstanceList& list, const Instance& i) {
            if (skip_tried && absl::c_linear_search(tried, AddressKey(i.address))) return true;
            if (!breakers) return false;
            CircuitBreaker* b = impl_->PoolOf(list, i)->breaker();
            if (b != nullptr && !b->Allow(now)) {
              impl_->breaker_skips_.fetch_add(1, std::memory_order_relaxed);
              return true;
            }
            return false;
          };
          const AvoidFn avoid(avoid_fn);
          const bool need_avoid = skip_tried || breakers;
          target = impl_->PickTarget(*ctx_, need_avoid ? &avoid : nullptr);
          if (!target.ok() && skip_tried) {
            skip_tried = false;
            target = impl_->PickTarget(*ctx_, &avoid);
          }
          if (target.ok()) {
            tried_.push_back(AddressKey(target->instance->address));
            pools_[index] = target->pool.get();
            Attempt(index, call);
          }
        }
      }
      if (target.ok()) {
        // A plain pointer (the reference taken by hand, dropped after the
        // callback ran, which it does exactly once): the callback is then
        // trivially copyable and moves around without a manager call.
        AddRef();
        impl_->SendTo(*std::move(target), method_, std::move(call),
                      [self = this, index](absl::Status s, ClientReply& reply,
                                           const codec::FrameHeader* header) {
                        self->OnAttemptDone(index, false, std::move(s), reply, header);
                        self->Release();
                      });
        return;
      }
    }
    ClientReply empty;
    OnAttemptDone(-1, refused, std::move(target).status(), empty, nullptr);
  }

  // Whether trying `s` again is allowed by the policy.
  bool Retryable(const absl::Status& s) const {
    if (!policy_.RetriesOn(s.code())) return false;
    return policy_.idempotent || mux::CallNotSent(s);
  }

  // Attempt `index` (-1: none was sent; `refused` when a breaker or the
  // closing client stopped it) completed.
  void OnAttemptDone(int index, bool refused, absl::Status status, ClientReply& reply,
                     const codec::FrameHeader* header) {
    // Written before the attempt was sent; read after it completed.
    AddressPool* pool = index >= 0 ? pools_[index] : nullptr;
    const bool breakers = gov_->breaker != nullptr;
    const int64_t now = breakers || !status.ok() ? CoarseNowNs() : 0;
    if (pool != nullptr && breakers) {
      // A connection failure counts against the instance; any reply, for it.
      if (CircuitBreaker* b = pool->breaker()) {
        b->Record(status.code() == absl::StatusCode::kUnavailable && header == nullptr, now);
      }
      // Every error counts against the method but the service's own
      // answers (IDL exceptions and biz statuses: code UNKNOWN).
      gov_->breaker->Record(!status.ok() && status.code() != absl::StatusCode::kUnknown, now);
    }
    bool retry = false;
    int retry_number = 0;
    {
      transport::MutexLock lock(mu_);
      --outstanding_;
      if (finished_) {
        impl_->abandoned_.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      if (!status.ok() && !refused && may_retry_ && started_ <= policy_.max_retries &&
          !impl_->closing_.load() && Retryable(status) && absl::Now() < deadline_ &&
          // A call that never left this client is redirected, not
          // repeated: it adds no load, so it takes no budget.
          (mux::CallNotSent(status) || gov_->budget->TryRetry(now))) {
        retry = true;
        retry_number = started_;
      } else if (!status.ok() && outstanding_ > 0) {
        // Another attempt (a backup) is still out: its outcome decides.
        return;
      } else {
        finished_ = true;
      }
    }
    if (retry) {
      impl_->retries_.fetch_add(1, std::memory_order_relaxed);
      const absl::Duration wait = policy_.Backoff(retry_number, NextRandom());
      if (wait <= absl::ZeroDuration()) {
        StartAttempt(now);
        return;
      }
      {
        transport::MutexLock lock(impl_->waiting_mu_);
        impl_->waiting_.insert(this);
      }
      After(wait, [self = NewRef(), life = impl_->life_] {
        {
          // Closed: ~Impl has failed the call (the client may be gone).
          Inside alive(*life);
          if (!alive.entered()) return;
          transport::MutexLock lock(self->impl_->waiting_mu_);
          self->impl_->waiting_.erase(self.get());
        }
        self->StartAttempt(CoarseNowNs());
      });
      return;
    }
    Deliver(std::move(status), reply, header, pool);
  }

  // Inside life_'s gate.
  void OnBackupTimer() {
    {
      transport::MutexLock lock(mu_);
      if (finished_ || started_ != 1 || impl_->closing_.load() || absl::Now() >= deadline_) return;
      if (!gov_->budget->TryRetry(CoarseNowNs())) return;
    }
    impl_->backups_.fetch_add(1, std::memory_order_relaxed);
    // At once, not posted (that would cost the backup a loop iteration);
    // StartAttempt enters the gate again, which a counter allows.
    StartAttempt(CoarseNowNs());
  }

  void Deliver(absl::Status status, ClientReply& reply, const codec::FrameHeader* header,
               AddressPool* pool) {
    if (pool != nullptr) ctx_->set_peer(pool->address());
    std::move(done_)(std::move(status), reply, header);
  }

  static double NextRandom() {
    thread_local uint64_t state = internal::SeedOr(0);
    state += 0x9E3779B97F4A7C15ull;
    return static_cast<double>(internal::Mix64(state) >> 11) * 0x1.0p-53;
  }

  std::atomic<int> refs_{1};
  Impl* const impl_;
  // The client's gate. A timer, which may fire after the client is gone,
  // holds the gate itself and passes it before touching anything else.
  Life* const life_;
  // The context's (valid until the call is delivered; used before).
  const std::string_view method_;
  MethodGovernance* const gov_;
  const RetryPolicy& policy_;
  CallContext* const ctx_;
  // The first attempt's encoding for the others (when there may be any):
  // copied here when small, else shared.
  std::optional<transport::LinkBuffer> body_;
  size_t small_len_ = 0;
  char small_body_[256];
  const absl::Time deadline_;
  // Retries and backups allowed (policy on, no chain stop).
  const bool may_retry_;
  SendDone done_;
  // Each attempt's instance: written before the attempt is sent, read
  // after it completes (so no lock is needed to read it), while the
  // attempt's callback holds the pool.
  AddressPool* pools_[kMaxRetries + 1] = {};
  transport::Mutex mu_;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  int started_ ABSL_GUARDED_BY(mu_) = 0;
  int outstanding_ ABSL_GUARDED_BY(mu_) = 0;
  absl::InlinedVector<AddressKey, 2> tried_ ABSL_GUARDED_BY(mu_);
};

Client::Impl::MethodGovernance* Client::Impl::Governance(const MethodInfo& method) {
  return LastUsed<MethodGovernance>(id_, method.name, [&] {
    MethodGovernance* found = nullptr;
    {
      transport::ReaderLock lock(gov_mu_);
      auto it = governance_.find(std::string(method.name));
      if (it != governance_.end()) found = it->second.get();
    }
    return found != nullptr ? found : NewGovernance(method);
  });
}

Client::Impl::MethodGovernance* Client::Impl::NewGovernance(const MethodInfo& method) {
  const std::string_view name = method.name;
  auto g = std::make_unique<MethodGovernance>();
  auto it = options_.method_retry.find(name);
  g->policy = it != options_.method_retry.end() ? it->second : options_.retry;
  if (method.idempotent || std::find(options_.idempotent_methods.begin(),
                                     options_.idempotent_methods.end(),
                                     name) != options_.idempotent_methods.end()) {
    g->policy.idempotent = true;
  }
  if (!g->policy.Validate().ok()) g->policy.enabled = false;
  g->policy.max_retries = std::clamp(g->policy.max_retries, 0, kMaxRetries);
  if (g->policy.enabled) {
    g->budget = std::make_unique<RetryBudget>(g->policy.budget_ratio, g->policy.budget_window,
                                              g->policy.budget_min_samples);
  }
  if (options_.breaker.enabled) {
    // The run-of-failures trigger is the instance breakers': a dying
    // instance fails its calls in flight in a burst, which retries absorb
    // and which must not close the whole method.
    BreakerOptions b = options_.breaker;
    b.consecutive_failures = 0;
    g->breaker = std::make_unique<CircuitBreaker>(b);
  }
  transport::WriterLock lock(gov_mu_);
  auto& slot = governance_[std::string(name)];
  if (slot == nullptr) slot = std::move(g);
  return slot.get();
}

void Client::Impl::FailWaitingCalls() {
  std::vector<Governed::Ref> waiting;
  {
    transport::MutexLock lock(waiting_mu_);
    for (Governed* g : waiting_) {
      if (std::optional<Governed::Ref> ref = g->TryRef()) waiting.push_back(*std::move(ref));
    }
    waiting_.clear();
  }
  for (Governed::Ref& g : waiting) g->FailWaiting();
}

void Client::Impl::Dispatch(MethodGovernance* gov, CallContext& ctx, mux::OutgoingCall&& call,
                            SendDone done) {
  if (gov == nullptr || (!gov->policy.enabled && gov->breaker == nullptr)) {
    SetDeadline(ctx.deadline(), call);
    Send(ctx, std::move(call), std::move(done));
    return;
  }
  absl::Time deadline = ctx.deadline();
  if (gov->policy.enabled && gov->policy.max_duration > absl::ZeroDuration()) {
    deadline = std::min(deadline, absl::Now() + gov->policy.max_duration);
  }
  // Chain stop: a call made while serving a retried call does not retry.
  bool may_retry = gov->policy.enabled && !ctx.oneway();
  if (may_retry && gov->policy.chain_stop) {
    if (const CallContext* serving = CurrentCallContext();
        serving != nullptr && serving->request_metadata().Find(kRetryHeader) != nullptr) {
      may_retry = false;
    }
  }
  Governed::Ref governed(new Governed(this, gov, &ctx, call, deadline, may_retry, std::move(done)));
  governed->Begin(call);
}

struct Client::Impl::State {
  // One per call: from the thread's block cache, not malloc.
  static void* operator new(std::size_t size) { return transport::internal::CachedAlloc(size); }
  static void operator delete(void* p, std::size_t size) noexcept {
    transport::internal::CachedFree(p, size);
  }

  CallContext ctx;
  mux::OutgoingCall call;
  ClientReply reply;
  DoneFn done;
  // Where the reply's headers go (CallOptions::response_metadata), or null.
  Metadata* response_out = nullptr;
  // With a tracer: when Call() began; and the request payload's bytes.
  absl::Time start;
  size_t request_bytes = 0;
  // With metrics: the entry, and when Call() began (steady clock).
  CallMetrics* metrics = nullptr;
  int64_t start_ns = 0;
};

CallMetrics* Client::Impl::MethodMetrics(std::string_view method) {
  return LastUsed<CallMetrics>(
      id_, method, [&] { return Metrics::Default().Client(options_.service, method); });
}

void Client::Impl::AddCollector() {
  using prometheus::MetricType;
  const std::string id = std::to_string(id_);
  // Removed first thing in ~Impl, so the collector never sees a dying client.
  collector_ = Metrics::Default().AddCollector([this,
                                                id](std::vector<prometheus::MetricFamily>& out) {
    const ClientStats st = Stats();
    const std::vector<prometheus::ClientMetric::Label> labels = {{"client", id},
                                                                 {"service", options_.service}};
    AddSample(out,
              AddFamily(out, "vireo_client_connections",
                        "Connections the client holds (pooled or multiplexed).", MetricType::Gauge),
              labels, static_cast<double>(st.connections));
    AddSample(out,
              AddFamily(out, "vireo_client_connection_calls_in_flight",
                        "Calls sent or queued on the client's connections, not yet completed.",
                        MetricType::Gauge),
              labels, static_cast<double>(st.in_flight));
    AddSample(
        out,
        AddFamily(out, "vireo_client_retries_total", "Failure retries sent.", MetricType::Counter),
        labels, static_cast<double>(st.retries));
    AddSample(out,
              AddFamily(out, "vireo_client_backup_requests_total", "Backup requests sent.",
                        MetricType::Counter),
              labels, static_cast<double>(st.backups));
    AddSample(out,
              AddFamily(out, "vireo_client_breaker_rejections_total",
                        "Attempts failed fast by an open method breaker.", MetricType::Counter),
              labels, static_cast<double>(st.breaker_rejections));
    AddSample(
        out,
        AddFamily(out, "vireo_client_late_replies_total",
                  "Replies that arrived after their call had completed.", MetricType::Counter),
        labels, static_cast<double>(st.late_replies));
  });
}

void Client::Impl::StartTrace(CallContext& ctx) const {
  const Metadata& md = ctx.request_metadata();
  // The caller's own traceparent, if it set one, is the call's parent.
  const std::string* given = md.Find(kTraceparentHeader);
  if (given == nullptr) given = md.Find(kKitexTraceparentHeader);
  if (given != nullptr) {
    if (std::optional<TraceContext> t = TraceContext::Parse(*given)) ctx.set_trace(t->Child());
    return;
  }
  const CallContext* serving = CurrentCallContext();
  if (serving != nullptr && serving->trace().valid()) {
    ctx.set_trace(serving->trace().Child());
  } else if (tracer_ != nullptr) {
    ctx.set_trace(TraceContext::NewRoot());
  } else {
    return;
  }
  if (!IsHeaderFraming(options_.framing)) return;
  // Kitex reads its metainfo transient keys from TTHeader; OpenTelemetry's
  // propagators and fbthrift read the plain W3C names.
  const bool tt = options_.framing == codec::Framing::kTTHeader;
  ctx.request_metadata().Set(tt ? kKitexTraceparentHeader : kTraceparentHeader,
                             ctx.trace().Traceparent());
  if (!ctx.trace().tracestate.empty()) {
    ctx.request_metadata().Set(tt ? kKitexTracestateHeader : kTracestateHeader,
                               ctx.trace().tracestate);
  }
}

void Client::Impl::ReportSpan(const State& s, const absl::Status& status) const {
  Span span;
  span.kind = Span::Kind::kClient;
  span.service = s.ctx.service();
  span.method = s.ctx.method();
  span.peer = s.ctx.peer();
  span.trace = &s.ctx.trace();
  span.start = s.start;
  span.duration = absl::Now() - s.start;
  span.status = &status;
  span.request_bytes = s.request_bytes;
  span.reply_bytes = s.reply.body.Len();
  tracer_->OnFinish(span);
}

void Client::Impl::Finished(const State& s, const absl::Status& status) const {
  if (s.metrics != nullptr) {
    // On a loop, the reply came in this iteration: its time stamp saves a
    // clock read.
    const transport::EventLoop* loop = transport::EventLoop::Current();
    const int64_t end =
        loop != nullptr ? loop->iteration_start_ns() : transport::EventLoop::NowNs();
    s.metrics->Finished(CodeOf(status), absl::Nanoseconds(std::max<int64_t>(0, end - s.start_ns)),
                        s.request_bytes, s.reply.body.Len());
  }
  if (tracer_ != nullptr) ReportSpan(s, status);
}

namespace {

void CopyResponseMetadata(const codec::FrameHeader* header, Metadata& out) {
  if (header == nullptr) return;
  for (const auto& [k, v] : header->headers) out.Set(k, v);
  for (const auto& [k, v] : header->int_headers) out.SetInt(k, v);
}

Task<absl::Status> RunChain(const std::vector<ClientMiddleware>& chain, size_t i,
                            CallContext& ctx,
                            absl::FunctionRef<Task<absl::Status>()> innermost) {
  if (i == chain.size()) co_return co_await innermost();
  co_return co_await chain[i](ctx, [&]() { return RunChain(chain, i + 1, ctx, innermost); });
}

}  // namespace

void Client::Impl::Call(const MethodInfo& method, EncodeFn encode,
                        const CallOptions& call_options, DoneFn done) {
  ++t_starting_calls;
  absl::Cleanup started = [] { --t_starting_calls; };
  auto state = std::make_unique<State>();
  CallContext& ctx = state->ctx;
  ctx.set_service(options_.service);
  ctx.set_method(method.name);
  ctx.set_oneway(method.oneway);
  ctx.set_framing(options_.framing);
  ctx.set_protocol(options_.protocol);
  ctx.set_deadline(Deadline(call_options));
  if (!call_options.hash_key.empty()) ctx.set_hash_key(call_options.hash_key);
  for (const auto& [k, v] : options_.metadata.strings()) ctx.request_metadata().Set(k, v);
  for (const auto& [k, v] : options_.metadata.ints()) ctx.request_metadata().SetInt(k, v);
  for (const auto& [k, v] : call_options.metadata.strings()) ctx.request_metadata().Set(k, v);
  for (const auto& [k, v] : call_options.metadata.ints()) ctx.request_metadata().SetInt(k, v);
  StartTrace(ctx);
  encode(options_.protocol, state->call.body);
  state->call.body.Flush();
  if (options_.metrics) {
    state->metrics = MethodMetrics(method.name);
    state->metrics->Started();
    state->start_ns = transport::EventLoop::NowNs();
  }
  state->request_bytes = state->call.body.Len();
  if (tracer_ != nullptr) state->start = absl::Now();

  MethodGovernance* gov = governed_ ? Governance(method) : nullptr;
  if (middleware_.empty()) {
    PrepareHeaders(ctx, state->call);
    state->done = std::move(done);
    state->response_out = call_options.response_metadata;
    State* s = state.release();
    // Two pointers: the callback fits AnyInvocable's inline storage.
    Dispatch(gov, s->ctx, std::move(s->call),
             [this, s](absl::Status status, ClientReply& reply,
                       const codec::FrameHeader* header) mutable {
               std::unique_ptr<State> owned(s);
               if (s->response_out != nullptr) CopyResponseMetadata(header, *s->response_out);
               if (tracer_ != nullptr || s->metrics != nullptr) {
                 s->reply = std::move(reply);
                 Finished(*s, status);
                 Complete(std::move(s->done), std::move(status), s->reply);
                 return;
               }
               Complete(std::move(s->done), std::move(status), reply);
             });
    return;
  }

  // With middleware: a coroutine chain whose innermost step sends the call.
  state->done = std::move(done);
  auto run = [](Impl* self, std::unique_ptr<State> st, Metadata* out,
                MethodGovernance* gov) -> Task<void> {
    State& s = *st;
    auto innermost = [&]() -> Task<absl::Status> {
      self->PrepareHeaders(s.ctx, s.call);
      co_return co_await Suspend<absl::Status>([&](absl::AnyInvocable<void(absl::Status) &&> resume) {
        self->Dispatch(gov, s.ctx, std::move(s.call),
                   [&s, resume = std::move(resume)](absl::Status status, ClientReply& reply,
                                                     const codec::FrameHeader* header) mutable {
                     CopyResponseMetadata(header, s.ctx.response_metadata());
                     s.reply = std::move(reply);
                     std::move(resume)(std::move(status));
                   });
      });
    };
    absl::Status status;
    try {
      status = co_await RunChain(self->middleware_, 0, s.ctx, innermost);
    } catch (const std::exception& e) {
      status = absl::InternalError(internal::Cat(s.ctx.method(), ": middleware threw: ", e.what()));
    } catch (...) {
      // Whatever was thrown, the caller must still hear back.
      status = absl::InternalError(internal::Cat(s.ctx.method(), ": middleware threw"));
    }
    if (out != nullptr && !s.ctx.response_metadata().empty()) *out = s.ctx.response_metadata();
    self->Finished(s, status);
    self->Complete(std::move(s.done), std::move(status), s.reply);
  };
  run(this, std::move(state), call_options.response_metadata, gov).Start();
}

Client::Client(ClientOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>(options_)) {}

Client::~Client() {
  if (impl_ == nullptr || !impl_->OnOwnLoopThread()) return;
  // The last reference dropped inside a callback, on one of our loops: a
  // loop cannot stop and join its own thread, so another thread tears the
  // client down once this callback has returned to the loop.
  internal::client_teardowns.fetch_add(1);
  std::thread([impl = std::move(impl_)]() mutable {
    impl.reset();
    internal::client_teardowns.fetch_sub(1);
  }).detach();
}

void Client::SetResolver(std::shared_ptr<Resolver> resolver) {
  impl_->resolver_ = std::move(resolver);
}

void Client::SetTracer(std::shared_ptr<Tracer> tracer) { impl_->tracer_ = std::move(tracer); }

void Client::SetLoadBalancer(std::shared_ptr<LoadBalancer> balancer) {
  impl_->SetBalancer(std::move(balancer));
}

ClientStats Client::Stats() const { return impl_->Stats(); }

void Client::Use(ClientMiddleware middleware) { impl_->middleware_.push_back(std::move(middleware)); }

void Client::Call(const MethodInfo& method, EncodeFn encode, const CallOptions& options,
                  DoneFn done) {
  impl_->Call(method, encode, options, std::move(done));
}

}  // namespace vireo
