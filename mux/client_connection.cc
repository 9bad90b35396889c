#include "vireo/mux/client_connection.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"
#include "vireo/codec/message.h"
#include "vireo/codec/ttheader.h"
#include "vireo/mux/pending_calls.h"
#include "vireo/transport/dialer.h"
#include "vireo/transport/internal/object_cache.h"
#include "vireo/transport/internal/reused_queue.h"
#include "vireo/transport/mutex.h"

namespace vireo::mux {
namespace {

using codec::IsHeaderFraming;

absl::string_view TypeName(codec::MessageType t) {
  switch (t) {
    case codec::MessageType::kCall:
      return "call";
    case codec::MessageType::kReply:
      return "reply";
    case codec::MessageType::kException:
      return "exception";
    case codec::MessageType::kOneway:
      return "oneway";
  }
  return "unknown";
}

constexpr absl::string_view kNotSentUrl = "type.vireo/call-not-sent";

}  // namespace

bool CallNotSent(const absl::Status& status) {
  return !status.ok() && status.GetPayload(kNotSentUrl).has_value();
}

void MarkNotSent(absl::Status& status) {
  if (!status.ok()) status.SetPayload(kNotSentUrl, absl::Cord());
}

// The connection's state. Call() and Close() run on any thread; everything
// else on the loop thread. Shared (not owned) by the handle so that work
// queued on the loop stays valid after the handle is gone.
class ClientConnection::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(transport::EventLoop* loop, const transport::InetAddress& address,
       const ClientConnectionOptions& options)
      : loop_(loop),
        address_(address),
        peer_(address.ToString()),
        options_(options),
        backoff_(options.min_backoff) {}

  // Any thread.
  void Call(OutgoingCall call, ReplyCallback done);
  // Any thread.
  void Close();

  // Stats, thread safe.
  std::atomic<size_t> in_flight_{0};
  std::atomic<bool> retiring_{false};
  std::atomic<bool> connected_{false};
  std::atomic<uint64_t> late_replies_{0};
  std::atomic<uint64_t> dials_{0};
  // The last sequence id drawn (before masking).
  std::atomic<uint32_t> next_seq_{0};

 private:
  // A call on its way from Call() to the socket. A two-way call's callback
  // waits in pending_ from Call() on; a oneway's travels here.
  struct Submission {
    uint32_t seq = 0;
    bool oneway = false;
    // The deadline timer is armed (two-way calls with a finite deadline).
    bool timer_armed = false;
    absl::Time deadline = absl::InfiniteFuture();
    // Deadline minus start, for the error message.
    absl::Duration timeout = absl::InfiniteDuration();
    transport::LinkBuffer frame;
    // Oneway only.
    ReplyCallback oneway_done;
    std::string oneway_method;
  };

  enum class State {
    kIdle,       // no socket; the next call dials (unless in back-off)
    kDialing,    // a connect is in progress; calls queue for it
    kConnected,  // conn_ is up
    kClosed,     // Close() ran
  };

  // ---- any thread ----
  uint32_t NextSeq();
  // Runs `done` with `status` on the loop, later; `admitted`: the call holds
  // a place under the fail-fast bound, to give back.
  void FailSoon(ReplyCallback done, absl::Status status, bool admitted);
  void Submit(Submission&& s);
  std::string CallPrefix(absl::string_view method, uint32_t seq) const {
    return absl::StrCat(peer_, " ", method, " seq ", seq, ": ");
  }
  std::string ConnSuffix(absl::string_view method, uint32_t seq) const {
    return absl::StrCat(" (", method, " seq ", seq, ")");
  }
  bool fail_fast_bound() const { return options_.max_in_flight > 0 && !options_.wait_when_full; }
  bool wait_bound() const { return options_.max_in_flight > 0 && options_.wait_when_full; }

