// Client: calls the methods of one remote service; generated clients sit
// on it.
//
// A Client holds the options (targets, framing, protocol, connection mode,
// timeouts, metadata), a resolver and a load balancer that pick an address
// per call, the connections, and the event loops those run on. vireo-gen
// writes, per IDL service, a typed client class over it with three calling
// styles per method:
//
//   vireo::Client client(options);                   // or a shared_ptr
//   EchoServiceClient echo(&client);
//   absl::StatusOr<Response> r = echo.echo(req);                  // blocking
//   echo.echo(req, [](absl::StatusOr<Response> r) { ... });       // callback
//   absl::StatusOr<Response> r = co_await echo.co_echo(req);      // coroutine
//
// Errors: DEADLINE_EXCEEDED when the call's timeout passes; UNAVAILABLE when
// the target refuses or resets the connection (or none is known), or a
// circuit breaker is open (the message names it);
// RESOURCE_EXHAUSTED when a mux connection's in-flight bound is reached
// and the client fails fast; INTERNAL with the server's message for a
// TApplicationException; UNKNOWN "<Name>: <what>" for a declared IDL
// exception, whose typed value IdlException<E>(status) returns. Messages
// name the peer, the method and the sequence id.
//
// Governance (docs/governance.md): ClientOptions::retry / method_retry turn
// on failure retries and backup requests (core/retry_policy.h), and
// ClientOptions::breaker the per-method and per-instance circuit breakers
// (core/circuit_breaker.h). Retries and backups happen inside the
// innermost middleware step: middleware sees one call. A handler's biz
// status arrives as UNKNOWN with GetBizStatus(status) (core/biz_status.h).
//
// Completion: a call completes exactly once, never inside the Call() (or
// generated method) that started it, on a loop thread of the client -- in
// every connection mode and for every error, including those found before
// anything is sent. ~Client completes the calls still waiting (UNAVAILABLE)
// before it returns.
//
// Thread rules: every method is thread safe. A callback or coroutine
// continuation runs on the loop thread that completed the call; a blocking
// call must not be made on a loop thread (FAILED_PRECONDITION says so).
#ifndef VIREO_CORE_CLIENT_H_
#define VIREO_CORE_CLIENT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/cord.h"
#include "absl/time/time.h"
#include "vireo/codec/frame.h"
#include "vireo/codec/serialize.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/core/call_context.h"
#include "vireo/core/circuit_breaker.h"
#include "vireo/core/load_balancer.h"
#include "vireo/core/resolver.h"
#include "vireo/core/tracer.h"
#include "vireo/core/retry_policy.h"
#include "vireo/core/task.h"
#include "vireo/transport/event_loop_group.h"
#include "vireo/transport/link_buffer.h"

