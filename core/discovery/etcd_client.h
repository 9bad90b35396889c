// EtcdClient: a small, blocking etcd v3 client over etcd's HTTP/JSON
// gateway, for service discovery (registration under a lease, reading and
// watching a key prefix).
//
// It speaks plain HTTP/1.1 to the gateway that etcd serves on its client
// port (POST /v3/kv/range, /v3/watch, ...): each unary call on a fresh
// connection (calls are rare: keep-alives and range reads), each watch on a
// connection of its own. Endpoints are tried in turn when one cannot be
// connected to, starting from the last one that worked. TLS and auth are
// not supported.
//
// Example:
//   EtcdClientOptions options;
//   options.endpoints = {"127.0.0.1:2379"};
//   absl::StatusOr<std::unique_ptr<EtcdClient>> client = EtcdClient::Create(options);
//   absl::StatusOr<int64_t> lease = (*client)->LeaseGrant(absl::Seconds(10));
//   absl::Status put = (*client)->Put("/services/echo/10.0.0.1:9090", "{}", *lease);
//   absl::StatusOr<RangeResult> all = (*client)->RangePrefix("/services/echo/");
//   std::thread watcher([&] {
//     absl::Status end = (*client)->WatchPrefix(
//         "/services/echo/", all->revision + 1,
//         [](const WatchBatch& batch) { /* apply batch.events */ });
//     // end is Cancelled after Shutdown(), else restart from a fresh range.
//   });
//   (*client)->Shutdown();
//   watcher.join();
//
// Errors, each with a message naming the endpoint and the request:
//   Cancelled          after Shutdown(), also for calls it interrupts;
//   Unavailable        no endpoint could be connected to (every endpoint and
//                      its cause), or a connection failed or closed early;
//   DeadlineExceeded   no complete answer within request_timeout;
//   ResourceExhausted  a response over one of the size limits below;
//   DataLoss           bytes that are not the HTTP or JSON etcd sends;
//   otherwise          etcd's own error: the gRPC code and message of its
//                      error body (NotFound for a lease that does not exist,
//                      InvalidArgument for an empty key, ...).
//
// Thread rules: every method is thread safe and blocking (never call one
// on an event loop thread); Shutdown() may be called from any thread.
#ifndef VIREO_CORE_DISCOVERY_ETCD_CLIENT_H_
#define VIREO_CORE_DISCOVERY_ETCD_CLIENT_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vireo/transport/mutex.h"

namespace vireo::etcd {

namespace internal {
struct HttpTarget;
class HttpConnection;
}  // namespace internal

struct EtcdClientOptions {
  // etcd client URLs: "host:port" or "http://host:port" (a name or a
  // numeric address; "[v6]:port" for IPv6). At least one. Default: none.
  std::vector<std::string> endpoints;
  // Time allowed to connect to one endpoint. Default: 2 s.
  absl::Duration connect_timeout = absl::Seconds(2);
  // Time allowed for one unary request once connected: sending it and
  // reading the whole response; for a watch, sending it and reading the
  // response header. Default: 5 s.
  absl::Duration request_timeout = absl::Seconds(5);
  // Largest response header (status line, headers; also a chunked body's
  // trailer) accepted. Default: 64 KiB.
  size_t max_header_bytes = 64 << 10;
  // Largest unary response body accepted. Default: 64 MiB.
  size_t max_response_bytes = 64 << 20;
  // Largest single message of a watch stream (one watch response, which
  // carries every event of its revisions) accepted. Default: 16 MiB.
  size_t max_watch_message_bytes = 16 << 20;
};

struct KeyValue {
  std::string key;
  std::string value;
  // Revision of the last change to the key (for a delete: the delete's).
  int64_t mod_revision = 0;
  // Lease the key is attached to; 0: none.
  int64_t lease = 0;
};

struct RangeResult {
  // In key order.
  std::vector<KeyValue> kvs;
  // The store's revision when the range was read (response header).
  int64_t revision = 0;
};

struct WatchEvent {
  enum class Type { kPut, kDelete };
  Type type = Type::kPut;
  // For a delete, the key and mod_revision only.
  KeyValue kv;
};

struct WatchBatch {
  // In revision order.
  std::vector<WatchEvent> events;
  // The store's revision when the batch was sent (response header).
  int64_t revision = 0;
};

class EtcdClient {
 public:
  // InvalidArgument for no endpoint or one that does not parse, or a zero
  // or negative timeout or limit. Connects to nothing yet.
  static absl::StatusOr<std::unique_ptr<EtcdClient>> Create(EtcdClientOptions options);