  // ---- loop thread ----
  void SendSubmitted();
  std::vector<Submission> TakeSubmissions();
  void Admit(Submission&& s, bool* need_dial);
  // Arms the deadline timer of a two-way submission (once) and, when
  // `sending`, marks its entry sent. False when the call completed already.
  bool Prepare(Submission& s, bool sending);
  // Writes queued calls while connected and slots allow.
  void Pump();
  void StartDial();
  void OnDialed(uint64_t generation, absl::StatusOr<std::shared_ptr<transport::Connection>> r);
  void OnMessage(transport::Connection& c, transport::LinkBuffer& in);
  void HandleFrame(codec::Frame&& frame);
  void OnClosed(transport::Connection& c, const absl::Status& reason);
  void OnDeadline(uint32_t seq, absl::Duration timeout);
  // Closes the socket because a reply was malformed: every call fails INTERNAL.
  void FailConnection(std::string what);
  void CloseInLoop();
  // Removes the call's bookkeeping and runs its callback.
  void Complete(PendingCall&& call, absl::StatusOr<IncomingReply> result);
  void CompleteOneway(Submission&& s, absl::Status status);
  // Fails every waiting and queued call; `what` says why ("connection
  // closed by the server"), `code` how.
  void FailAll(absl::StatusCode code, absl::string_view what);
  // Fails one submission that never got sent.
  void FailSubmission(Submission&& s, absl::StatusCode code, absl::string_view what);
  // After a call completed: a slot may be free, a gone-away connection may close.
  void AfterCompletion();
  void MaybeCloseWhenGoneAway();

  transport::EventLoop* const loop_;
  const transport::InetAddress address_;
  const std::string peer_;
  const ClientConnectionOptions options_;

  PendingCalls pending_;
  std::atomic<bool> closed_{false};
  // Calls holding a place under the fail-fast bound.
  std::atomic<size_t> admitted_{0};

  transport::Mutex submit_mu_;
  std::vector<Submission> submit_ ABSL_GUARDED_BY(submit_mu_);
  // Loop thread: the other vector of SendSubmitted's pair, empty, with the
  // capacity it grew to.
  std::vector<Submission> spare_submissions_;
  bool send_scheduled_ ABSL_GUARDED_BY(submit_mu_) = false;

  // Loop thread only.
  State state_ = State::kIdle;
  std::shared_ptr<transport::Connection> conn_;
  std::optional<codec::FrameDecoder> decoder_;
  // Admitted calls not written yet (waiting for a connection or a slot), in order.
  transport::internal::ReusedQueue<Submission> queued_;
  // Two-way calls written and not completed (the wait_when_full slots).
  size_t sent_ = 0;
  uint64_t dial_generation_ = 0;
  absl::Duration backoff_;
  absl::Time backoff_until_ = absl::InfinitePast();
  // The server said it is going away (crrst).
  bool going_away_ = false;
  // Why FailConnection closed the socket (INTERNAL), for OnClosed.
  std::optional<std::string> malformed_;
};

// ---- Any thread ----

uint32_t ClientConnection::Impl::NextSeq() {
  for (;;) {
    const uint32_t n = next_seq_.fetch_add(1, std::memory_order_relaxed) + 1;
    // Message sequence ids are i32: stay positive, and skip 0. An id still
    // in use after a wrap-around (a call from the previous round that
    // waits on) is caught by PendingCalls::Insert, which draws again.
    const uint32_t seq = n & 0x7FFFFFFFu;
    if (seq != 0) return seq;
  }
}

void ClientConnection::Impl::FailSoon(ReplyCallback done, absl::Status status, bool admitted) {
  MarkNotSent(status);
  auto task = [self = shared_from_this(), done = std::move(done), status = std::move(status),
               admitted]() mutable {
    if (admitted && self->fail_fast_bound()) self->admitted_.fetch_sub(1);
    self->in_flight_.fetch_sub(1);
    std::move(done)(std::move(status));
  };
  // Never inside Call(): the caller may hold locks its callback takes.
  if (loop_->InLoopThread()) {
    loop_->RunAtIterationEnd(std::move(task));
  } else {
    loop_->Post(std::move(task));
  }
}

