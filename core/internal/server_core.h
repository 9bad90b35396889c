// ServerCore: the part of a vireo::Server that its connections and calls
// share, and that outlives the Server while abandoned calls still run.
//
// Holds the options, the routing table, the middleware, the worker pool,
// the counters, and the two things shutdown waits on: the number of calls
// in flight and of connections open. A call that finishes after its
// server's loops are gone (abandoned at the end of the grace period) finds
// loops_alive() false and drops its reply.
//
// Example (what the server does):
//   auto core = std::make_shared<ServerCore>(options);
//   core->router.Add(&service);
//   core->CallStarted(); ... core->CallEnded();
//   core->WaitIdle(deadline);
//
// Thread rules: options, router, middleware and workers are written
// before Start() and read-only after; counters are atomic; WaitIdle from
// any thread but a loop's.
#ifndef VIREO_CORE_INTERNAL_SERVER_CORE_H_
#define VIREO_CORE_INTERNAL_SERVER_CORE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "vireo/codec/application_exception.h"
#include "vireo/codec/frame.h"
#include "vireo/codec/serialize.h"
#include "vireo/core/internal/server_limits.h"
#include "vireo/core/internal/server_worker_pool.h"
#include "vireo/core/metrics.h"
#include "vireo/core/server_middleware.h"
#include "vireo/core/server_options.h"
#include "vireo/core/service.h"
#include "vireo/core/tracer.h"
#include "vireo/transport/event_loop_group.h"
#include "vireo/transport/mutex.h"

namespace vireo::internal {

class ServerConnection;

// Which service and method a call names.
//
// A call is routed by, in order: (1) the service its frame names (the
// "isn" string header, or TTHeader's to-service int key when it names a
// registered service; Kitex fills that key with the callee's service
// name, which need not be the IDL's); (2) the "Service:method" name of
// Apache's TMultiplexedProtocol; (3) the method name alone, when exactly
// one service has it.
class Router {
 public:
  struct Route {
    Service* service = nullptr;
    const MethodDescriptor* method = nullptr;
    // The method name without a "Service:" prefix.
    std::string_view method_name;
    // The method's entry in Metrics::Default(); null without metrics.
    CallMetrics* metrics = nullptr;
  };

  // AlreadyExists when a service of the same name was added.
  absl::Status Add(Service* service);

  // The route for message `name` on a frame that names `header_service`
  // ("" when none) and whose to-service key (TTHeader int key 6) is
  // `to_service` ("" when none). On failure, the TApplicationException to
  // answer with: UNKNOWN_METHOD "unknown service X", "unknown method X"
  // (naming the service when one was named), or "ambiguous method X:
  // served by A, B ...".
  bool Find(std::string_view name, std::string_view header_service, std::string_view to_service,
            Route* route, codec::TApplicationException* error) const;

  bool empty() const { return services_.empty(); }

  // Gives every method its entry in `metrics`. After the last Add.
  void EnableMetrics(Metrics& metrics);
  // Calls `fn` for each service and method, in the order added.
  void ForEach(absl::FunctionRef<void(std::string_view service, std::string_view method,
                                      const CallMetrics* metrics)>
                   fn) const;

 private:
  struct Entry {
    Service* service;
    // Copies of the descriptors: their addresses stay fixed while the
    // Router lives, whatever storage Methods() returned.
    std::vector<MethodDescriptor> methods;
    // methods[i]'s metrics (EnableMetrics), else empty.
    std::vector<CallMetrics*> metrics;
    absl::flat_hash_map<std::string, const MethodDescriptor*> by_name;
  };
  const Entry* FindService(std::string_view name) const;

  std::vector<std::unique_ptr<Entry>> services_;
  absl::flat_hash_map<std::string, const Entry*> by_service_;
  // Method name -> every service that has it.
  absl::flat_hash_map<std::string, std::vector<const Entry*>> by_method_;
};

class ServerCore {
 public:
  explicit ServerCore(const ServerOptions& options);

  const ServerOptions options;
  // What ServerCall::DecodeArgs reads with: the options' limits.
  codec::DecodeOptions decode_options;
  Router router;
  std::vector<ServerMiddleware> middleware;
  // Where finished calls' spans go; null: nowhere (no clock read for it).
  std::shared_ptr<Tracer> tracer;
  // Services handed over with AddService(shared_ptr): kept while any call
  // (even an abandoned one) may still use them.
  std::vector<std::shared_ptr<Service>> owned_services;
  // Null when handlers run on the loops.
  std::unique_ptr<WorkerPool> workers;
  // One thread rendering /metrics, which can take milliseconds for many
  // methods, off the loops; null when no admin page is served.
  std::unique_ptr<WorkerPool> admin_pool;
  // qps_limit, max_in_flight, max_in_flight_per_method.
  ServerLimits limits;


  // Counters. Any thread.
  std::atomic<uint64_t> connections_accepted{0};
  std::atomic<uint64_t> calls_served{0};
  std::atomic<uint64_t> bad_input_closes{0};

