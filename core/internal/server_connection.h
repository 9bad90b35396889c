// ServerConnection: one accepted connection of a vireo::Server, from its
// first bytes to its close.
//
// It detects the framing and protocol from the first bytes
// (codec::Detect), then decodes every complete frame already buffered and
// dispatches each as a call without waiting for earlier calls to finish.
// Each call is routed (internal::Router), runs its invoker through the
// middleware chain, on the loop or on a worker, and may finish on any
// thread; its completion hops back to this connection's loop, where the
// reply is encoded and queued. Header framings (THeader, TTHeader) send
// replies as they finish; Framed and Buffered connections hold finished
// replies until every earlier one has been sent, since their clients match
// replies by order. Replies held back that way count against
// ServerOptions::max_pending_output as queued output does: past it the
// connection stops reading until they are down to half.
//
// Bytes that are not a Thrift client, a malformed or oversized frame, a
// message header that cannot be read, and arguments that cannot be decoded
// close the connection with a logged reason (spdlog warn, naming the
// peer); the last after replying with PROTOCOL_ERROR. So does a frame left
// unfinished: the peer's FIN or reset, or the transport's read timeout
// (ServerOptions::read_timeout), in the middle of it. A connection the
// idle timeout closes gets an info line.
//
// Nothing received is dropped at the edges. The peer's FIN (a client that
// half-closes after its requests) stops reading, not answering: the
// requests already received are answered, then the connection closes (or
// at the latest deadline among them, when each has one). Server::Stop()
// answers the calls in flight and refuses requests that arrive after it
// began with TApplicationException LOADSHEDDING ("server is shutting
// down"), then closes once nothing is in flight. At most
// ServerOptions::max_calls_per_connection calls run at once: past it the
// connection stops decoding and reading until one finishes.
//
// Example (what the server does on accept):
//   auto sc = std::make_shared<ServerConnection>(core, conn);
//   sc->Attach();       // the connection's context and callbacks
//   ...                 // its owner's close callback: sc->OnClosed(reason)
//   ...
//   sc->BeginStop();    // Stop(): crrst notice; close once calls are done
//
// Lifetime: the transport connection's callbacks and every call in flight
// hold a std::shared_ptr to it, so a call that finishes after the close
// finds it (closed) rather than freed memory.
//
// Thread rules: every method runs in the connection's loop thread, except
// CompleteCall, which any thread may call.
#ifndef VIREO_CORE_INTERNAL_SERVER_CONNECTION_H_
#define VIREO_CORE_INTERNAL_SERVER_CONNECTION_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "vireo/codec/frame.h"
#include "vireo/core/biz_status.h"
#include "vireo/transport/internal/object_cache.h"
#include "vireo/core/internal/server_core.h"
#include "vireo/core/service.h"
#include "vireo/transport/connection.h"
#include "vireo/transport/internal/reused_queue.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::internal {

class ServerConnection;

// One call from dispatch to reply. Owned by whoever runs it: the
// connection, then the invoker's detached task, then the loop again.
struct ServerCallRecord {
  // Counts the call in the connection's ServerCore.
  explicit ServerCallRecord(std::shared_ptr<ServerConnection> connection);
  // Ends the call's count (whether it was answered or not).
  ~ServerCallRecord();

  // One per call, made and (after the reply) ended on the connection's loop
  // thread: from that thread's block cache, not malloc.
  static void* operator new(std::size_t size) { return transport::internal::CachedAlloc(size); }
  static void operator delete(void* p, std::size_t size) noexcept {
    transport::internal::CachedFree(p, size);
  }

  ServerCore& core() const;