void ClientConnection::Impl::Call(OutgoingCall call, ReplyCallback done) {
  in_flight_.fetch_add(1);
  uint32_t seq = NextSeq();
  if (closed_.load(std::memory_order_acquire)) {
    FailSoon(std::move(done),
             absl::UnavailableError(absl::StrCat(peer_, ": connection closed by the client",
                                                 ConnSuffix(call.method, seq))),
             false);
    return;
  }
  if (fail_fast_bound()) {
    size_t n = admitted_.load();
    do {
      if (n >= options_.max_in_flight) {
        FailSoon(std::move(done),
                 absl::ResourceExhaustedError(
                     absl::StrCat(CallPrefix(call.method, seq), options_.max_in_flight,
                                  " calls in flight, the connection's bound (max_in_flight)")),
                 false);
        return;
      }
    } while (!admitted_.compare_exchange_weak(n, n + 1));
  }

  // The message header, then the caller's body linked behind it. A
  // two-way call takes its sequence id by entering its continuation in
  // pending_ under it; an id still taken (only after a wrap-around) draws
  // the next, and the header is written again.
  const bool oneway = call.type == codec::MessageType::kOneway;
  transport::LinkBuffer payload;
  PendingCall entry;
  entry.done = std::move(done);
  for (uint32_t attempt = seq;; attempt = NextSeq()) {
    codec::WithWriter(options_.protocol, payload, [&](auto& w) {
      w.WriteMessageBegin(call.method, call.type, static_cast<int32_t>(attempt));
    });
    seq = attempt;
    if (oneway) break;
    entry.method = std::move(call.method);
    if (pending_.Insert(seq, std::move(entry))) break;
    call.method = std::move(entry.method);
    payload = transport::LinkBuffer();
  }
  payload.Append(std::move(call.body));
  payload.Flush();

  codec::FrameHeader header;
  header.framing = options_.framing;
  header.protocol = options_.protocol;
  if (IsHeaderFraming(options_.framing)) {
    header.flags = options_.header_flags;
    header.seq_id = seq;
    header.headers = std::move(call.headers);
    if (options_.framing == codec::Framing::kTTHeader) {
      header.int_headers = std::move(call.int_headers);
    }
  }
  Submission s;
  s.seq = seq;
  s.oneway = oneway;
  s.timer_armed = s.oneway;
  s.deadline = call.deadline;
  if (call.deadline != absl::InfiniteFuture()) s.timeout = call.deadline - absl::Now();
  if (absl::Status st = codec::EncodeFrame(header, std::move(payload), s.frame); !st.ok()) {
    if (oneway) {
      FailSoon(std::move(entry.done),
               absl::InvalidArgumentError(absl::StrCat(CallPrefix(call.method, seq),
                                                       "cannot frame the call: ", st.message())),
               true);
    } else if (std::optional<PendingCall> taken = pending_.Take(seq)) {
      FailSoon(std::move(taken->done),
               absl::InvalidArgumentError(absl::StrCat(CallPrefix(taken->method, seq),
                                                       "cannot frame the call: ", st.message())),
               true);
    }
    return;
  }
  s.frame.Flush();
  if (oneway) {
    s.oneway_done = std::move(entry.done);
    s.oneway_method = std::move(call.method);
  }
  Submit(std::move(s));
}

void ClientConnection::Impl::Submit(Submission&& s) {
  bool schedule = false;
  {
    transport::MutexLock lock(submit_mu_);
    submit_.push_back(std::move(s));
    if (!send_scheduled_) {
      send_scheduled_ = true;
      schedule = true;
    }
  }
  if (!schedule) return;
  // One task sends every call submitted until it runs: calls from many
  // threads cost one wake-up and leave in one writev.
  auto task = [self = shared_from_this()] { self->SendSubmitted(); };
  if (loop_->InLoopThread()) {
    loop_->RunAtIterationEnd(std::move(task));
  } else {
    loop_->Post(std::move(task));
  }
}

