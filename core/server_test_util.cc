#include "vireo/core/server_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <future>
#include <stdexcept>
#include <utility>

#include "gtest/gtest.h"
#include "spdlog/spdlog.h"
#include "vireo/codec/binary_protocol.h"
#include "vireo/codec/compact_protocol.h"

namespace vireo::servertest {

namespace {

std::string ThreadName() {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof(name));
  return name;
}

template <class Writer>
void WriteHead(transport::LinkBuffer& out, std::string_view name, codec::MessageType type,
               int32_t seq_id) {
  Writer w(out);
  w.WriteMessageBegin(name, type, seq_id);
  w.Finish();
}

Task<absl::Status> InvokeEcho(Service& s, ServerCall& call) {
  EchoArgs args;
  if (absl::Status st = call.DecodeArgs(&args); !st.ok()) co_return st;
  EchoResult result;
  std::optional<MyError> error;
  try {
    result.success = co_await static_cast<TestService&>(s).Echo(call.context(), args.req);
  } catch (const MyError& e) {
    error = e;
  }
  if (error) {
    result.err = *error;
    call.Reply(result);
    co_return IdlExceptionStatus("MyError", error->reason);
  }
  call.Reply(result);
  co_return absl::OkStatus();
}

Task<absl::Status> InvokeNotify(Service& s, ServerCall& call) {
  EchoArgs args;
  if (absl::Status st = call.DecodeArgs(&args); !st.ok()) co_return st;
  static_cast<TestService&>(s).Notify(args.req);
  co_return absl::OkStatus();
}

}  // namespace

// ---- TestReply ----

absl::StatusOr<EchoResult> TestReply::Result() {
  if (message.type != codec::MessageType::kReply) {
    return absl::FailedPreconditionError(
        absl::StrCat("message type ", static_cast<int>(message.type), ", not a reply"));
  }
  EchoResult result;
  if (absl::Status s = codec::Decode(body, header.protocol, &result); !s.ok()) return s;
  return result;
}

absl::StatusOr<codec::TApplicationException> TestReply::Exception() {
  if (message.type != codec::MessageType::kException) {
    return absl::FailedPreconditionError(
        absl::StrCat("message type ", static_cast<int>(message.type), ", not an exception"));
  }
  codec::TApplicationException x;
  absl::Status s;
  if (header.protocol == codec::ProtocolId::kCompact) {
    codec::CompactReader r(body, codec::Limits());
    s = x.Read(r);
  } else {
    codec::BinaryReader r(body, codec::Limits());
    s = x.Read(r);
  }
  if (!s.ok()) return s;
  return x;
}

// ---- TestClient ----

TestClient::TestClient(uint16_t port, codec::Framing framing, codec::ProtocolId protocol)
    : framing_(framing), protocol_(protocol), decoder_(framing, codec::Limits()) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  struct sockaddr_in addr {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<struct sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  struct timeval tv {};
  tv.tv_sec = kWaitSeconds;
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

TestClient::~TestClient() { Close(); }

uint16_t TestClient::local_port() const {
  struct sockaddr_in addr {};
  socklen_t len = sizeof(addr);
  ::getsockname(fd_, reinterpret_cast<struct sockaddr*>(&addr), &len);
  return ntohs(addr.sin_port);
}

std::string TestClient::Encode(std::string_view name, int32_t seq_id, const EchoArgs& args,
                               codec::FrameHeader header, codec::MessageType type) const {
  transport::LinkBuffer payload;
  if (protocol_ == codec::ProtocolId::kCompact) {
    WriteHead<codec::CompactWriter>(payload, name, type, seq_id);
  } else {
    WriteHead<codec::BinaryWriter>(payload, name, type, seq_id);
  }
  codec::Encode(args, protocol_, payload);
  payload.Flush();
  header.framing = framing_;
  header.protocol = protocol_;
  if (header.seq_id == 0) header.seq_id = static_cast<uint32_t>(seq_id);
  transport::LinkBuffer out;
  absl::Status s = codec::EncodeFrame(header, std::move(payload), out);
  EXPECT_TRUE(s.ok()) << s;
  out.Flush();
  return *out.ReadString(out.Len());
}

bool TestClient::Call(std::string_view name, int32_t seq_id, const EchoArgs& args,
                      codec::FrameHeader header, codec::MessageType type) {
  return SendRaw(Encode(name, seq_id, args, std::move(header), type));
}

bool TestClient::SendRaw(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

absl::StatusOr<codec::Frame> TestClient::ReadFrame() {
  for (;;) {
    absl::StatusOr<std::optional<codec::Frame>> f = decoder_.Decode(in_);
    if (!f.ok()) return f.status();
    if (f->has_value()) {
      codec::Frame frame = std::move(**f);
      in_.Release();
      return frame;
    }
    char buf[64 * 1024];
    const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n == 0) return absl::NotFoundError("closed");
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return absl::DeadlineExceededError("no reply in time");
      }
      return absl::NotFoundError(absl::StrCat("closed: ", std::strerror(errno)));
    }
    in_.Write(std::string_view(buf, static_cast<size_t>(n)));
    in_.Flush();
  }
}