  // Keeps the connection, and through it the ServerCore, alive.
  std::shared_ptr<ServerConnection> conn;
  ServerCall call;
  Router::Route route;
  // The reply frame's header: the request frame's framing, protocol,
  // flags, sequence id and transforms.
  codec::FrameHeader reply_header;
  // The message's name and sequence id, for the reply's message header.
  std::string name;
  int32_t seq_id = 0;
  bool oneway = false;
  // Framed/Buffered: this call's place in the reply order.
  uint64_t order = 0;
  // Set when routing failed, or a limit refused the call: the exception to
  // answer with.
  std::optional<codec::TApplicationException> early_error;
  // The per-method in-flight counter the call holds (ServerLimits).
  std::atomic<int64_t>* method_slot = nullptr;
  // With a tracer or metrics: when the frame was decoded, and its
  // payload's bytes.
  absl::Time start;
  size_t request_bytes = 0;
  // Where the call's outcome is counted (the route's, or the unknown
  // method's); null without metrics. With metrics: when its frame's bytes
  // came in (EventLoop::iteration_start_ns, steady clock).
  CallMetrics* metrics = nullptr;
  int64_t start_ns = 0;

  // What the invoker did: set by the innermost step of the chain.
  bool invoker_returned = false;
  absl::Status invoker_status;
  // The what() of an exception that escaped the invoker or a middleware.
  std::optional<std::string> escaped;
  // The business outcome the call failed with: a BizError the handler (or
  // a middleware) threw, or a status carrying one (BizStatusToStatus) that
  // the chain returned without a reply. Header framings answer it as an
  // empty REPLY with the biz-* headers; the others as INTERNAL_ERROR.
  std::optional<BizStatus> biz;
  // What the chain returned.
  absl::Status status;
};

class ServerConnection : public std::enable_shared_from_this<ServerConnection> {
 public:
  // `admin_only`: a connection of ServerOptions::admin_address, which
  // speaks HTTP alone and is not listed or counted with the others.
  ServerConnection(std::shared_ptr<ServerCore> core, std::shared_ptr<transport::Connection> conn,
                   bool admin_only = false);
  ~ServerConnection();
  ServerConnection(const ServerConnection&) = delete;
  ServerConnection& operator=(const ServerConnection&) = delete;

  // Becomes the connection's context and installs its message and
  // peer-closed callbacks; before the connection starts. The owner of the
  // connection's close callback (transport::TcpServer's) calls OnClosed.
  void Attach();
  // The connection closed (once, in the loop thread).
  void OnClosed(const absl::Status& reason);

  // Server shutdown: sends the crrst notice (TTHeader), marks later
  // TTHeader replies with crrst = 1, refuses new requests (LOADSHEDDING),
  // and closes the connection as soon as no call is in flight on it and its
  // output has been written.
  void BeginStop();
  // Closes now, dropping unsent replies.
  void ForceClose(const absl::Status& reason);

  // Called by a finished call, on any thread: hops to the loop (unless the
  // loops are gone, then drops the call) and sends the reply.
  static void CompleteCall(std::unique_ptr<ServerCallRecord> record);

  transport::Connection& connection() { return *conn_; }
  ServerCore& core() const { return *core_; }
  bool closed() const { return phase_ == Phase::kClosed; }

  // What /connections shows. Any thread.
  struct Snapshot {
    transport::InetAddress peer;
    // "THeader", ..., "HTTP" (an admin request), "" while undetected.
    std::string_view framing;
    // The protocol of the last request ("" before the first).
    std::string_view protocol;
    absl::Duration age;
    // Since a byte was last read or a reply last finished.
    absl::Duration idle;
    int64_t calls_in_flight = 0;
    uint64_t bytes_in = 0;
    uint64_t bytes_out = 0;
  };
  Snapshot snapshot() const;

 private:
  // Where the connection is in its life. Each phase allows less than the
  // one before, and the connection only moves forward (Advance).
  enum class Phase {
    kServing,    // reading and dispatching every request
    kStopping,   // Server::Stop(): reading; calls in flight are answered,
                 // new requests refused; closes once none is in flight
    kFinishing,  // no request will be read again (the peer's FIN, or
                 // arguments we could not decode); closes once none is in
                 // flight
    kClosing,    // FIN queued behind the last reply; closes once written
    kClosed,
  };