void ClientConnection::Impl::Close() {
  if (closed_.exchange(true, std::memory_order_acq_rel)) return;
  retiring_.store(true);
  auto task = [self = shared_from_this()] { self->CloseInLoop(); };
  if (loop_->InLoopThread()) {
    loop_->RunAtIterationEnd(std::move(task));
  } else {
    loop_->Post(std::move(task));
  }
}

// ---- Loop thread ----

std::vector<ClientConnection::Impl::Submission> ClientConnection::Impl::TakeSubmissions() {
  std::vector<Submission> batch;
  transport::MutexLock lock(submit_mu_);
  batch.swap(submit_);
  return batch;
}

void ClientConnection::Impl::SendSubmitted() {
  VIREO_DCHECK_IN_LOOP(loop_);
  // Two vectors take turns as the submit queue and the batch, so neither
  // loses its capacity: no allocation per call once both have grown.
  std::vector<Submission> batch = std::move(spare_submissions_);
  batch.clear();
  {
    transport::MutexLock lock(submit_mu_);
    batch.swap(submit_);
    send_scheduled_ = false;
  }
  bool need_dial = false;
  for (Submission& s : batch) Admit(std::move(s), &need_dial);
  batch.clear();
  spare_submissions_ = std::move(batch);
  // Dial after the whole batch is queued: a dial may fail at once, and then
  // fails the batch together.
  if (need_dial && state_ == State::kIdle) StartDial();
  Pump();
  // Calls that stay queued wait with their deadlines running.
  // Those are the tail of the queue: every earlier one was armed by an
  // earlier SendSubmitted (oneways count as armed: they have no deadline timer).
  for (auto it = queued_.rbegin(); it != queued_.rend() && !it->timer_armed; ++it) {
    (void)Prepare(*it, false);
  }
}

void ClientConnection::Impl::Admit(Submission&& s, bool* need_dial) {
  if (closed_.load(std::memory_order_acquire)) {
    // Close() ran on another thread; CloseInLoop is on its way.
    FailSubmission(std::move(s), absl::StatusCode::kUnavailable, "connection closed by the client");
    return;
  }
  switch (state_) {
    case State::kClosed:
      FailSubmission(std::move(s), absl::StatusCode::kUnavailable,
                     "connection closed by the client");
      return;
    case State::kIdle:
      if (!*need_dial && absl::Now() < backoff_until_) {
        FailSubmission(
            std::move(s), absl::StatusCode::kUnavailable,
            absl::StrCat("not connected: in back-off after a failed connect, next dial in ",
                         absl::FormatDuration(
                             absl::Trunc(backoff_until_ - absl::Now(), absl::Milliseconds(1)))));
        return;
      }
      *need_dial = true;
      break;
    case State::kConnected:
      if (going_away_) {
        // The server said it is going away: nothing new goes onto this
        // socket. Not sent, so a retry (or a later call, which redials
        // once the socket has closed) is safe.
        FailSubmission(std::move(s), absl::StatusCode::kUnavailable,
                       "server is going away (crrst); call not sent");
        return;
      }
      break;
    case State::kDialing:
      break;
  }
  queued_.push_back(std::move(s));
}

bool ClientConnection::Impl::Prepare(Submission& s, bool sending) {
  transport::EventLoop::TimerId timer = 0;
  if (!s.timer_armed && s.deadline != absl::InfiniteFuture()) {
    timer = loop_->RunAfter(
        s.deadline - absl::Now(),
        transport::internal::Boxed([weak = weak_from_this(), seq = s.seq, timeout = s.timeout] {
          if (auto self = weak.lock()) self->OnDeadline(seq, timeout);
        }));
  }
  s.timer_armed = true;
  const bool alive = pending_.Update(s.seq, [&](PendingCall& c) {
    if (timer != 0) c.timer = timer;
    if (sending) c.sent = true;
  });
  if (!alive && timer != 0) loop_->Cancel(timer);
  return alive;
}

