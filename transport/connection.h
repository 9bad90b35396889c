// Connection: one TCP connection owned by one EventLoop.
//
// Reads land in the input LinkBuffer (the read size starts at 8 KiB, doubles
// while reads fill it, up to a maximum, and halves again when they do not);
// the message callback consumes what it can and leaves the rest. Writes are
// queued in the output LinkBuffer and sent with one writev (sendmsg) at the
// end of the loop iteration, so everything queued in an iteration goes out
// together; a partial write waits for EPOLLOUT. Large writes may use
// MSG_ZEROCOPY: their blocks stay referenced until the kernel reports the
// send complete on the socket's error queue.
//
// On a loop with io_uring (EventLoop::EnableIoUring) the connection
// receives with one multishot receive into the loop's provided buffers
// (copied into the input LinkBuffer, the buffer given back at once) and
// sends with one sendmsg in flight at a time, prepared at the end of the
// iteration and submitted with the loop's wait; the read size options and
// MSG_ZEROCOPY do not apply there. Pausing cancels the receive: bytes it
// had already taken wait in the input buffer until reading resumes.
//
// Two bounds keep a misbehaving peer from holding the connection or its
// memory: `read_timeout` closes a connection whose incomplete message (bytes
// the message callback left unconsumed) stays incomplete too long, however
// slowly its bytes trickle in; `max_pending_output` stops reading while too
// much output waits for a peer that does not read, so the requests that
// would produce more of it stay in the kernel's buffers (and, once those
// fill, in the peer's).
//
// Example:
//   auto conn = Connection::Create(loop, fd, local, peer, {});
//   conn->SetMessageCallback([](Connection& c, LinkBuffer& in) {
//     LinkBuffer echo = *in.Slice(in.Len());
//     c.Send(std::move(echo));
//   });
//   conn->SetCloseCallback([](Connection& c, const absl::Status& why) { ... });
//   conn->Start();
//
// Lifetime: a started connection keeps itself alive until it is closed;
// after the close callback the loop drops that reference at the end of the
// iteration. Others hold std::shared_ptr<Connection> to reach it from any
// thread.
//
// Thread rules: each method says which threads may call it. Callbacks run in
// the loop thread, never under a lock; the close callback runs exactly once.
#ifndef VIREO_TRANSPORT_CONNECTION_H_
#define VIREO_TRANSPORT_CONNECTION_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string_view>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "vireo/transport/event_loop.h"
#include "vireo/transport/inet_address.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::transport {