absl::StatusOr<TestReply> TestClient::Read() {
  absl::StatusOr<codec::Frame> frame = ReadFrame();
  if (!frame.ok()) return frame.status();
  TestReply reply;
  reply.header = std::move(frame->header);
  absl::Status s;
  {
    if (reply.header.protocol == codec::ProtocolId::kCompact) {
      codec::CompactReader r(frame->payload, codec::Limits());
      s = r.ReadMessageBegin(&reply.message);
    } else {
      codec::BinaryReader r(frame->payload, codec::Limits());
      s = r.ReadMessageBegin(&reply.message);
    }
  }
  if (!s.ok()) return s;
  reply.body = std::move(frame->payload);
  return reply;
}

bool TestClient::WaitClosed() {
  if (in_.Len() > 0) return false;
  for (;;) {
    char buf[256];
    const ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n == 0) return true;
    if (n > 0) return false;
    if (errno == EINTR) continue;
    return errno == ECONNRESET || errno == EPIPE;
  }
}

void TestClient::ShutdownWrite() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

void TestClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

absl::Status EchoThrough(Client& client, const CallOptions& options, const MethodInfo& method,
                         std::string message) {
  const EchoArgs args = MakeArgs(std::move(message));
  std::promise<absl::Status> done;
  client.Call(
      method, [&](codec::ProtocolId p, transport::LinkBuffer& out) { codec::Encode(args, p, out); },
      options,
      [&](absl::Status s, ClientReply&) {
        done.set_value(absl::Status(s.code(), std::string(s.message())));
      });
  return done.get_future().get();
}

EchoArgs MakeArgs(std::string message) {
  EchoArgs args;
  args.req.message = std::move(message);
  return args;
}

// ---- Parking ----

void Parking::Block(int32_t key) {
  std::unique_lock<std::mutex> lock(mu_);
  bool released = false;
  parked_[key] = [this, &released](bool) {
    std::lock_guard<std::mutex> inner(mu_);
    released = true;
    cv_.notify_all();
  };
  cv_.notify_all();
  cv_.wait(lock, [&] { return released; });
}

bool Parking::WaitParked(size_t n) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, std::chrono::seconds(kWaitSeconds),
                      [&] { return parked_.size() >= n; });
}

size_t Parking::ReleaseAll() {
  std::map<int32_t, absl::AnyInvocable<void(bool) &&>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all.swap(parked_);
  }
  for (auto& [key, resume] : all) std::move(resume)(true);
  return all.size();
}

bool Parking::Release(int32_t key) {
  absl::AnyInvocable<void(bool) &&> resume;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = parked_.find(key);
    if (it == parked_.end()) return false;
    resume = std::move(it->second);
    parked_.erase(it);
  }
  std::move(resume)(true);
  return true;
}

size_t Parking::parked() {
  std::lock_guard<std::mutex> lock(mu_);
  return parked_.size();
}

// ---- TestService ----