  // Why a connection was closed for what its client sent.
  enum class BadInput {
    kNotThrift,     // the first bytes are no Thrift framing we know
    kBadFrame,      // a malformed or oversized frame
    kBadMessage,    // a message header that cannot be read
    kNotACall,      // a message that is not a call or oneway
    kBadArguments,  // arguments that cannot be decoded
    kTruncated,     // closed, reset or timed out in the middle of a frame
    kBadHttp,       // a malformed or oversized admin request
    kCount,
  };
  static std::string_view BadInputName(BadInput reason);
  // Counts in bad_input_closes and by reason. Any thread.
  void CountBadInput(BadInput reason) {
    bad_input_[static_cast<size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
    bad_input_closes.fetch_add(1, std::memory_order_relaxed);
  }
  uint64_t bad_input(BadInput reason) const {
    return bad_input_[static_cast<size_t>(reason)].load(std::memory_order_relaxed);
  }
  // How connections ended: the client closed or reset it, the server
  // closed it (shutdown, after a half-close, an admin response), the idle
  // timeout, bad input, another socket error.
  enum class Closed { kPeer, kServer, kIdleTimeout, kBadInput, kError, kCount };
  static std::string_view ClosedName(Closed reason);
  void CountClosed(Closed reason) {
    closed_[static_cast<size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
  }
  uint64_t closed(Closed reason) const {
    return closed_[static_cast<size_t>(reason)].load(std::memory_order_relaxed);
  }

  // Unrouted calls' metrics (service and method "<unknown>"), made at the
  // first such call so that scrapes do not list it before; null without
  // metrics. Any thread.
  CallMetrics* UnknownMethodMetrics() {
    if (!options.metrics) return nullptr;
    CallMetrics* m = unknown_method_metrics_.load(std::memory_order_acquire);
    if (m == nullptr) {
      m = Metrics::Default().Server("<unknown>", "<unknown>");
      unknown_method_metrics_.store(m, std::memory_order_release);
    }
    return m;
  }
  // Set by Server::Start and Stop; read by the admin pages.
  absl::Time started_at = absl::InfinitePast();
  std::atomic<bool> stopping{false};
  // The server's loops (set by Start, before any connection) and its port.
  transport::EventLoopGroup* loops = nullptr;
  uint16_t port = 0;

  // The connections open now, for /connections. Any thread.
  void AddConnection(ServerConnection* c) {
    transport::MutexLock lock(connections_mu_);
    connections_.insert(c);
  }
  void RemoveConnection(ServerConnection* c) {
    transport::MutexLock lock(connections_mu_);
    connections_.erase(c);
  }
  // Calls `fn` on each, under the list's lock: `fn` must only read the
  // connection's thread-safe accessors.
  void ForEachConnection(absl::FunctionRef<void(const ServerConnection*)> fn) const {
    transport::MutexLock lock(connections_mu_);
    for (const ServerConnection* c : connections_) fn(c);
  }
  int64_t open_connections() const { return open_connections_.load(std::memory_order_acquire); }
  int64_t in_flight() const { return in_flight_.load(std::memory_order_acquire); }

  // Counted by every call from dispatch until its record is destroyed (its
  // reply queued or dropped), and every connection from accept until its
  // close callback. Any thread.
  void CallStarted() { in_flight_.fetch_add(1, std::memory_order_acq_rel); }
  void CallEnded();
  void ConnectionOpened() { open_connections_.fetch_add(1, std::memory_order_acq_rel); }
  void ConnectionClosed();

  // Waits until no call is in flight and no connection is open, or until
  // `deadline`; true when idle.
  bool WaitIdle(absl::Time deadline);

  // Whether the event loops still exist. A thread that is not a loop's
  // holds the reader lock while it posts to a loop. Any thread.
  transport::SharedMutex loops_mu;
  bool loops_alive ABSL_GUARDED_BY(loops_mu) = true;

 private:
  // Wakes WaitIdle; taken only when a counter reaches zero.
  void NotifyIfIdle();

  std::array<std::atomic<uint64_t>, static_cast<size_t>(BadInput::kCount)> bad_input_{};
  std::array<std::atomic<uint64_t>, static_cast<size_t>(Closed::kCount)> closed_{};
  mutable transport::Mutex connections_mu_;
  absl::flat_hash_set<ServerConnection*> connections_ ABSL_GUARDED_BY(connections_mu_);
  std::atomic<CallMetrics*> unknown_method_metrics_{nullptr};
  std::atomic<int64_t> in_flight_{0};
  std::atomic<int64_t> open_connections_{0};
  // Guards no data: held around the idle check and the wake-up.
  transport::Mutex idle_mu_;
  transport::CondVar idle_cv_;
};

}  // namespace vireo::internal

#endif  // VIREO_CORE_INTERNAL_SERVER_CORE_H_