void ClientConnection::Impl::Pump() {
  VIREO_DCHECK_IN_LOOP(loop_);
  if (state_ != State::kConnected) return;
  bool wrote = false;
  std::vector<Submission> oneways;
  while (!queued_.empty()) {
    Submission& s = queued_.front();
    if (!s.oneway) {
      if (wait_bound() && sent_ >= options_.max_in_flight) break;
      if (!Prepare(s, true)) {
        // Completed while queued (its deadline passed): nothing to send.
        queued_.pop_front();
        continue;
      }
      ++sent_;
    }
    conn_->output().Append(std::move(s.frame));
    wrote = true;
    if (s.oneway) oneways.push_back(std::move(s));
    queued_.pop_front();
  }
  if (wrote) conn_->SendOutput();
  for (Submission& s : oneways) CompleteOneway(std::move(s), absl::OkStatus());
}

void ClientConnection::Impl::StartDial() {
  state_ = State::kDialing;
  dials_.fetch_add(1);
  const uint64_t generation = ++dial_generation_;
  transport::Dialer::Dial(loop_, address_, options_.connect_timeout, options_.connection,
                          [weak = weak_from_this(), generation](
                              absl::StatusOr<std::shared_ptr<transport::Connection>> r) mutable {
                            if (auto self = weak.lock()) {
                              self->OnDialed(generation, std::move(r));
                            } else if (r.ok()) {
                              (*r)->Close();
                            }
                          });
}

void ClientConnection::Impl::OnDialed(uint64_t generation,
                                      absl::StatusOr<std::shared_ptr<transport::Connection>> r) {
  if (generation != dial_generation_ || state_ != State::kDialing) {
    // Closed while dialing.
    if (r.ok()) (*r)->Close();
    return;
  }
  if (!r.ok()) {
    state_ = State::kIdle;
    backoff_until_ = absl::Now() + backoff_;
    const absl::Duration wait = backoff_;
    backoff_ = std::min(backoff_ * 2, options_.max_backoff);
    FailAll(absl::StatusCode::kUnavailable,
            absl::StrCat("connect failed: ", r.status().message(), "; next dial in ",
                         absl::FormatDuration(wait)));
    return;
  }
  backoff_ = options_.min_backoff;
  backoff_until_ = absl::InfinitePast();
  conn_ = std::move(*r);
  decoder_.emplace(options_.framing, options_.limits);
  malformed_.reset();
  going_away_ = false;
  state_ = State::kConnected;
  retiring_.store(false);
  connected_.store(true);
  std::weak_ptr<Impl> weak = weak_from_this();
  conn_->SetMessageCallback([weak](transport::Connection& c, transport::LinkBuffer& in) {
    if (auto self = weak.lock()) {
      self->OnMessage(c, in);
    } else {
      c.Close();
    }
  });
  conn_->SetCloseCallback([weak](transport::Connection& c, const absl::Status& reason) {
    if (auto self = weak.lock()) self->OnClosed(c, reason);
  });
  conn_->Start();
  Pump();
}

void ClientConnection::Impl::OnMessage(transport::Connection& c, transport::LinkBuffer& in) {
  VIREO_DCHECK_IN_LOOP(loop_);
  // Stop when the socket is replaced or closed, or Close() was called (the
  // calls still waiting then fail as Close() promises).
  while (&c == conn_.get() && !closed_.load(std::memory_order_acquire)) {
    absl::StatusOr<std::optional<codec::Frame>> f = decoder_->Decode(in);
    if (!f.ok()) {
      FailConnection(absl::StrCat("malformed ", std::string(codec::FramingName(options_.framing)),
                                  " reply frame: ", f.status().message()));
      return;
    }
    if (!f->has_value()) return;
    HandleFrame(std::move(**f));
  }
}

