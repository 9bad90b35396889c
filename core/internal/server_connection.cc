#include "vireo/core/internal/server_connection.h"

#include <algorithm>
#include <exception>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "spdlog/spdlog.h"
#include "vireo/codec/detect.h"
#include "vireo/codec/message.h"
#include "vireo/codec/ttheader.h"
#include "vireo/core/internal/admin.h"
#include "vireo/core/internal/str_cat.h"

namespace vireo::internal {

namespace {

// The call's span: a child of the caller's (traceparent, or Kitex's
// RPC_TRANSIT_traceparent), else the root of a new trace.
TraceContext ServerSpan(const Metadata& headers) {
  const std::string* parent = nullptr;
  const std::string* state = nullptr;
  for (const auto& [k, v] : headers.strings()) {
    if (k == kTraceparentHeader || k == kKitexTraceparentHeader) parent = &v;
    if (k == kTracestateHeader || k == kKitexTracestateHeader) state = &v;
  }
  std::optional<TraceContext> in;
  if (parent != nullptr) in = TraceContext::Parse(*parent);
  if (!in) return TraceContext::NewRoot();
  if (state != nullptr && state->size() <= kMaxTracestateSize) in->tracestate = *state;
  return in->Child();
}


using codec::TApplicationException;

// Adds to a counter only the loop thread writes (others read it): a load
// and a store, no locked instruction on the call path.
void AddOwned(std::atomic<uint64_t>& counter, uint64_t n) {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

std::string_view StatusMessage(const absl::Status& s) {
  return std::string_view(s.message().data(), s.message().size());
}

// Records the biz status `status` carries when the call has no reply yet;
// true if it carries one. The last one the chain returns wins, so a
// middleware may rewrite a handler's biz status into another.
bool TakeBiz(ServerCallRecord& r, const absl::Status& status) {
  if (status.ok() || r.call.replied()) return false;
  std::optional<BizStatus> biz = GetBizStatus(status);
  if (!biz) return false;
  r.biz = std::move(biz);
  return true;
}

// Whether the call is answered with its biz status: nothing that ErrorReply
// ranks first (a routing error, an escaped exception, a decode error)
// happened.
bool AnswersBiz(const ServerCallRecord& r) {
  return r.biz && !r.call.replied() && !r.early_error && !r.escaped &&
         !(r.invoker_returned && !r.invoker_status.ok());
}

// The innermost step of a middleware chain: runs the invoker and turns an
// escaping exception into an Internal status (recorded for the reply), or
// a BizError into BizStatusToStatus. A call that names no method of ours
// has no invoker: the middleware sees UNIMPLEMENTED, and the reply is the
// routing error.
Task<absl::Status> RunInvoker(ServerCallRecord* r) {
  if (r->early_error) co_return absl::UnimplementedError(r->early_error->message);
  absl::Status status;
  try {
    status = co_await r->route.method->invoke(*r->route.service, r->call);
  } catch (const BizError& e) {
    r->biz = e.status();
  } catch (const std::exception& e) {
    r->escaped = e.what();
  } catch (...) {
    r->escaped = "unknown exception";
  }
  if (r->biz) co_return BizStatusToStatus(*r->biz);
  if (r->escaped) co_return absl::InternalError(*r->escaped);
  // An invoker may return a biz status as well as throw one; it is not a
  // decode error.
  if (TakeBiz(*r, status)) co_return status;
  r->invoker_returned = true;
  r->invoker_status = status;
  co_return status;
}

Task<absl::Status> RunChain(ServerCallRecord* r, size_t i) {
  const std::vector<ServerMiddleware>& chain = r->core().middleware;
  if (i == chain.size()) co_return co_await RunInvoker(r);
  // Lives in this frame until the middleware's task is done with it.
  auto next = [r, i] { return RunChain(r, i + 1); };
  co_return co_await chain[i](r->call.context(), ServerNext(next));
}

// Runs the call on this thread until its first suspension; the call then
// reaches CompleteCall on whichever thread finishes it.
void RunCall(std::unique_ptr<ServerCallRecord> record) {
  ServerCallRecord* r = record.release();
  const bool bare = r->core().middleware.empty();
  auto done = [r, bare](Outcome<absl::Status> outcome) {
    std::unique_ptr<ServerCallRecord> owned(r);
    if (outcome.has_exception()) {
      try {
        std::rethrow_exception(outcome.exception());
      } catch (const BizError& e) {
        owned->biz = e.status();
      } catch (const std::exception& e) {
        owned->escaped = e.what();
      } catch (...) {
        owned->escaped = "unknown exception";
      }
      owned->status =
          owned->escaped ? absl::InternalError(*owned->escaped) : BizStatusToStatus(*owned->biz);
    } else {
      owned->status = std::move(*outcome.value());
      if (!TakeBiz(*owned, owned->status) && bare) {
        owned->invoker_returned = true;
        owned->invoker_status = owned->status;
      }
    }
    ServerConnection::CompleteCall(std::move(owned));
  };
  ScopedCallContext scope(&r->call.context());
  if (bare) {
    // No middleware: no extra coroutine frames.
    r->route.method->invoke(*r->route.service, r->call).Start(std::move(done));
  } else {
    RunChain(r, 0).Start(std::move(done));
  }
}

// The exception a call that did not reply answers with.
TApplicationException ErrorReply(ServerCallRecord& r) {
  using Type = TApplicationException::Type;
  if (r.early_error) return *r.early_error;
  if (r.escaped) return {Type::kInternalError, *r.escaped};
  if (r.invoker_returned && !r.invoker_status.ok()) {
    return {Type::kProtocolError, std::string(StatusMessage(r.invoker_status))};
  }
  // Where no header carries it (and for code 0, which the wire reads as
  // "no biz error"), a biz status is an ordinary failure with its text.
  if (AnswersBiz(r)) {
    return {Type::kInternalError, Cat("biz status ", r.biz->code, ": ", r.biz->message)};
  }
  if (!r.status.ok()) {
    return {Type::kInternalError,
            Cat(absl::StatusCodeToString(r.status.code()), ": ", StatusMessage(r.status))};
  }
  return {Type::kInternalError,
          Cat("method ", r.call.context().method(), " returned without a reply")};
}

transport::LinkBuffer EncodeMessage(ServerCallRecord& r, std::string_view name,
                                    const TApplicationException* error) {
  transport::LinkBuffer payload;
  codec::WithWriter(r.reply_header.protocol, payload, [&](auto& w) {
    if (error == nullptr) {
      w.WriteMessageBegin(name, codec::MessageType::kReply, r.seq_id);
      return;
    }
    w.WriteMessageBegin(name, codec::MessageType::kException, r.seq_id);
    error->Write(w);
    w.WriteMessageEnd();
  });
  if (error == nullptr) payload.Append(std::move(r.call.reply_body()));
  payload.Flush();
  return payload;
}

using codec::IsHeaderFraming;

}  // namespace

ServerCallRecord::ServerCallRecord(std::shared_ptr<ServerConnection> connection)
    : conn(std::move(connection)) {
  core().CallStarted();
}

// `conn` (and so the core) outlives this body: members are destroyed after it.
ServerCallRecord::~ServerCallRecord() {
  ServerLimits::Release(method_slot);
  core().CallEnded();
}

ServerCore& ServerCallRecord::core() const { return conn->core(); }

ServerConnection::ServerConnection(std::shared_ptr<ServerCore> core,
                                   std::shared_ptr<transport::Connection> conn, bool admin_only)
    : core_(std::move(core)), conn_(std::move(conn)), admin_only_(admin_only), http_(admin_only) {}

ServerConnection::~ServerConnection() {
  if (!admin_only_) core_->RemoveConnection(this);
}

void ServerConnection::Attach() {
  if (!admin_only_) core_->AddConnection(this);
  // The context and these hold this object alive until the connection
  // closes; the transport drops all three then, which breaks the cycle.
  conn_->set_context(shared_from_this());
  conn_->SetMessageCallback(
      [self = shared_from_this()](transport::Connection&, transport::LinkBuffer& in) {
        self->OnMessage(in);
      });
  conn_->SetPeerClosedCallback([self = shared_from_this()](transport::Connection&) {
    self->OnPeerClosed();
  });
}

void ServerConnection::OnMessage(transport::LinkBuffer& in) {
  VIREO_DCHECK_IN_LOOP(conn_->loop());
  if (phase_ == Phase::kClosed) return;
  if (in.Len() > input_left_) {
    AddOwned(bytes_in_, in.Len() - input_left_);
  }
  Touch();
  absl::Cleanup left = [this, &in] { input_left_ = in.Len(); };
  if (http_) {
    OnHttp(in);
    return;
  }
  if (phase_ >= Phase::kFinishing) {
    // Closing once the calls in flight are done: later requests are not
    // served.
    (void)in.Skip(in.Len());
    partial_frame_ = false;
    return;
  }
  if (!decoder_) {
    absl::StatusOr<std::optional<codec::Detected>> d = codec::Detect(in);
    if (!d.ok()) {
      if (StatusMessage(d.status()) == codec::kLooksLikeHttp1 && AdminAllowed()) {
        http_ = true;
        OnHttp(in);
        return;
      }
      CloseBadInput(ServerCore::BadInput::kNotThrift, d.status());
      return;
    }
    if (!d->has_value()) {
      partial_frame_ = true;
      return;
    }
    framing_ = (*d)->framing;
    framing_seen_.store(static_cast<int>(framing_), std::memory_order_relaxed);
    ordered_ = !IsHeaderFraming(framing_);
    decoder_.emplace(framing_, core_->options.limits);
  }
  // Every complete frame buffered is dispatched now, up to the call
  // limit; calls that suspend do not hold up the ones behind them.
  while (phase_ <= Phase::kStopping && !AtCallLimit()) {
    absl::StatusOr<std::optional<codec::Frame>> f = decoder_->Decode(in);
    if (!f.ok()) {
      CloseBadInput(ServerCore::BadInput::kBadFrame, f.status());
      return;
    }
    if (!f->has_value()) break;
    Dispatch(std::move(**f));
  }
  if (phase_ == Phase::kClosed) return;
  if (phase_ >= Phase::kFinishing) (void)in.Skip(in.Len());
  partial_frame_ = in.Len() > 0;
  // At the call limit the rest waits, paused; ResumeReading offers it again.
  UpdateReading();
}

void ServerConnection::Dispatch(codec::Frame frame) {
  VIREO_DCHECK_IN_LOOP(conn_->loop());
  codec::FrameHeader& h = frame.header;
  // Apache's THeaderTransport::close() flushes a header frame with no
  // message; its own threaded server ignores it, and so do we.
  if (h.framing == codec::Framing::kTHeader && frame.payload.Len() == 0) return;
  const size_t payload_bytes = frame.payload.Len();
  codec::MessageBegin m;
  const absl::Status read =
      codec::ReadMessageBegin(h.protocol, frame.payload, core_->options.limits, &m);
  if (!read.ok()) {
    // Only the header framings carry a sequence id outside the message.
    const std::string seq = IsHeaderFraming(h.framing) ? Cat(" (seq id ", h.seq_id, ")") : "";
    CloseBadInput(
        ServerCore::BadInput::kBadMessage,
        absl::InvalidArgumentError(Cat("bad message header in a ", codec::FramingName(h.framing),
                                       " frame", seq, ": ", StatusMessage(read))));
    return;
  }

  auto r = std::make_unique<ServerCallRecord>(shared_from_this());
  r->name = std::move(m.name);
  r->seq_id = m.seq_id;
  r->reply_header.framing = h.framing;
  r->reply_header.protocol = h.protocol;
  r->reply_header.flags = h.flags;
  r->reply_header.seq_id = h.seq_id;
  r->reply_header.transforms = h.transforms;

  CallContext& ctx = r->call.context();
  ctx.set_peer(conn_->peer_address());
  ctx.set_seq_id(m.seq_id);
  ctx.set_framing(h.framing);
  ctx.set_protocol(h.protocol);

  protocol_seen_.store(static_cast<int>(h.protocol), std::memory_order_relaxed);
  bool routed = false;
  if (m.type != codec::MessageType::kCall && m.type != codec::MessageType::kOneway) {
    core_->CountBadInput(ServerCore::BadInput::kNotACall);
    bad_input_ = true;
    spdlog::warn(
        "vireo server: {} sent message {} (seq id {}) of type {}, not a call; "
        "answering PROTOCOL_ERROR and closing the connection",
        conn_->peer_address().ToString(), r->name, m.seq_id, static_cast<int>(m.type));
    Advance(Phase::kFinishing);
    r->early_error = TApplicationException{
        TApplicationException::Type::kProtocolError,
        Cat("expected a call or oneway message, got message type ", static_cast<int>(m.type))};
  } else {
    const std::string* isn = h.FindHeader("isn");
    const std::string* to = h.FindIntHeader(codec::kTTHeaderToService);
    TApplicationException error;
    routed = core_->router.Find(r->name, isn != nullptr ? *isn : std::string_view(),
                                to != nullptr ? *to : std::string_view(), &r->route, &error);
    if (!routed) r->early_error = std::move(error);
  }
  r->oneway = m.type == codec::MessageType::kOneway || (routed && r->route.method->oneway);
  ctx.set_oneway(r->oneway);
  if (routed) {
    ctx.set_service(r->route.service->ServiceName());
    ctx.set_method(r->route.method_name);
  } else {
    ctx.set_method(r->name);
  }

  const std::string* timeout = h.FindIntHeader(codec::kTTHeaderRpcTimeout);
  if (timeout == nullptr) timeout = h.FindHeader(kTimeoutHeader);
  int64_t ms = 0;
  if (timeout != nullptr && absl::SimpleAtoi(*timeout, &ms) && ms > 0) {
    ctx.set_deadline(absl::Now() + absl::Milliseconds(ms));
  }
  // Last use of the frame's headers: moved, not copied.
  ctx.request_metadata().mutable_strings() = std::move(h.headers);
  ctx.request_metadata().mutable_ints() = std::move(h.int_headers);
  ctx.set_trace(ServerSpan(ctx.request_metadata()));
  r->metrics = routed ? r->route.metrics : core_->UnknownMethodMetrics();
  if (r->metrics != nullptr) {
    r->metrics->Started();
    r->start_ns = conn_->loop()->iteration_start_ns();
  }
  r->request_bytes = payload_bytes;
  if (core_->tracer != nullptr) r->start = absl::Now();

  r->call.request() = std::move(frame.payload);
  r->call.decode_options() = core_->decode_options;

  // After Stop() began a request is refused, not run: LOADSHEDDING tells
  // the client that another instance may take it.
  bool refused = phase_ == Phase::kStopping;
  if (refused) {
    r->early_error = TApplicationException{
        TApplicationException::Type::kLoadShedding,
        "server is shutting down; the call was not run (retry it on another instance)"};
  } else if (routed && core_->limits.active()) {
    // Over a limit: answered now, not queued. The record already counts in
    // the server's calls in flight.
    const absl::Status admitted =
        core_->limits.Admit(r->route.method_name, core_->in_flight(), &r->method_slot);
    if (!admitted.ok()) {
      refused = true;
      r->early_error = TApplicationException{
          TApplicationException::Type::kInternalError,
          Cat(absl::StatusCodeToString(admitted.code()), ": ", StatusMessage(admitted))};
    }
  }
  calls_deadline_ =
      calls_in_flight_ == 0 ? ctx.deadline() : std::max(calls_deadline_, ctx.deadline());
  ++calls_in_flight_;
  calls_in_flight_seen_.store(calls_in_flight_, std::memory_order_relaxed);
  if (ordered_ && !r->oneway) {
    r->order = next_order_++;
    held_.emplace_back();
  }
  // An unroutable call still passes through the middleware (the access
  // log shows it); with none, it is answered at once, as a refused one is.
  if (refused || (!routed && core_->middleware.empty())) {
    FinishCall(std::move(r));
    return;
  }
  if (core_->workers) {
    core_->workers->Submit([r = std::move(r)]() mutable { RunCall(std::move(r)); });
  } else {
    RunCall(std::move(r));
  }
}

void ServerConnection::CompleteCall(std::unique_ptr<ServerCallRecord> record) {
  ServerCore& core = record->core();
  core.calls_served.fetch_add(1, std::memory_order_relaxed);
  transport::EventLoop* loop = record->conn->conn_->loop();
  {
    transport::ReaderLock lock(core.loops_mu);
    // Abandoned at shutdown: nobody is left to answer.
    if (!core.loops_alive) return;
    if (!loop->InLoopThread()) {
      loop->Post([record = std::move(record)]() mutable {
        ServerConnection* c = record->conn.get();
        c->FinishCall(std::move(record));
      });
      return;
    }
  }
  ServerConnection* c = record->conn.get();
  c->FinishCall(std::move(record));
}

void ServerConnection::FinishCall(std::unique_ptr<ServerCallRecord> r) {
  VIREO_DCHECK_IN_LOOP(conn_->loop());
  --calls_in_flight_;
  calls_in_flight_seen_.store(calls_in_flight_, std::memory_order_relaxed);
  Touch();
  const bool decode_error =
      !r->call.replied() && !r->escaped && r->invoker_returned && !r->invoker_status.ok();
  // No reply carries a oneway call's failure, and its client may be gone
  // already: the log is all there is. A handler that throws is the
  // service's own bug; a call that names no method or that the middleware
  // refused is the client's, kept at debug so a client cannot flood the
  // log.
  if (r->oneway && !decode_error && (r->escaped || r->early_error || !r->status.ok())) {
    spdlog::log(r->escaped ? spdlog::level::warn : spdlog::level::debug,
                "vireo server: oneway call {} from {} (seq id {}) failed: {}", r->name,
                conn_->peer_address().ToString(), r->seq_id, ErrorReply(*r).message);
  }
  if (phase_ == Phase::kClosed) return;
  if (decode_error) {
    // The stream is still framed, but a client that sends what we cannot
    // decode is not one to keep serving.
    core_->CountBadInput(ServerCore::BadInput::kBadArguments);
    bad_input_ = true;
    spdlog::warn(
        "vireo server: closing connection from {} after {}.{} (seq id {}): cannot decode the "
        "arguments: {}",
        conn_->peer_address().ToString(), r->call.context().service(), r->call.context().method(),
        r->seq_id, r->invoker_status.ToString());
    Advance(Phase::kFinishing);
  }
  size_t reply_bytes = 0;
  if (!r->oneway) {
    if (ordered_) {
      transport::LinkBuffer bytes;
      EncodeReply(*r, bytes);
      reply_bytes = bytes.Len() + bytes.MallocLen();
      QueueOrdered(r->order, std::move(bytes));
    } else {
      // Written, flushed or not yet.
      transport::LinkBuffer& out = conn_->output();
      const size_t before = out.Len() + out.MallocLen();
      EncodeReply(*r, out);
      reply_bytes = out.Len() + out.MallocLen() - before;
      conn_->SendOutput();
    }
  }
  AddOwned(bytes_out_, reply_bytes);
  if (r->metrics != nullptr) CountCall(*r, reply_bytes);
  if (core_->tracer != nullptr) ReportSpan(*r, reply_bytes);
  r.reset();
  UpdateReading();
  MaybeCloseWhenDone();
}

namespace {

// The outcome the client sees, as a status (for spans).
absl::Status CallOutcome(const ServerCallRecord& r) {
  using Type = TApplicationException::Type;
  if (r.escaped) return absl::InternalError(*r.escaped);
  if (r.early_error) {
    const Type type = r.early_error->type;
    const absl::StatusCode code = type == Type::kUnknownMethod  ? absl::StatusCode::kUnimplemented
                                  : type == Type::kLoadShedding ? absl::StatusCode::kUnavailable
                                  : type == Type::kProtocolError
                                      ? absl::StatusCode::kInvalidArgument
                                      : absl::StatusCode::kInternal;
    return absl::Status(code, r.early_error->message);
  }
  if (r.invoker_returned && !r.invoker_status.ok() && r.status.ok()) return r.invoker_status;
  return r.status;
}

// The outcome as a metrics code, without building a status (no
// allocation on the call path).
CallCode CallOutcomeCode(const ServerCallRecord& r) {
  using Type = TApplicationException::Type;
  if (r.escaped) return CallCode::kInternalError;
  if (r.early_error) {
    // Dispatch answers INTERNAL_ERROR early only for a limit's refusal.
    switch (r.early_error->type) {
      case Type::kUnknownMethod:
        return CallCode::kUnknownMethod;
      case Type::kLoadShedding:
        return CallCode::kLoadShedding;
      case Type::kProtocolError:
        return CallCode::kProtocolError;
      default:
        return static_cast<CallCode>(absl::StatusCode::kResourceExhausted);
    }
  }
  // Arguments that could not be decoded.
  if (r.invoker_returned && !r.invoker_status.ok() && !r.call.replied()) {
    return CallCode::kProtocolError;
  }
  // The handler replied with an exception its method declares.
  if (r.call.replied() && !r.status.ok()) return CallCode::kIdlException;
  return CodeOf(r.status.ok() && r.invoker_returned ? r.invoker_status : r.status);
}


// The calls a loop finished in this iteration, counted together at its
// end (where their replies are written) with one clock read between them.
class FinishedCalls {
 public:
  void Add(transport::EventLoop* loop, CallMetrics* metrics, CallCode code, int64_t start_ns,
           size_t request_bytes, size_t reply_bytes) {
    if (calls_.empty()) loop->RunAtIterationEnd([this] { Count(); });
    calls_.push_back(Call{metrics, code, start_ns, request_bytes, reply_bytes});
  }

