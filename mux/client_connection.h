// ClientConnection: the client side of one TCP connection to one address,
// carrying many calls at once.
//
// Any thread starts a call with Call(): the connection gives it a sequence
// id (1, 2, ... 2^31-1, then 1 again; 0 is kept for control frames, and an
// id a call of the previous round still waits on is skipped),
// writes the message header and the frame around the caller's encoded
// arguments, and queues the frame on the loop, where everything queued in
// one loop turn leaves in one writev. The call's continuation waits in a
// PendingCalls map (mux/pending_calls.h) until the reply with its sequence
// id arrives (replies may come in any order), its deadline passes (a loop
// timer removes it; a reply arriving later is dropped and counted), or the
// connection fails (every waiting call fails at once with UNAVAILABLE
// naming the peer). Each continuation runs exactly once.
//
// The connection dials lazily on the first call and redials on the first
// call after a failure; failed dials back off exponentially (min_backoff
// doubling to max_backoff), and calls made during a back-off fail fast
// with UNAVAILABLE saying when the next attempt is.
//
// A bound on calls in flight (max_in_flight): when it is reached a new call
// either fails fast with RESOURCE_EXHAUSTED or waits in a queue (in order)
// until a slot frees or its deadline passes.
//
// Sequence ids: with header framings (THeader, TTHeader) the frame's and the
// message's sequence ids are both set to the call's; with Framed and
// Buffered the message's. Replies are matched on the message's sequence id
// (any Thrift server echoes it). A frame with sequence id 0 and no payload
// is a control frame: one carrying the TTHeader string header "crrst" (a
// server going away; also honoured on a reply frame) retires the
// connection -- calls in flight finish, new calls should go elsewhere
// (retiring() turns true), a call that reaches it anyway fails with
// UNAVAILABLE "server is going away (crrst); call not sent" without being
// sent, and the socket closes when the last call completes; a call after
// that dials a new one.
//
// Example:
//   auto conn = ClientConnection::Create(loop, *InetAddress::Parse("127.0.0.1:9090"), {});
//   OutgoingCall call;
//   call.method = "echo";
//   call.body = ...;                          // the encoded args struct
//   call.deadline = absl::Now() + absl::Seconds(1);
//   conn->Call(std::move(call), [](absl::StatusOr<IncomingReply> r) { ... });
//
// Errors name the peer; those of one call also its method and sequence id:
//   "<peer> <method> seq <n>: deadline exceeded after <d>" (per call), and
//   "<peer>: connection closed by the server (<method> seq <n>)" (the
//   connection's fate, told to each call it takes down).
//
// Thread rules: Call, Close and the accessors are thread safe; callbacks run
// in the loop thread, never under a lock, and never inside Call() or Close()
// (a call that fails at once still completes later, on the loop).
//
// Lifetime: the object the user holds is a handle. Destroying it (on any
// thread, also inside one of its own callbacks on the loop thread) closes
// the connection as Close() does and returns without waiting for the loop:
// the state the loop still needs is shared with the tasks and timers queued
// there (timers and socket callbacks hold it weakly), so nothing reaches
// freed memory, and every waiting call still completes, with UNAVAILABLE.
// Those completions run on the loop, so keep it running until they have
// (after Close(), in_flight() reaches 0; after destruction, count the
// callbacks): a stopped loop drops its tasks, destroying their callbacks
// without running them.
#ifndef VIREO_MUX_CLIENT_CONNECTION_H_
#define VIREO_MUX_CLIENT_CONNECTION_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vireo/codec/frame.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/transport/connection.h"
#include "vireo/transport/event_loop.h"
#include "vireo/transport/inet_address.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::mux {

struct ClientConnectionOptions {
  // How frames are delimited. Default: THeader.
  codec::Framing framing = codec::Framing::kTHeader;
  // Protocol of the messages. Default: Binary.
  codec::ProtocolId protocol = codec::ProtocolId::kBinary;
  // Time allowed for the TCP connect. Default: 1 s.
  absl::Duration connect_timeout = absl::Seconds(1);
  // Bounds on replies (frame size, strings, containers, depth). Default: Limits().
  codec::Limits limits;
  // Calls in flight at once. Default: 0 = no bound.
  size_t max_in_flight = 0;
  // At the bound: true = queue the call until a slot frees (or its deadline
  // passes); false = fail it at once with RESOURCE_EXHAUSTED. Default: false.
  bool wait_when_full = false;
  // First and largest wait between failed dials. Default: 10 ms, 1 s.
  absl::Duration min_backoff = absl::Milliseconds(10);
  absl::Duration max_backoff = absl::Seconds(1);
  // Header flags sent on header framings. Default: kFlagSupportOutOfOrder.
  uint16_t header_flags = codec::kFlagSupportOutOfOrder;
  // Socket options (idle timeout, read sizes).
  transport::Connection::Options connection;
};

