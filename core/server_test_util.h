// Helpers for the server tests: a blocking-socket Thrift client that
// speaks every framing, test services whose handlers can be held and
// released by the test, and a log sink the test can wait on.
//
// Example:
//   TestClient c(server.port(), Framing::kTHeader, ProtocolId::kCompact);
//   c.Call("echo", 7, MakeArgs("hi"));
//   absl::StatusOr<TestReply> r = c.Read();
//   EchoResult result = *r->Result();
//
// Thread rules: a TestClient belongs to one thread; Parking and LogCapture
// are thread safe.
#ifndef VIREO_CORE_SERVER_TEST_UTIL_H_
#define VIREO_CORE_SERVER_TEST_UTIL_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "server_test_types.h"
#include "spdlog/sinks/base_sink.h"
#include "vireo/codec/application_exception.h"
#include "vireo/codec/frame.h"
#include "vireo/codec/serialize.h"
#include "vireo/core/client.h"
#include "vireo/core/service.h"
#include "vireo/core/task.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::servertest {

// Every wait in these tests gives up after this long: far beyond what a
// loaded machine needs, so a timeout means a bug.
inline constexpr int kWaitSeconds = 30;

// One reply as the client read it.
struct TestReply {
  codec::FrameHeader header;
  codec::MessageBegin message;
  // The message body after its header.
  transport::LinkBuffer body;

  // The result struct of a kReply message.
  absl::StatusOr<EchoResult> Result();
  // The exception of a kException message.
  absl::StatusOr<codec::TApplicationException> Exception();
};

class TestClient {
 public:
  // Connects to 127.0.0.1:port. `framing` and `protocol` are what Call
  // writes and Read expects.
  TestClient(uint16_t port, codec::Framing framing, codec::ProtocolId protocol);
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  // The local port (how the server's log lines name this client).
  uint16_t local_port() const;

  // Encodes message `name` (`type`, `seq_id`) with `args` in a frame whose
  // other header fields come from `header` (framing and protocol are set
  // from the client's). Returns the bytes.
  std::string Encode(std::string_view name, int32_t seq_id, const EchoArgs& args,
                     codec::FrameHeader header = {},
                     codec::MessageType type = codec::MessageType::kCall) const;
  // Encode + SendRaw.
  bool Call(std::string_view name, int32_t seq_id, const EchoArgs& args,
            codec::FrameHeader header = {}, codec::MessageType type = codec::MessageType::kCall);
  bool SendRaw(std::string_view bytes);

  // Reads the next frame: its header and payload. An error when the server
  // closed the connection (NotFound "closed"), or on a timeout.
  absl::StatusOr<codec::Frame> ReadFrame();
  // ReadFrame, then the message header.
  absl::StatusOr<TestReply> Read();
  // True when the server closes the connection (EOF or reset) before any
  // further byte arrives or the wait ends.
  bool WaitClosed();
  // Half-closes our side (FIN), as a client would after its last request.
  void ShutdownWrite();
  void Close();

 private:
  int fd_ = -1;
  codec::Framing framing_;
  codec::ProtocolId protocol_;
  transport::LinkBuffer in_;
  codec::FrameDecoder decoder_;
};

EchoArgs MakeArgs(std::string message);

// Polls `done` every 10 ms until it holds; false if it still does not
// after kWaitSeconds.
template <class F>
bool WaitUntil(F done) {
  for (int i = 0; i < kWaitSeconds * 100; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

// One call of `method` with the echo arguments `message` through `client`,
// waited for; its status (a copy made on the completing thread, so that no
// status representation is shared across threads).
absl::Status EchoThrough(Client& client, const CallOptions& options = {},
                         const MethodInfo& method = MethodInfo{.name = "echo"},
                         std::string message = "hi");

// Holds handlers suspended until the test releases them, by key.
class Parking {
 public:
  // Suspends the awaiting handler until Release(key).
  auto Park(int32_t key) {
    return Suspend<bool>([this, key](absl::AnyInvocable<void(bool) &&> resume) {
      std::lock_guard<std::mutex> lock(mu_);
      parked_[key] = std::move(resume);
      cv_.notify_all();
    });
  }
  // Blocks this thread (a worker's) until Release(key); counts as parked.
  void Block(int32_t key);
  // Waits until `n` handlers are parked; false after kWaitSeconds.
  bool WaitParked(size_t n);
  // Resumes the handler parked under `key` on this thread; false when none.
  bool Release(int32_t key);
  // Resumes every handler parked now; how many.
  size_t ReleaseAll();
  size_t parked();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<int32_t, absl::AnyInvocable<void(bool) &&>> parked_;
};

// A service whose echo-like methods behave by request message:
//   "park"          waits in Parking under its sequence id, then echoes
//   "block"         blocks its thread in Parking likewise, then echoes
//   "throw-idl"     throws MyError{reason "bad request", code 42}
//   "throw-runtime" throws std::runtime_error("boom")
//   anything else   echoes the message
// Every reply says which service and thread served it, whether
// CurrentCallContext() was set, whether a deadline came, and the
// request's "user" metadata; it sets response metadata "served-by" and,
// on TTHeader, int key 100 = "7".
// Methods: "echo", "notify" (oneway, counts calls; "throw-runtime" throws
// there too), and `extra` (another
// echo, named per instance, for routing tests).
class TestService : public Service {
 public:
  TestService(std::string name, std::string extra, Parking* parking = nullptr);

  std::string_view ServiceName() const override { return name_; }
  std::span<const MethodDescriptor> Methods() const override { return methods_; }

  Task<Response> Echo(CallContext& ctx, Request req);
  void Notify(const Request& req);

  // Waits until `n` oneway notifies have arrived; false after kWaitSeconds.
  bool WaitNotified(size_t n);
  std::vector<std::string> notified();
  // Calls that reached Echo.
  int echo_calls() const { return echo_calls_.load(); }

 private:
  const std::string name_;
  const std::string extra_;
  Parking* const parking_;
  std::vector<MethodDescriptor> methods_;
  std::atomic<int> echo_calls_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> notified_;
};

// Collects log lines from spdlog's default logger while it lives.
class LogCapture {
 public:
  class Sink;

  LogCapture();
  ~LogCapture();
  // Waits until a line contains every one of `parts`; false after
  // kWaitSeconds.
  bool WaitFor(std::vector<std::string> parts);
  std::vector<std::string> lines();

 private:
  std::shared_ptr<Sink> sink_;
};

}  // namespace vireo::servertest

#endif  // VIREO_CORE_SERVER_TEST_UTIL_H_