class Connection : public EventHandler,
                   public CompletionHandler,
                   public std::enable_shared_from_this<Connection> {
 public:
  struct Options {
    // First read size; reads that fill it double it. Default: 8 KiB.
    size_t initial_read_size = 8 * 1024;
    // Largest read size. Default: 256 KiB.
    size_t max_read_size = 256 * 1024;
    // Close after this long with no bytes read or written. Default: 0 (never).
    absl::Duration idle_timeout = absl::ZeroDuration();
    // Close (DeadlineExceeded "read timeout") when a message is still
    // incomplete this long after its first byte arrived. A message is
    // incomplete while the message callback leaves bytes unconsumed; bytes
    // trickling in do not extend the time, so a peer sending a byte a second
    // cannot hold the connection. Time spent with reading paused does not
    // count: the clock restarts when reading resumes. Default: 0 (never).
    absl::Duration read_timeout = absl::ZeroDuration();
    // Stop reading while more than this many bytes of output are unsent
    // (the peer does not read what it asked for), and read again once the
    // unsent output is down to half of it. Output already queued is still
    // sent; nothing is dropped. Default: 0 (no limit).
    size_t max_pending_output = 0;
    // Send writes of at least zerocopy_threshold bytes with MSG_ZEROCOPY.
    // Default: off (zero-copy costs more than it saves on small writes).
    bool zerocopy = false;
    // Smallest write sent with MSG_ZEROCOPY. Default: 64 KiB.
    size_t zerocopy_threshold = 64 * 1024;
    // How long a closed connection waits for outstanding zero-copy
    // completions before it closes the socket anyway. Default: 2 s.
    absl::Duration zerocopy_linger = absl::Seconds(2);
  };

  // Called with the input buffer after bytes arrive; consume what forms
  // complete messages and leave the rest for the next call.
  using MessageCallback = absl::AnyInvocable<void(Connection&, LinkBuffer&)>;
  // Called once when the connection closes: OK for an orderly close (by
  // either side), an error saying what failed otherwise.
  using CloseCallback = absl::AnyInvocable<void(Connection&, const absl::Status&)>;
  // Called once when the peer half-closes (its FIN is read), after the
  // message callback has been offered every byte sent before it.
  using PeerClosedCallback = absl::AnyInvocable<void(Connection&)>;

  // Takes ownership of connected, non-blocking `fd`. Any thread.
  static std::shared_ptr<Connection> Create(EventLoop* loop, int fd, const InetAddress& local,
                                            const InetAddress& peer, const Options& options);
  ~Connection() override;

  // Before Start() only.
  void SetMessageCallback(MessageCallback cb) { on_message_ = std::move(cb); }
  void SetCloseCallback(CloseCallback cb) { on_close_ = std::move(cb); }
  // Without one, the peer's FIN closes the connection once the output
  // queued by then is sent: a reply produced later is lost. With one, the
  // connection stays open for writing and the callback's owner closes it
  // when it has answered (Shutdown() sends what is queued, then closes).
  void SetPeerClosedCallback(PeerClosedCallback cb) { on_peer_closed_ = std::move(cb); }
  // What the owner attaches to the connection (muduo's context): its
  // protocol state, say, found again from the connection in callbacks. Kept
  // until the close callback has run, then dropped (so it may hold the
  // connection). Set before Start(); read in the loop thread.
  void set_context(std::shared_ptr<void> context) { context_ = std::move(context); }
  const std::shared_ptr<void>& context() const { return context_; }

  // Registers with the loop and begins reading. Any thread; posts to the loop.
  void Start();

  // Queues `data` (linked, no copy) and sends it at the end of this loop
  // iteration. Any thread; from another thread it posts to the loop.
  // Dropped when the connection is closed or shutting down.
  void Send(LinkBuffer&& data);
  // Copies `data` and sends it as above. Any thread.
  void Send(std::string_view data);

  // The output buffer, to encode into in place; call SendOutput() after.
  // Loop thread only.
  LinkBuffer& output() {
    VIREO_DCHECK_IN_LOOP(loop_);
    return output_;
  }
  // Publishes what was written into output() and schedules the write.
  // Loop thread only.
  void SendOutput();

  // Sends what is queued, then half-closes (FIN); the connection closes when
  // the peer closes its side. Any thread; posts to the loop.
  void Shutdown();
  // Closes now, dropping unsent output; `reason` reaches the close callback.
  // Idempotent. Any thread; posts to the loop.
  void Close(absl::Status reason = absl::OkStatus());

  // Stops reading: the socket stays registered for writes and errors, and
  // what the peer sends waits in the kernel. Independent of the pause that
  // max_pending_output makes: reading resumes only when neither holds it.
  // Loop thread only.
  void PauseReading();
  // Ends a PauseReading(). Bytes the message callback left in the input
  // buffer are offered to it again at the end of this iteration (no new
  // byte may arrive to do so). Loop thread only.
  void ResumeReading();
  // True while reading is paused, by PauseReading() or by
  // max_pending_output. Loop thread only.
  bool reading_paused() const {
    VIREO_DCHECK_IN_LOOP(loop_);
    return paused_by_user_ || paused_by_output_;
  }
  // Bytes queued and not yet written. Loop thread only.
  size_t pending_output() const {
    VIREO_DCHECK_IN_LOOP(loop_);
    return output_.Len();
  }

  EventLoop* loop() const { return loop_; }
  int fd() const { return fd_; }
  const InetAddress& local_address() const { return local_; }
  const InetAddress& peer_address() const { return peer_; }
  // True once Close() ran. Loop thread only.
  bool closed() const {
    VIREO_DCHECK_IN_LOOP(loop_);
    return closed_;
  }
  // True once the peer's FIN was read. Loop thread only.
  bool peer_closed() const {
    VIREO_DCHECK_IN_LOOP(loop_);
    return peer_closed_;
  }
  // Current read size (for tests). Loop thread only.
  size_t read_size() const {
    VIREO_DCHECK_IN_LOOP(loop_);
    return read_size_;
  }
  // sendmsg calls made so far (for tests). Loop thread only.
  uint64_t write_calls() const {
    VIREO_DCHECK_IN_LOOP(loop_);
    return write_calls_;
  }
  // Zero-copy sends not yet completed by the kernel (for tests). Loop thread only.
  size_t zerocopy_pending() const {
    VIREO_DCHECK_IN_LOOP(loop_);
    return zerocopy_pending_.size();
  }

  // True when reads and writes go through the loop's io_uring. Loop thread only.
  bool uses_io_uring() const { return uring_ != nullptr; }

  // EventHandler. Loop thread only.
  void HandleEvents(uint32_t events) override;
  // CompletionHandler. Loop thread only (AbandonCompletions: the thread
  // destroying the loop).
  void HandleCompletion(unsigned op, int32_t res, uint32_t flags) override;
  void AbandonCompletions() override;

 private:
  struct ZeroCopySend {
    uint32_t id;
    LinkBuffer bytes;
  };

  Connection(EventLoop* loop, int fd, const InetAddress& local, const InetAddress& peer,
             const Options& options);
  void StartInLoop();
  void SendInLoop(LinkBuffer&& data);
  void ScheduleWrite();
  void HandleRead();
  // What follows a read (of either kind): offers the input, tracks the
  // read timeout, and handles the end of the stream.
  void AfterRead(size_t buffered_before, bool eof);
  // Offers the input to the message callback; sets `*consumed` when it
  // took bytes. False when the connection closed meanwhile.
  bool DeliverInput(bool* consumed);
  // Offers the buffered input again at the end of this iteration.
  void RedeliverInput();
  void HandleWrite();
  // What follows writing (of either kind): resumes reading paused by
  // max_pending_output, half-closes or closes once a requested shutdown
  // has sent everything.
  void AfterWrite();
  // io_uring: the receive, the send and the count of operations in flight.
  struct UringState;
  enum UringOp : unsigned { kRecvOp = 1, kSendOp = 2 };
  // The user_data of operation `op` of this connection.
  uint64_t UringTag(UringOp op) const;
  void ArmReceive();
  void SubmitSend();
  void OnReceived(int32_t res, uint32_t flags);
  void OnSent(int32_t res);
  void OperationStarted();
  void OperationEnded();
  void HandleError();
  void DrainErrorQueue();
  void UpdateEvents();
  void ArmIdleTimer(absl::Duration after);
  // read_timeout: after the message callback, notes whether an incomplete
  // message is buffered and since when (`began_now`: its first byte came
  // in this read).
  void TrackIncompleteMessage(bool began_now);
  void ArmReadTimer(absl::Duration after);
  void CancelReadTimer();
  // Applies the pause flags to the wanted events.
  void UpdateReadInterest();
  void CloseInLoop(absl::Status reason);
  void FinishClose();
  void Touch();

  EventLoop* const loop_;
  const int fd_;
  const InetAddress local_;
  const InetAddress peer_;
  const Options options_;

  MessageCallback on_message_;
  CloseCallback on_close_;
  PeerClosedCallback on_peer_closed_;
  std::shared_ptr<void> context_;
  std::shared_ptr<Connection> self_;  // set while started and not finished

  LinkBuffer input_;
  LinkBuffer output_;
  size_t read_size_;
  uint32_t events_ = 0;             // wanted
  uint32_t registered_events_ = 0;  // in epoll
  bool started_ = false;
  bool closed_ = false;
  bool finished_ = false;
  bool write_scheduled_ = false;
  bool redeliver_scheduled_ = false;
  bool shutdown_requested_ = false;
  bool write_shut_ = false;
  bool peer_closed_ = false;
  bool paused_by_user_ = false;
  bool paused_by_output_ = false;
  bool zerocopy_enabled_ = false;
  uint32_t zerocopy_next_id_ = 0;
  uint64_t write_calls_ = 0;
  std::deque<ZeroCopySend> zerocopy_pending_;
  std::unique_ptr<UringState> uring_;  // set when started on an io_uring loop
  EventLoop::TimerId idle_timer_ = 0;
  EventLoop::TimerId linger_timer_ = 0;
  EventLoop::TimerId read_timer_ = 0;
  int64_t last_active_ns_ = 0;
  // When the first byte of the buffered incomplete message arrived (or
  // reading last resumed); 0 when none is buffered.
  int64_t message_since_ns_ = 0;
};

}  // namespace vireo::transport

#endif  // VIREO_TRANSPORT_CONNECTION_H_