namespace vireo {

enum class ConnectionMode {
  kShort,   // a new connection per call, closed after the reply
  kPooled,  // long connections, one call at a time each, kept idle for reuse
  kMux,     // a few long connections per address, many calls in flight on each
};

struct ClientOptions {
  // The IDL service name: sent as TTHeader's to-service key and "isn"
  // header, and used for TMultiplexedProtocol names. Default: "" (none).
  std::string service;
  // Where the service is: addresses as "host:port" (a static list), or one
  // URI, "dns:///name:port[?refresh=30s]" or
  // "etcd://host:port[,host:port]/service" (core/resolver.h). Default: none.
  std::vector<std::string> targets;
  // Default: THeader.
  codec::Framing framing = codec::Framing::kTHeader;
  // Default: Binary.
  codec::ProtocolId protocol = codec::ProtocolId::kBinary;
  // Default: mux.
  ConnectionMode mode = ConnectionMode::kMux;
  // Mux: connections per address. Default: 1.
  int mux_connections = 1;
  // Mux: calls in flight per connection (0 = no bound) and what happens at
  // the bound (wait for a slot, or fail fast). Default: 0, fail fast.
  size_t max_in_flight = 0;
  bool wait_when_full = false;
  // Pooled: idle connections kept per address. Default: 16.
  int max_idle_per_address = 16;
  // Pooled: an idle connection is closed after this long. Default: 60 s.
  absl::Duration idle_timeout = absl::Seconds(60);
  // Time allowed for a TCP connect. Default: 1 s.
  absl::Duration connect_timeout = absl::Seconds(1);
  // Time allowed for one call, end to end. Default: 1 s. 0 = no limit.
  absl::Duration call_timeout = absl::Seconds(1);
  // Name calls "Service:method" as Apache's TMultiplexedProtocol does.
  // Default: false.
  bool multiplexed_names = false;
  // Records every call in Metrics::Default() (core/metrics.h): started,
  // finished by code, latency (retries and backup requests included),
  // bytes; and the client's connections and governance counters as
  // gauges. Default: true.
  bool metrics = true;
  // Metadata sent with every call (header framings only).
  Metadata metadata;
  // Bounds on replies. Default: Limits().
  codec::Limits limits;
  // The load balancer, by registry name (core/load_balancer.h):
  // "round_robin", "weighted_round_robin", "weighted_random",
  // "consistent_hash", "p2c", or one registered with RegisterLoadBalancer.
  // Default: "weighted_round_robin" (round robin while weights are equal).
  std::string load_balancer = "weighted_round_robin";
  // Settings of the built-in balancers (virtual nodes, hash key source).
  BalancerOptions balancer;
  // Weights of `targets`, in order (the default resolver's instances); empty
  // = every target 100. A weight <= 0 takes the target out. Default: empty.
  std::vector<int> weights;
  // Failure retry and backup requests (core/retry_policy.h), for every
  // method without an entry in `method_retry`. Default: off.
  RetryPolicy retry;
  // Per-method retry policies, by IDL method name. Default: none.
  std::map<std::string, RetryPolicy, std::less<>> method_retry;
  // Methods whose calls may run twice (as the `idempotent` policy field, or
  // the IDL annotation vireo.idempotent). Default: none.
  std::vector<std::string> idempotent_methods;
  // The per-method and per-instance circuit breakers
  // (core/circuit_breaker.h). Default: off.
  BreakerOptions breaker;
  // Event loops for the connections; 0 = 1. Ignored when `loops` is given.
  int num_loops = 1;
  // The client's own loops poll without blocking for this long before they
  // sleep (EventLoop::set_busy_poll): lower latency at low load, a busy
  // CPU per loop while idle. At most 10 ms. Ignored when `loops` is given.
  // Default: 0 (off).
  absl::Duration busy_poll = absl::ZeroDuration();
  // The client's own loops wait on an io_uring and its connections
  // receive and send through it (EventLoopGroup::Options::io_uring).
  // Ignored when `loops` is given. Default: false (epoll).
  bool io_uring = false;
  // Loops to share with other clients; must outlive the client. Default:
  // null, the client starts its own.
  transport::EventLoopGroup* loops = nullptr;

  // Reads options from a YAML file (keys as in docs/user-guide.md); fields
  // the file does not set keep their defaults.
  static absl::StatusOr<ClientOptions> FromYamlFile(const std::string& path);
  static absl::StatusOr<ClientOptions> FromYaml(std::string_view yaml);
};

// Per-call options.
struct CallOptions {
  // User-declared (so not an aggregate): GCC 12 miscompiles a defaulted
  // aggregate argument (`const CallOptions& options = {}`) inside a
  // co_await operand, destroying a std::string member it never built.
  CallOptions() {}
  // Overrides ClientOptions::call_timeout when nonzero. The call's deadline
  // is also capped by the deadline of the server call being served on this
  // thread (CurrentCallContext()), so deadlines travel down a call chain.
  absl::Duration timeout = absl::ZeroDuration();
  // Also caps the call's deadline. A coroutine handler that calls on after
  // a co_await that waited (when CurrentCallContext() is no longer its
  // call's) passes its own: `options.deadline = ctx.deadline();`.
  // Default: InfiniteFuture(), no cap.
  absl::Time deadline = absl::InfiniteFuture();
  // Added to the client's metadata for this call.
  Metadata metadata;
  // The key the consistent_hash balancer places this call by; calls with
  // one key go to one instance. Default: "" (the balancer's metadata key,
  // else none).
  std::string hash_key;
  // When set, receives the reply's metadata (THeader string headers,
  // TTHeader int and string keys) before the call completes. Must live
  // until the call completes; untouched when no reply arrives.
  Metadata* response_metadata = nullptr;
};

// What generated code says about a method.
struct MethodInfo {
  std::string_view name;
  bool oneway = false;
  // The IDL says the method may run twice for one call (annotation
  // `(vireo.idempotent = "true")`): retries may resend a call the server
  // may have executed.
  bool idempotent = false;
};

// A reply handed to generated code to decode.
struct ClientReply {
  codec::ProtocolId protocol = codec::ProtocolId::kBinary;
  // The result struct's bytes.
  transport::LinkBuffer body;
  codec::DecodeOptions decode_options;
  template <class Result>
  absl::Status Decode(Result* result) {
    return codec::Decode(body, protocol, result, decode_options);
  }
};

// A snapshot of a client's connections, for tests and metrics.
struct ClientStats {
  // Connections the client holds (connected or not).
  size_t connections = 0;
  // Calls started and not yet completed on them.
  size_t in_flight = 0;
  // Replies that arrived after their call had completed (deadline passed).
  uint64_t late_replies = 0;
  // Extra attempts sent: failure retries and backup requests.
  uint64_t retries = 0;
  uint64_t backups = 0;
  // Attempts that completed after another attempt of their call had won
  // (their replies dropped, never delivered).
  uint64_t abandoned_replies = 0;
  // Attempts failed fast by an open method breaker, and instances skipped
  // because their breaker was open.
  uint64_t breaker_rejections = 0;
  uint64_t breaker_skips = 0;
};

// Middleware around each call on the client: may read and change the
// context (request metadata; after next(), the response metadata), call
// `next()` at most once, and return its own status (an error returned
// without calling next() fails the call without sending it). The innermost
// `next` sends the call and waits for its reply.
using ClientNext = absl::FunctionRef<Task<absl::Status>()>;
using ClientMiddleware = std::function<Task<absl::Status>(CallContext& ctx, ClientNext next)>;

class Client {
 public:
  // Encodes the argument struct in the given protocol into the buffer
  // (unflushed). Called before Call() returns.
  using EncodeFn = absl::FunctionRef<void(codec::ProtocolId, transport::LinkBuffer&)>;
  // Runs once: OK with the reply to decode, or the call's error.
  using DoneFn = absl::AnyInvocable<void(absl::Status, ClientReply&) &&>;