// A call to send. `method` and `body` are taken over.
struct OutgoingCall {
  // Method name as it goes in the message header (e.g. "echo", or
  // "EchoService:echo" for Apache's TMultiplexedProtocol).
  std::string method;
  // kCall, or kOneway (completes once the frame is queued; no reply).
  codec::MessageType type = codec::MessageType::kCall;
  // The encoded argument struct, flushed, in the connection's protocol.
  transport::LinkBuffer body;
  // Header key/values (header framings only; dropped on Framed/Buffered).
  codec::StringHeaders headers;
  codec::IntHeaders int_headers;  // TTHeader only
  // When to give up waiting. InfiniteFuture(): never.
  absl::Time deadline = absl::InfiniteFuture();
};

// A reply, matched to its call.
struct IncomingReply {
  // The reply frame's header (framing, protocol, string/int key/values).
  codec::FrameHeader header;
  // kReply or kException.
  codec::MessageType type = codec::MessageType::kReply;
  // The message body after its header: the result struct, or a
  // TApplicationException when type is kException. Empty for oneway.
  transport::LinkBuffer body;
};

// Runs exactly once, on the loop thread: the reply, or
// DEADLINE_EXCEEDED, UNAVAILABLE (connect failed, reset, closed, back-off),
// RESOURCE_EXHAUSTED (in-flight bound), INTERNAL (a reply that does not
// parse -- the connection is then closed, failing every other call too).
// Error messages name the peer, the method and the sequence id.
using ReplyCallback = absl::AnyInvocable<void(absl::StatusOr<IncomingReply>) &&>;

// Whether a call's error proves that no server received the call (it was
// never written to a socket: the connect failed, the connection was in
// back-off or going away, the in-flight bound was full, its deadline passed
// while it waited), so trying it again elsewhere cannot run it twice. The
// mark is a payload on the Status; MarkNotSent adds it.
bool CallNotSent(const absl::Status& status);
void MarkNotSent(absl::Status& status);

class ClientConnection : public std::enable_shared_from_this<ClientConnection> {
 public:
  // Does not dial yet. `loop` must outlive the connection. Any thread.
  static std::shared_ptr<ClientConnection> Create(transport::EventLoop* loop,
                                                  const transport::InetAddress& address,
                                                  const ClientConnectionOptions& options);
  ~ClientConnection();

  // Starts a call. Any thread.
  void Call(OutgoingCall call, ReplyCallback done);

  // Fails every waiting call with UNAVAILABLE "<peer>: connection closed by
  // the client" and closes the socket; later calls fail the same way.
  // Idempotent. Any thread.
  void Close();

  const transport::InetAddress& address() const { return address_; }
  transport::EventLoop* loop() const { return loop_; }

  // Calls started and not yet completed (queued ones included). Thread safe.
  size_t in_flight() const;
  // True once the server announced it is going away (crrst), or after
  // Close(): new calls should use another connection. Thread safe.
  bool retiring() const;
  // True while a socket is connected. Thread safe.
  bool connected() const;
  // Replies that arrived after their call had completed (deadline, error).
  // Thread safe.
  uint64_t late_replies() const;
  // TCP connects attempted so far (for tests). Thread safe.
  uint64_t dials() const;
  // Makes `seq` the next sequence id drawn (for tests of the wrap-around).
  // Thread safe.
  void SetNextSequenceIdForTesting(uint32_t seq);

 private:
  ClientConnection(transport::EventLoop* loop, const transport::InetAddress& address,
                   const ClientConnectionOptions& options);
  class Impl;
  transport::EventLoop* const loop_;
  const transport::InetAddress address_;
  // Shared with the tasks queued on the loop, which may outlive this handle.
  std::shared_ptr<Impl> impl_;
};

}  // namespace vireo::mux

#endif  // VIREO_MUX_CLIENT_CONNECTION_H_
