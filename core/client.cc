#include "vireo/core/client.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_map.h"
#include "vireo/codec/application_exception.h"
#include "vireo/codec/message.h"
#include "vireo/codec/ttheader.h"
#include "vireo/core/internal/str_cat.h"
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
  AddressPool(const transport::InetAddress& address, const mux::ClientConnectionOptions& options)
      : address_(address), options_(options) {}

  const transport::InetAddress& address() const { return address_; }

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
        return absl::Status(code, internal::Cat(peer, " ", method, ": ",
                                                std::string_view(x.message).substr(colon + 2)));
      }
    }
  }
  // LOADSHEDDING (a server shutting down) is UNAVAILABLE: the call did not run.
  const absl::Status as_status = x.ToStatus();
  return absl::Status(as_status.code(),
                      internal::Cat(peer, " ", method, ": ", as_status.message()));
}

}  // namespace

class Client::Impl {
 public:
  explicit Impl(const ClientOptions& options) : options_(options) {
    if (options.loops != nullptr) {
      loops_ = options.loops;
    } else {
      own_loops_ = std::make_unique<transport::EventLoopGroup>(transport::EventLoopGroup::Options{
          .num_loops = std::max(options.num_loops, 1), .name = "vireo-client"});
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
    absl::StatusOr<std::shared_ptr<LoadBalancer>> lb =
        NewLoadBalancer(options.load_balancer, options.balancer);
    if (lb.ok()) {
      SetBalancer(*std::move(lb));
    } else {
      balancer_error_ = lb.status();
    }
    absl::StatusOr<std::shared_ptr<StaticResolver>> r =
        StaticResolver::FromTargets(options.targets, options.weights);
    if (r.ok()) {
      resolver_ = *std::move(r);
    } else {
      resolver_error_ = r.status();
    }
  }

  ~Impl() {
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

 private:
  // One call in progress, for the middleware path.
  struct State;

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

  // Fills the call's name and headers from the context.
  void Prepare(const CallContext& ctx, mux::OutgoingCall& call) const {
    call.method = options_.multiplexed_names && !options_.service.empty()
                      ? internal::Cat(options_.service, ":", ctx.method())
                      : std::string(ctx.method());
    call.type = ctx.oneway() ? codec::MessageType::kOneway : codec::MessageType::kCall;
    call.deadline = ctx.deadline();
    if (!IsHeaderFraming(options_.framing)) return;
    for (const auto& [k, v] : ctx.request_metadata().strings()) call.headers.emplace_back(k, v);
    if (!options_.service.empty()) call.headers.emplace_back("isn", options_.service);
    const bool has_deadline = ctx.deadline() != absl::InfiniteFuture();
    const int64_t timeout_ms =
        has_deadline ? std::max<int64_t>(1, absl::ToInt64Milliseconds(ctx.deadline() - absl::Now()))
                     : 0;
    if (options_.framing == codec::Framing::kTTHeader) {
      for (const auto& [k, v] : ctx.request_metadata().ints()) call.int_headers.emplace_back(k, v);
      if (!options_.service.empty()) {
        call.int_headers.emplace_back(codec::kTTHeaderToService, options_.service);
      }
      call.int_headers.emplace_back(codec::kTTHeaderToMethod, std::string(ctx.method()));
      if (has_deadline) {
        call.int_headers.emplace_back(codec::kTTHeaderRpcTimeout, internal::Cat(timeout_ms));
      }
    } else if (has_deadline) {
      call.headers.emplace_back(std::string(kTimeoutHeader), internal::Cat(timeout_ms));
    }
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
    if (p == nullptr) p = std::make_shared<AddressPool>(address, conn_options_);
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

  // Sends `call` to an instance and runs `done` once with the outcome.
  void Send(CallContext& ctx, mux::OutgoingCall call,
            absl::AnyInvocable<void(absl::Status, ClientReply&, const codec::FrameHeader*) &&> done);

  const ClientOptions options_;
  std::unique_ptr<transport::EventLoopGroup> own_loops_;
  transport::EventLoopGroup* loops_ = nullptr;
  mux::ClientConnectionOptions conn_options_;
  codec::DecodeOptions decode_options_;
  transport::SharedMutex mu_;
  absl::flat_hash_map<AddressKey, std::shared_ptr<AddressPool>> pools_ ABSL_GUARDED_BY(mu_);
};

void Client::Impl::Send(
    CallContext& ctx, mux::OutgoingCall call,
    absl::AnyInvocable<void(absl::Status, ClientReply&, const codec::FrameHeader*) &&> done) {
  auto fail = [&](absl::Status s) {
    ClientReply empty;
    std::move(done)(std::move(s), empty, nullptr);
  };
  if (resolver_ == nullptr) {
    return fail(absl::UnavailableError(
        internal::Cat(ctx.method(), ": no targets: ", resolver_error_.message())));
  }
  absl::StatusOr<InstanceList> instances = resolver_->Resolve(options_.service);
  if (!instances.ok() || *instances == nullptr || (*instances)->empty()) {
    return fail(absl::UnavailableError(internal::Cat(
        ctx.method(), ": no instance of service \"", options_.service, "\"",
        instances.ok() ? std::string() : internal::Cat(": ", instances.status().message()))));
  }
  if (balancer_ == nullptr) {
    return fail(absl::FailedPreconditionError(
        internal::Cat(ctx.method(), ": ", balancer_error_.message())));
  }
  const Instance* picked = balancer_->Pick(*instances, ctx);
  if (picked == nullptr) {
    return fail(absl::UnavailableError(internal::Cat(
        ctx.method(), ": no instance of service \"", options_.service,
        "\" takes calls (every weight is 0 or less)")));
  }
  const Instance& target = *picked;
  ctx.set_peer(target.address);
  // p2c counts calls in flight: tell it when this one completes.
  if (balancer_tracks_) {
    done = [balancer = balancer_.get(), list = *instances, picked,
            done = std::move(done)](absl::Status s, ClientReply& reply,
                                    const codec::FrameHeader* header) mutable {
      balancer->Done(list, *picked);
      std::move(done)(std::move(s), reply, header);
    };
  }
  std::shared_ptr<AddressPool> pool = Pool(target.address);
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
            [decode_options = decode_options_, pool = std::move(pool), conn = std::move(conn),
             mode, max_idle,
             method = std::string(ctx.method()), done = std::move(done)](
                absl::StatusOr<mux::IncomingReply> r) mutable {
              if (mode == ConnectionMode::kPooled) {
                pool->Return(std::move(conn), max_idle);
              } else if (mode == ConnectionMode::kShort) {
                conn->Close();
                pool->Forget(conn.get());
              }
              ClientReply reply;
              if (!r.ok()) {
                std::move(done)(r.status(), reply, nullptr);
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
              reply.body = std::move(r->body);
              std::move(done)(absl::OkStatus(), reply, &r->header);
            });
}

struct Client::Impl::State {
  CallContext ctx;
  mux::OutgoingCall call;
  ClientReply reply;
  DoneFn done;
};

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
  encode(options_.protocol, state->call.body);
  state->call.body.Flush();

  if (middleware_.empty()) {
    Prepare(ctx, state->call);
    State* s = state.release();
    Send(s->ctx, std::move(s->call),
         [this, s, out = call_options.response_metadata, done = std::move(done)](
             absl::Status status, ClientReply& reply, const codec::FrameHeader* header) mutable {
           std::unique_ptr<State> owned(s);
           if (out != nullptr) CopyResponseMetadata(header, *out);
           Complete(std::move(done), std::move(status), reply);
         });
    return;
  }

  // With middleware: a coroutine chain whose innermost step sends the call.
  state->done = std::move(done);
  auto run = [](Impl* self, std::unique_ptr<State> st, Metadata* out) -> Task<void> {
    State& s = *st;
    auto innermost = [&]() -> Task<absl::Status> {
      self->Prepare(s.ctx, s.call);
      co_return co_await Suspend<absl::Status>([&](absl::AnyInvocable<void(absl::Status) &&> resume) {
        self->Send(s.ctx, std::move(s.call),
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
    self->Complete(std::move(s.done), std::move(status), s.reply);
  };
  run(this, std::move(state), call_options.response_metadata).Start();
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