TestService::TestService(std::string name, std::string extra, Parking* parking)
    : name_(std::move(name)), extra_(std::move(extra)), parking_(parking) {
  methods_.push_back({"echo", false, &InvokeEcho});
  methods_.push_back({"notify", true, &InvokeNotify});
  if (!extra_.empty()) methods_.push_back({extra_, false, &InvokeEcho});
}

Task<Response> TestService::Echo(CallContext& ctx, Request req) {
  echo_calls_.fetch_add(1);
  Response r;
  r.served_by = name_;
  r.thread = ThreadName();
  r.has_context = CurrentCallContext() == &ctx;
  r.has_deadline = ctx.deadline() != absl::InfiniteFuture();
  if (const std::string* user = ctx.request_metadata().Find("user")) r.user = *user;
  ctx.response_metadata().Set("served-by", name_);
  if (ctx.framing() == codec::Framing::kTTHeader) ctx.response_metadata().SetInt(100, "7");
  if (req.message == "park") {
    if (parking_ == nullptr) throw std::runtime_error("no parking");
    co_await parking_->Park(ctx.seq_id());
  }
  if (req.message == "block") {
    if (parking_ == nullptr) throw std::runtime_error("no parking");
    parking_->Block(ctx.seq_id());
    req.message = "park";  // echoed like a parked call
  }
  if (req.message == "throw-idl") throw MyError("bad request", 42);
  if (req.message == "throw-runtime") throw std::runtime_error("boom");
  r.message = req.message;
  co_return r;
}

void TestService::Notify(const Request& req) {
  if (req.message == "throw-runtime") throw std::runtime_error("boom");
  std::lock_guard<std::mutex> lock(mu_);
  notified_.push_back(req.message);
  cv_.notify_all();
}

bool TestService::WaitNotified(size_t n) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, std::chrono::seconds(kWaitSeconds),
                      [&] { return notified_.size() >= n; });
}

std::vector<std::string> TestService::notified() {
  std::lock_guard<std::mutex> lock(mu_);
  return notified_;
}

// ---- LogCapture ----

class LogCapture::Sink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  bool WaitFor(const std::vector<std::string>& parts) {
    std::unique_lock<std::mutex> lock(lines_mu_);
    return cv_.wait_for(lock, std::chrono::seconds(kWaitSeconds), [&] {
      for (const std::string& line : lines_) {
        bool all = true;
        for (const std::string& p : parts) all = all && line.find(p) != std::string::npos;
        if (all) return true;
      }
      return false;
    });
  }
  std::vector<std::string> lines() {
    std::lock_guard<std::mutex> lock(lines_mu_);
    return lines_;
  }
  void Clear() {
    std::lock_guard<std::mutex> lock(lines_mu_);
    lines_.clear();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::lock_guard<std::mutex> lock(lines_mu_);
    lines_.emplace_back(msg.payload.data(), msg.payload.size());
    cv_.notify_all();
  }
  void flush_() override {}

 private:
  std::mutex lines_mu_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
};

namespace {

// spdlog's default logger is read without a lock by every thread that
// logs, so it is replaced once, before any test starts a thread.
class LogEnvironment : public ::testing::Environment {
 public:
  static std::shared_ptr<LogCapture::Sink>& sink() {
    static std::shared_ptr<LogCapture::Sink> s;
    return s;
  }
  void SetUp() override {
    sink() = std::make_shared<LogCapture::Sink>();
    std::shared_ptr<spdlog::logger> current = spdlog::default_logger();
    std::vector<spdlog::sink_ptr> sinks = current->sinks();
    sinks.push_back(sink());
    auto logger = std::make_shared<spdlog::logger>("server_test", sinks.begin(), sinks.end());
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger);
  }
};

const bool kLogEnvironmentAdded = [] {
  ::testing::AddGlobalTestEnvironment(new LogEnvironment);
  return true;
}();

}  // namespace

LogCapture::LogCapture() : sink_(LogEnvironment::sink()) {
  (void)kLogEnvironmentAdded;
  sink_->Clear();
}

LogCapture::~LogCapture() = default;

bool LogCapture::WaitFor(std::vector<std::string> parts) { return sink_->WaitFor(parts); }

std::vector<std::string> LogCapture::lines() { return sink_->lines(); }

}  // namespace vireo::servertest