 private:
  struct Call {
    CallMetrics* metrics;
    CallCode code;
    int64_t start_ns;
    size_t request_bytes;
    size_t reply_bytes;
  };
  void Count() {
    const int64_t now = transport::EventLoop::NowNs();
    for (const Call& c : calls_) {
      c.metrics->Finished(c.code, absl::Nanoseconds(std::max<int64_t>(0, now - c.start_ns)),
                          c.request_bytes, c.reply_bytes);
    }
    calls_.clear();
  }
  // Keeps its capacity: no allocation once the loop has warmed up.
  std::vector<Call> calls_;
};

}  // namespace

void ServerConnection::CountCall(ServerCallRecord& r, size_t reply_bytes) {
  // One per loop thread; the loop runs its end-of-iteration task before
  // the thread ends.
  thread_local FinishedCalls finished;
  finished.Add(conn_->loop(), r.metrics, CallOutcomeCode(r), r.start_ns, r.request_bytes,
               reply_bytes);
}

void ServerConnection::ReportSpan(ServerCallRecord& r, size_t reply_bytes) {
  const absl::Status status = CallOutcome(r);
  const CallContext& ctx = r.call.context();
  Span span;
  span.kind = Span::Kind::kServer;
  span.service = ctx.service();
  span.method = ctx.method();
  span.peer = ctx.peer();
  span.trace = &ctx.trace();
  span.start = r.start;
  span.duration = absl::Now() - r.start;
  span.status = &status;
  span.request_bytes = r.request_bytes;
  span.reply_bytes = reply_bytes;
  core_->tracer->OnFinish(span);
}

void ServerConnection::EncodeReply(ServerCallRecord& r, transport::LinkBuffer& out) {
  // Apache's TMultiplexedProcessor answers "Service:method" with the bare
  // method name, and Apache's generated clients check for it.
  const std::string_view name = r.route.method != nullptr ? r.route.method_name : r.name;
  // Kitex's biz status: a REPLY whose result struct is empty, the status
  // in string headers.
  const bool biz_reply =
      AnswersBiz(r) && r.biz->code != 0 && IsHeaderFraming(r.reply_header.framing);
  std::optional<TApplicationException> error;
  if (!r.call.replied() && !biz_reply) error = ErrorReply(r);
  codec::FrameHeader h = std::move(r.reply_header);
  if (IsHeaderFraming(h.framing)) {
    Metadata& metadata = r.call.context().response_metadata();
    h.headers = std::move(metadata.mutable_strings());
    if (biz_reply) {
      // After the handler's metadata, replacing any biz-* key it set.
      h.headers.erase(std::remove_if(h.headers.begin(), h.headers.end(),
                                     [](const std::pair<std::string, std::string>& e) {
                                       return e.first == kBizStatusKey ||
                                              e.first == kBizMessageKey ||
                                              e.first == kBizExtraKey;
                                     }),
                      h.headers.end());
      for (auto& header : BizStatusHeaders(*r.biz)) h.headers.push_back(std::move(header));
      codec::WithWriter(h.protocol, r.call.reply_body(), [](auto& w) {
        w.WriteStructBegin();
        w.WriteFieldStop();
        w.WriteStructEnd();
      });
    }
    if (h.framing == codec::Framing::kTTHeader) {
      h.int_headers = std::move(metadata.mutable_ints());
      // Going away: a Kitex client sends nothing more on this connection.
      if (phase_ >= Phase::kStopping) {
        h.headers.emplace_back(std::string(codec::kTTHeaderConnReset), "1");
      }
    }
  }
  absl::Status s = codec::EncodeFrame(h, EncodeMessage(r, name, error ? &*error : nullptr), out);
  if (s.ok()) return;
  // Most likely response metadata that does not fit the header: answer
  // without it.
  spdlog::error("vireo server: cannot encode the reply to {} for {} (seq id {}): {}",
                conn_->peer_address().ToString(), name, r.seq_id, s.ToString());
  h.headers.clear();
  h.int_headers.clear();
  const TApplicationException internal{TApplicationException::Type::kInternalError,
                                       Cat("cannot encode the reply: ", StatusMessage(s))};
  s = codec::EncodeFrame(h, EncodeMessage(r, name, &internal), out);
  if (!s.ok()) {
    spdlog::error("vireo server: cannot encode an exception reply to {}: {}",
                  conn_->peer_address().ToString(), s.ToString());
  }
}

void ServerConnection::QueueOrdered(uint64_t order, transport::LinkBuffer bytes) {
  bytes.Flush();
  held_bytes_ += bytes.Len();
  held_[order - sent_order_] = std::move(bytes);
  bool sent = false;
  while (!held_.empty() && held_.front().has_value()) {
    held_bytes_ -= held_.front()->Len();
    conn_->output().Append(std::move(*held_.front()));
    held_.pop_front();
    ++sent_order_;
    sent = true;
  }
  if (sent) conn_->SendOutput();
}

bool ServerConnection::AtCallLimit() const {
  const size_t max = core_->options.max_calls_per_connection;
  return max > 0 && calls_in_flight_ >= static_cast<int64_t>(max);
}

void ServerConnection::UpdateReading() {
  VIREO_DCHECK_IN_LOOP(conn_->loop());
  if (phase_ >= Phase::kClosing) return;
  // The transport bounds what waits for the socket; replies waiting for an
  // earlier one are bounded here, by the same option.
  const size_t max = core_->options.max_pending_output;
  if (max > 0 && !held_over_limit_ && held_bytes_ > max) {
    held_over_limit_ = true;
    spdlog::debug(
        "vireo server: {} bytes of replies to {} wait for an earlier call, over "
        "max_pending_output ({}); reading paused",
        held_bytes_, conn_->peer_address().ToString(), max);
  } else if (held_over_limit_ && held_bytes_ <= max / 2) {
    held_over_limit_ = false;
  }
  if (held_over_limit_ || AtCallLimit()) {
    conn_->PauseReading();
  } else {
    // Offers the requests left buffered at the call limit again.
    conn_->ResumeReading();
  }
}

void ServerConnection::CloseBadInput(ServerCore::BadInput why, const absl::Status& reason) {
  // Counted before the log line: tests wait for the line, then read the count.
  core_->CountBadInput(why);
  bad_input_ = true;
  spdlog::warn("vireo server: closing connection from {} ({}): {}",
               conn_->peer_address().ToString(),
               decoder_ ? codec::FramingName(framing_) : std::string_view("framing unknown"),
               reason.ToString());
  Advance(Phase::kClosing);
  conn_->Close(reason);
}

void ServerConnection::OnPeerClosed() {
  VIREO_DCHECK_IN_LOOP(conn_->loop());
  // A client that half-closed after its admin request still gets the page.
  if (http_pending_) return;
  if (phase_ < Phase::kClosing) peer_closed_ = true;
  if (phase_ >= Phase::kClosing) {
    // Our FIN is queued or sent: nothing more to answer.
    if (conn_->pending_output() == 0) conn_->Close();
    return;
  }
  if (partial_frame_) {
    core_->CountBadInput(ServerCore::BadInput::kTruncated);
    bad_input_ = true;
    spdlog::warn("vireo server: {} closed its side in the middle of a frame",
                 conn_->peer_address().ToString());
    partial_frame_ = false;
  }
  Advance(Phase::kFinishing);
  // The requests already received are answered; a call past its deadline
  // has no one waiting for it, so the connection waits no longer than the
  // latest one (and, for calls with none, until they finish).
  if (calls_in_flight_ > 0 && calls_deadline_ != absl::InfiniteFuture()) {
    conn_->loop()->RunAfter(calls_deadline_ - absl::Now(), [self = shared_from_this()] {
      if (self->phase_ >= Phase::kClosing || self->calls_in_flight_ == 0) return;
      spdlog::debug("vireo server: {} half-closed; {} calls past their deadline; closing",
                    self->conn_->peer_address().ToString(), self->calls_in_flight_);
      self->ForceClose(absl::DeadlineExceededError("calls past their deadline after the FIN"));
    });
  }
  MaybeCloseWhenDone();
}

void ServerConnection::OnClosed(const absl::Status& reason) {
  VIREO_DCHECK_IN_LOOP(conn_->loop());
  // Closes we asked for are not the client's doing.
  const bool closing = phase_ >= Phase::kFinishing;
  phase_ = Phase::kClosed;
  if (!admin_only_) core_->RemoveConnection(this);
  const bool truncated = partial_frame_ && !closing;
  if (truncated) {
    core_->CountBadInput(ServerCore::BadInput::kTruncated);
    bad_input_ = true;
  }
  using Closed = ServerCore::Closed;
  Closed why = Closed::kError;
  if (bad_input_) {
    why = Closed::kBadInput;
  } else if (peer_closed_ || (reason.ok() && !closing)) {
    // The client's FIN began it (we may have closed after answering).
    why = Closed::kPeer;
  } else if (closing) {
    why = Closed::kServer;
  } else if (reason.code() == absl::StatusCode::kDeadlineExceeded) {
    why = Closed::kIdleTimeout;
  }
  core_->CountClosed(why);
  if (reason.ok() && truncated) {
    spdlog::warn("vireo server: {} closed the connection in the middle of a frame",
                 conn_->peer_address().ToString());
  } else if (!reason.ok() && truncated) {
    // The read timeout, or an idle timeout or a reset that caught a frame
    // half sent: a client that does not finish its frames is bad input.
    spdlog::warn("vireo server: closing connection from {} in the middle of a frame: {}",
                 conn_->peer_address().ToString(), reason.ToString());
  } else if (reason.code() == absl::StatusCode::kDeadlineExceeded && !closing) {
    // Closed by the server's own clock (idle_timeout): say so, once.
    spdlog::info("vireo server: closing connection from {}: {}", conn_->peer_address().ToString(),
                 reason.ToString());
  } else if (!reason.ok() && !closing) {
    spdlog::debug("vireo server: connection from {} closed: {}", conn_->peer_address().ToString(),
                  reason.ToString());
  }
  held_.clear();
  held_bytes_ = 0;
}

void ServerConnection::BeginStop() {
  VIREO_DCHECK_IN_LOOP(conn_->loop());
  if (phase_ != Phase::kServing) return;
  phase_ = Phase::kStopping;
  if (decoder_ && framing_ == codec::Framing::kTTHeader) SendConnResetNotice();
  MaybeCloseWhenDone();
}

void ServerConnection::ForceClose(const absl::Status& reason) {
  VIREO_DCHECK_IN_LOOP(conn_->loop());
  if (phase_ == Phase::kClosed) return;
  Advance(Phase::kClosing);
  conn_->Close(reason);
}

void ServerConnection::MaybeCloseWhenDone() {
  if (phase_ < Phase::kStopping || phase_ >= Phase::kClosing || calls_in_flight_ > 0) return;
  phase_ = Phase::kClosing;
  // Sends what is queued, then FIN (after the peer's FIN: then closes).
  conn_->Shutdown();
  // After this iteration's writes: close unless the socket could not take
  // everything (then it closes when the peer answers the FIN, or at the
  // end of the server's grace period).
  conn_->loop()->RunAtIterationEnd([self = shared_from_this()] {
    if (!self->closed() && self->conn_->pending_output() == 0) self->conn_->Close();
  });
}

void ServerConnection::SendConnResetNotice() {
  // Kitex's notice: seq id 0, "crrst" = "1", no payload.
  codec::FrameHeader h;
  h.framing = codec::Framing::kTTHeader;
  h.seq_id = 0;
  h.headers.emplace_back(std::string(codec::kTTHeaderConnReset), "1");
  if (absl::Status s = codec::EncodeFrame(h, transport::LinkBuffer(), conn_->output()); !s.ok()) {
    spdlog::error("vireo server: cannot encode the crrst notice: {}", s.ToString());
    return;
  }
  conn_->SendOutput();
}

}  // namespace vireo::internal

namespace vireo::internal {

bool ServerConnection::AdminAllowed() const {
  switch (core_->options.admin) {
    case ServerOptions::AdminAccess::kOff:
      return false;
    case ServerOptions::AdminAccess::kLoopback:
      return conn_->peer_address().IsLoopback();
    case ServerOptions::AdminAccess::kAny:
      return true;
  }
  return false;
}

void ServerConnection::OnHttp(transport::LinkBuffer& in) {
  framing_seen_.store(-2, std::memory_order_relaxed);
  if (phase_ >= Phase::kFinishing) {
    (void)in.Skip(in.Len());
    return;
  }
  const size_t max = core_->options.admin_max_request_bytes;
  // One more byte than the bound tells "over it" from "exactly at it".
  const size_t look = std::min(in.Len(), max + 1);
  absl::StatusOr<std::string_view> head = in.Peek(look);
  absl::StatusOr<std::optional<HttpRequest>> request =
      head.ok() ? ParseHttpRequest(*head, max)
                : absl::StatusOr<std::optional<HttpRequest>>(head.status());
  if (request.ok() && !request->has_value()) {
    partial_frame_ = true;
    return;
  }
  partial_frame_ = false;
  // The body, if any, is never read: one request per connection.
  (void)in.Skip(in.Len());
  if (!request.ok()) {
    core_->CountBadInput(ServerCore::BadInput::kBadHttp);
    bad_input_ = true;
    spdlog::warn("vireo server: bad admin request from {}: {}", conn_->peer_address().ToString(),
                 request.status().ToString());
    SendHttpResponse(HttpErrorResponse(request.status()));
    return;
  }
  if ((*request)->path != "/metrics" || core_->admin_pool == nullptr) {
    SendHttpResponse(AdminResponse(*core_, **request));
    return;
  }
  // Rendered on the admin thread; the response comes back to this loop.
  Advance(Phase::kFinishing);
  http_pending_ = true;
  core_->admin_pool->Submit([self = shared_from_this(), request = std::move(**request)] {
    std::string response = AdminResponse(*self->core_, request);
    transport::ReaderLock lock(self->core_->loops_mu);
    if (!self->core_->loops_alive) return;
    self->conn_->loop()->Post([self, response = std::move(response)] {
      self->SendHttpResponse(response);
    });
  });
}

void ServerConnection::SendHttpResponse(const std::string& response) {
  VIREO_DCHECK_IN_LOOP(conn_->loop());
  http_pending_ = false;
  if (phase_ >= Phase::kClosing) return;
  conn_->output().Write(response);
  conn_->SendOutput();
  AddOwned(bytes_out_, response.size());
  phase_ = Phase::kClosing;
  conn_->Shutdown();
  conn_->loop()->RunAtIterationEnd([self = shared_from_this()] {
    if (!self->closed() && self->conn_->pending_output() == 0) self->conn_->Close();
  });
}

ServerConnection::Snapshot ServerConnection::snapshot() const {
  Snapshot s;
  s.peer = conn_->peer_address();
  const int framing = framing_seen_.load(std::memory_order_relaxed);
  s.framing = framing == -2 ? std::string_view("HTTP")
              : framing < 0 ? std::string_view()
                            : codec::FramingName(static_cast<codec::Framing>(framing));
  const int protocol = protocol_seen_.load(std::memory_order_relaxed);
  s.protocol = protocol < 0 ? std::string_view()
               : protocol == static_cast<int>(codec::ProtocolId::kCompact)
                   ? std::string_view("Compact")
                   : std::string_view("Binary");
  const int64_t now = transport::EventLoop::NowNs();
  s.age = absl::Nanoseconds(now - opened_ns_);
  s.idle = absl::Nanoseconds(
      std::max<int64_t>(0, now - last_active_ns_.load(std::memory_order_relaxed)));
  s.calls_in_flight = calls_in_flight_seen_.load(std::memory_order_relaxed);
  s.bytes_in = bytes_in_.load(std::memory_order_relaxed);
  s.bytes_out = bytes_out_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace vireo::internal