  // Closes the client. No call may be running: call Shutdown() and join
  // the threads that use the client first.
  ~EtcdClient();
  EtcdClient(const EtcdClient&) = delete;
  EtcdClient& operator=(const EtcdClient&) = delete;

  // Every key starting with `prefix` (every key when it is empty), in key
  // order. Thread safe; blocks.
  absl::StatusOr<RangeResult> RangePrefix(std::string_view prefix);
  // `key` alone: 0 or 1 kv. Thread safe; blocks.
  absl::StatusOr<RangeResult> Get(std::string_view key);
  // Sets `key` to `value`, attached to `lease` (0: none; NotFound when the
  // lease does not exist). Thread safe; blocks.
  absl::Status Put(std::string_view key, std::string_view value, int64_t lease = 0);
  // Deletes `key`; OK when it did not exist. Thread safe; blocks.
  absl::Status Delete(std::string_view key);

  // Grants a lease of `ttl` rounded up to whole seconds, at least 1 (etcd
  // may raise it to its minimum TTL); returns its ID. Thread safe; blocks.
  absl::StatusOr<int64_t> LeaseGrant(absl::Duration ttl);
  // Renews the lease once; returns its TTL in seconds from now. NotFound
  // when the lease no longer exists (expired or revoked). Thread safe;
  // blocks.
  absl::StatusOr<int64_t> LeaseKeepAlive(int64_t lease_id);
  // Revokes the lease, deleting its keys. NotFound when it does not exist.
  // Thread safe; blocks.
  absl::Status LeaseRevoke(int64_t lease_id);

  // Watches every key under `prefix` from `start_revision` (0: changes
  // after now). Blocks, calling `on_batch` on this thread for each watch
  // response that carries events (not for the "created" one nor for empty
  // progress ones); the batch is only valid during the call. Returns
  // Cancelled after Shutdown(); OutOfRange (the message includes etcd's
  // compact revision) when `start_revision` was compacted; Unavailable
  // when the connection fails or closes (etcd stopped); Aborted when etcd
  // cancels the watch for another reason; DataLoss / ResourceExhausted for
  // a stream it cannot read. Never returns OK. Thread safe; any number of
  // watches may run at once, each on its own connection.
  absl::Status WatchPrefix(std::string_view prefix, int64_t start_revision,
                           absl::FunctionRef<void(const WatchBatch&)> on_batch);

  // Makes every running call return Cancelled promptly (their waits wake
  // and their sockets close) and every later call return Cancelled at
  // once. Idempotent. Any thread.
  void Shutdown();
  // True once Shutdown() was called. Any thread.
  bool is_shut_down() const { return shut_down_.load(std::memory_order_acquire); }

  const EtcdClientOptions& options() const { return options_; }

 private:
  struct Endpoint;

  EtcdClient(EtcdClientOptions options, std::vector<Endpoint> endpoints, int cancel_fd);

  // Connects to the first endpoint that answers, from the last one that
  // did; `*endpoint` names it.
  absl::StatusOr<std::unique_ptr<internal::HttpConnection>> ConnectAny(std::string* endpoint);
  // POSTs `body` to `path`; the body of a 200 response, else an error.
  // `*endpoint` names the endpoint that answered.
  absl::StatusOr<std::string> Post(std::string_view path, const std::string& body,
                                   std::string* endpoint);
  // `status` of a request to `endpoint`, for the caller: Cancelled after
  // Shutdown, else the message prefixed with the endpoint and path.
  absl::Status Failed(std::string_view endpoint, std::string_view path,
                      const absl::Status& status) const;

  const EtcdClientOptions options_;
  const std::vector<Endpoint> endpoints_;
  // An eventfd, readable once Shutdown() was called; every wait polls it.
  const int cancel_fd_;
  std::atomic<bool> shut_down_{false};
  transport::Mutex mu_;
  // Index in endpoints_ of the endpoint that last answered.
  size_t preferred_endpoint_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace vireo::etcd

#endif  // VIREO_CORE_DISCOVERY_ETCD_CLIENT_H_