void ClientConnection::Impl::HandleFrame(codec::Frame&& frame) {
  if (frame.header.FindHeader(codec::kTTHeaderConnReset) != nullptr && !going_away_) {
    going_away_ = true;
    retiring_.store(true);
  }
  // A control frame: nothing to complete.
  if (frame.payload.Len() == 0 ||
      (IsHeaderFraming(frame.header.framing) && frame.header.seq_id == 0)) {
    MaybeCloseWhenGoneAway();
    return;
  }
  codec::MessageBegin m;
  if (absl::Status s = codec::ReadMessageBegin(frame.header.protocol, frame.payload, options_.limits, &m);
      !s.ok()) {
    FailConnection(absl::StrCat("malformed reply message header: ", s.message()));
    return;
  }
  if (m.type != codec::MessageType::kReply && m.type != codec::MessageType::kException) {
    FailConnection(absl::StrCat("a ", TypeName(m.type), " message (", m.name, " seq ", m.seq_id,
                                ") where a reply was expected"));
    return;
  }
  if (m.seq_id == 0) {
    MaybeCloseWhenGoneAway();
    return;
  }
  std::optional<PendingCall> call = pending_.Take(static_cast<uint32_t>(m.seq_id));
  if (!call) {
    late_replies_.fetch_add(1);
    return;
  }
  frame.payload.Release();
  IncomingReply reply;
  reply.header = std::move(frame.header);
  reply.type = m.type;
  reply.body = std::move(frame.payload);
  Complete(std::move(*call), std::move(reply));
  AfterCompletion();
}

void ClientConnection::Impl::FailConnection(std::string what) {
  if (!conn_) return;
  spdlog::warn("mux client {}: {}; closing the connection", peer_, what);
  malformed_ = what;
  // Runs OnClosed before it returns (we are on the loop).
  conn_->Close(absl::InternalError(absl::StrCat(peer_, ": ", what)));
}

void ClientConnection::Impl::OnClosed(transport::Connection& c, const absl::Status& reason) {
  VIREO_DCHECK_IN_LOOP(loop_);
  if (&c != conn_.get()) return;
  conn_.reset();
  state_ = State::kIdle;
  connected_.store(false);
  if (malformed_) {
    const std::string what = std::move(*malformed_);
    malformed_.reset();
    FailAll(absl::StatusCode::kInternal, what);
  } else if (reason.ok()) {
    FailAll(absl::StatusCode::kUnavailable, "connection closed by the server");
  } else {
    FailAll(absl::StatusCode::kUnavailable, absl::StrCat("connection reset: ", reason.message()));
  }
}

void ClientConnection::Impl::OnDeadline(uint32_t seq, absl::Duration timeout) {
  VIREO_DCHECK_IN_LOOP(loop_);
  std::optional<PendingCall> call = pending_.Take(seq);
  if (!call) return;
  call->timer = 0;  // it is running
  std::string what =
      absl::StrCat(CallPrefix(call->method, seq), "deadline exceeded after ",
                   absl::FormatDuration(absl::Trunc(timeout, absl::Milliseconds(1))));
  if (!call->sent) {
    absl::StrAppend(&what, state_ == State::kConnected
                               ? " (never sent: waiting for a free in-flight slot)"
                               : " (never sent: waiting for the connection)");
  }
  absl::Status status = absl::DeadlineExceededError(what);
  if (!call->sent) MarkNotSent(status);
  Complete(std::move(*call), std::move(status));
  AfterCompletion();
}

void ClientConnection::Impl::CloseInLoop() {
  VIREO_DCHECK_IN_LOOP(loop_);
  state_ = State::kClosed;
  ++dial_generation_;
  connected_.store(false);
  for (Submission& s : TakeSubmissions()) {
    FailSubmission(std::move(s), absl::StatusCode::kUnavailable, "connection closed by the client");
  }
  if (auto c = std::move(conn_)) c->Close();
  FailAll(absl::StatusCode::kUnavailable, "connection closed by the client");
}

void ClientConnection::Impl::Complete(PendingCall&& call, absl::StatusOr<IncomingReply> result) {
  VIREO_DCHECK_IN_LOOP(loop_);
  if (call.timer != 0) loop_->Cancel(call.timer);
  if (call.sent && sent_ > 0) --sent_;
  if (fail_fast_bound()) admitted_.fetch_sub(1);
  in_flight_.fetch_sub(1);
  std::move(call.done)(std::move(result));
}