  void Advance(Phase to) {
    if (to > phase_) phase_ = to;
  }
  void OnMessage(transport::LinkBuffer& in);
  void OnPeerClosed();
  void Dispatch(codec::Frame frame);
  void StartCall(std::unique_ptr<ServerCallRecord> record);
  // Loop thread: encodes and queues the reply of a finished call.
  void FinishCall(std::unique_ptr<ServerCallRecord> record);
  // Hands the finished call's span to the server's tracer.
  void ReportSpan(ServerCallRecord& record, size_t reply_bytes);
  // Encodes the reply frame of `record` (nothing for oneway) into `out`.
  void EncodeReply(ServerCallRecord& record, transport::LinkBuffer& out);
  // Framed/Buffered: queues `bytes` as reply number `order` and sends every
  // reply whose predecessors have all been sent.
  void QueueOrdered(uint64_t order, transport::LinkBuffer bytes);
  // Pauses reading while the held replies exceed max_pending_output (until
  // they are down to half of it), or while max_calls_per_connection calls
  // are in flight; resumes otherwise.
  void UpdateReading();
  bool AtCallLimit() const;
  // Closes with a logged reason and counts it as bad input.
  void CloseBadInput(ServerCore::BadInput why, const absl::Status& reason);
  // Once no call is in flight: half-closes after the queued output and
  // closes at the end of the iteration when it has all been written.
  void MaybeCloseWhenDone();
  void SendConnResetNotice();
  // Whether this client may read the admin pages (ServerOptions::admin).
  bool AdminAllowed() const;
  // An HTTP admin request: answers once its headers are in, then closes.
  void OnHttp(transport::LinkBuffer& in);
  // Loop thread: writes the response and closes once it is sent.
  void SendHttpResponse(const std::string& response);
  // Records the finished call in its metrics, at the end of this loop
  // iteration (when its reply is written).
  void CountCall(ServerCallRecord& record, size_t reply_bytes);
  // Marks the connection active now: its loop's iteration time, no clock
  // read.
  void Touch() {
    last_active_ns_.store(conn_->loop()->iteration_start_ns(), std::memory_order_relaxed);
  }

  const std::shared_ptr<ServerCore> core_;
  const std::shared_ptr<transport::Connection> conn_;
  const bool admin_only_;
  // Speaking HTTP to the admin pages; a page is being rendered off the loop.
  bool http_ = false;
  bool http_pending_ = false;
  // For snapshot(), written in the loop thread: the framing (-1 none yet,
  // -2 HTTP) and last protocol (-1 none yet), times (steady clock, ns) and byte counts.
  const int64_t opened_ns_ = transport::EventLoop::NowNs();
  std::atomic<int> framing_seen_{-1};
  std::atomic<int> protocol_seen_{-1};
  std::atomic<int64_t> last_active_ns_{opened_ns_};
  std::atomic<int64_t> calls_in_flight_seen_{0};
  std::atomic<uint64_t> bytes_in_{0};
  std::atomic<uint64_t> bytes_out_{0};
  // Input bytes left in the buffer at the end of the last read.
  size_t input_left_ = 0;
  // Counted as bad input already (the close's reason then says so).
  bool bad_input_ = false;
  // The client's FIN came before we began to close.
  bool peer_closed_ = false;

  std::optional<codec::FrameDecoder> decoder_;
  codec::Framing framing_ = codec::Framing::kFramed;
  // Framed and Buffered: replies go out in request order.
  bool ordered_ = false;
  Phase phase_ = Phase::kServing;
  // Bytes of an incomplete frame were buffered at the last read.
  bool partial_frame_ = false;
  int64_t calls_in_flight_ = 0;
  // The latest deadline among the calls in flight (InfiniteFuture when one
  // has none): after the peer's FIN, the connection waits no longer.
  absl::Time calls_deadline_ = absl::InfinitePast();

  // Reply order (Framed/Buffered). `next_order_` numbers requests that
  // expect a reply; `held_` holds finished replies from `sent_order_` on,
  // a null slot for one still running.
  uint64_t next_order_ = 0;
  uint64_t sent_order_ = 0;
  transport::internal::ReusedQueue<std::optional<transport::LinkBuffer>> held_;
  // Bytes of the replies in `held_`.
  size_t held_bytes_ = 0;
  // They went over max_pending_output and are not yet down to half.
  bool held_over_limit_ = false;
};

}  // namespace vireo::internal

#endif  // VIREO_CORE_INTERNAL_SERVER_CONNECTION_H_