  explicit Client(ClientOptions options);
  // Fails calls still waiting with UNAVAILABLE and closes every connection;
  // every call's `done` has run when it returns. Called on one of the
  // client's own loop threads (the last shared_ptr dropped in a callback),
  // it returns at once and another thread does that, after the callback.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Replaces the static resolver / the balancer named in the options. Before
  // the first call.
  void SetResolver(std::shared_ptr<Resolver> resolver);
  // Reports every call, as a span, to `tracer` (core/tracer.h), and starts
  // a trace for calls made outside a traced server call. Default: none
  // (calls made while serving still pass the trace on). Before the first
  // call.
  void SetTracer(std::shared_ptr<Tracer> tracer);
  void SetLoadBalancer(std::shared_ptr<LoadBalancer> balancer);
  // Adds middleware; the first added is the outermost. Before the first call.
  void Use(ClientMiddleware middleware);

  // Starts a call. `encode` runs before Call returns. `done` runs exactly
  // once and never inside Call(), whatever the mode and however early the
  // call fails (no target, a middleware's refusal, a full connection), so
  // it may take locks the caller holds around Call(). It runs on one of
  // the client's loop threads; if a middleware moves the call to a thread
  // of its own, on the thread that finishes it.
  void Call(const MethodInfo& method, EncodeFn encode, const CallOptions& options, DoneFn done);

  const ClientOptions& options() const { return options_; }
  ClientStats Stats() const;

 private:
  class Impl;
  ClientOptions options_;
  std::unique_ptr<Impl> impl_;
};

// The declared IDL exception `E` that `status` carries, if it carries one
// (code kUnknown and a payload written by the generated client).
template <class E>
std::optional<E> IdlException(const absl::Status& status);

namespace internal {
// Teardowns ~Client handed to another thread that have not finished (for
// tests).
int ClientTeardownsInProgress();
// The absl::StatusCode named `name` ("PERMISSION_DENIED"), for the codes a
// server's INTERNAL_ERROR "<CODE>: <message>" carries back; false for
// others (OK, UNKNOWN, INTERNAL included).
bool ParseStatusCode(std::string_view name, absl::StatusCode* code);
// The type URL of the payload an IDL exception travels in on a Status.
inline constexpr std::string_view kIdlExceptionUrl = "type.vireo/idl-exception";
// Builds the Status for a declared exception received from the server:
// kUnknown "<name>: <what>" with the exception's Binary encoding attached.
template <class E>
absl::Status IdlExceptionToStatus(std::string_view name, const E& e);
}  // namespace internal

}  // namespace vireo

#include "vireo/core/internal/client_inl.h"  // IWYU pragma: keep

#endif  // VIREO_CORE_CLIENT_H_