void ClientConnection::Impl::CompleteOneway(Submission&& s, absl::Status status) {
  if (fail_fast_bound()) admitted_.fetch_sub(1);
  in_flight_.fetch_sub(1);
  ReplyCallback done = std::move(s.oneway_done);
  if (status.ok()) {
    std::move(done)(IncomingReply{});
  } else {
    std::move(done)(std::move(status));
  }
}

void ClientConnection::Impl::FailSubmission(Submission&& s, absl::StatusCode code,
                                            absl::string_view what) {
  if (s.oneway) {
    const std::string method = s.oneway_method;
    CompleteOneway(std::move(s),
                   absl::Status(code, absl::StrCat(peer_, ": ", what, ConnSuffix(method, s.seq))));
    return;
  }
  if (std::optional<PendingCall> call = pending_.Take(s.seq)) {
    std::string msg = absl::StrCat(peer_, ": ", what, ConnSuffix(call->method, s.seq));
    absl::Status status(code, msg);
    MarkNotSent(status);
    Complete(std::move(*call), std::move(status));
  }
}

void ClientConnection::Impl::FailAll(absl::StatusCode code, absl::string_view what) {
  VIREO_DCHECK_IN_LOOP(loop_);
  // Take everything first: callbacks may start new calls, which must not be
  // failed with this connection's error.
  std::vector<std::pair<uint32_t, PendingCall>> calls = pending_.TakeAll();
  std::vector<Submission> queued = queued_.TakeAll();
  sent_ = 0;
  for (auto& [seq, call] : calls) {
    const bool sent = call.sent;
    call.sent = false;
    std::string msg = absl::StrCat(peer_, ": ", what, ConnSuffix(call.method, seq));
    absl::Status status(code, msg);
    if (!sent) MarkNotSent(status);
    Complete(std::move(call), std::move(status));
  }
  for (Submission& s : queued) {
    if (s.oneway) FailSubmission(std::move(s), code, what);
  }
}

void ClientConnection::Impl::AfterCompletion() {
  if (wait_bound()) Pump();
  MaybeCloseWhenGoneAway();
}

void ClientConnection::Impl::MaybeCloseWhenGoneAway() {
  if (!going_away_ || state_ != State::kConnected || !queued_.empty() || pending_.size() != 0) {
    return;
  }
  // The server is going away and nothing waits on it: an orderly close
  // (OnClosed finds no call to fail).
  conn_->Close();
}

// ---- ClientConnection ----

std::shared_ptr<ClientConnection> ClientConnection::Create(transport::EventLoop* loop,
                                                           const transport::InetAddress& address,
                                                           const ClientConnectionOptions& options) {
  return std::shared_ptr<ClientConnection>(new ClientConnection(loop, address, options));
}

ClientConnection::ClientConnection(transport::EventLoop* loop,
                                   const transport::InetAddress& address,
                                   const ClientConnectionOptions& options)
    : loop_(loop), address_(address), impl_(std::make_shared<Impl>(loop, address, options)) {}

ClientConnection::~ClientConnection() { impl_->Close(); }

void ClientConnection::Call(OutgoingCall call, ReplyCallback done) {
  impl_->Call(std::move(call), std::move(done));
}

void ClientConnection::Close() { impl_->Close(); }

size_t ClientConnection::in_flight() const { return impl_->in_flight_.load(); }
bool ClientConnection::retiring() const { return impl_->retiring_.load(); }
bool ClientConnection::connected() const { return impl_->connected_.load(); }
uint64_t ClientConnection::late_replies() const { return impl_->late_replies_.load(); }
uint64_t ClientConnection::dials() const { return impl_->dials_.load(); }

void ClientConnection::SetNextSequenceIdForTesting(uint32_t seq) {
  impl_->next_seq_.store(seq - 1, std::memory_order_relaxed);
}

}  // namespace vireo::mux
