// The client at the edges: destroyed while a connection retires after the
// server's going-away notice, destroyed on its own loop thread, and the one
// completion rule for calls that fail before they are sent. A real vireo
// Server on loopback throughout.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "vireo/core/client.h"
#include "vireo/core/server.h"
#include "vireo/core/server_test_util.h"
#include "vireo/transport/event_loop.h"

namespace vireo::servertest {
namespace {

using codec::Framing;

std::unique_ptr<Server> StartedServer(Service* service) {
  ServerOptions o;
  o.address = "127.0.0.1:0";
  o.num_loops = 1;
  o.shutdown_grace = absl::Seconds(kWaitSeconds);
  auto server = std::make_unique<Server>(o);
  server->AddService(service);
  const absl::Status started = server->Start();
  EXPECT_TRUE(started.ok()) << started;
  return started.ok() ? std::move(server) : nullptr;
}

ClientOptions OptionsFor(uint16_t port, Framing framing = Framing::kTTHeader) {
  ClientOptions o;
  o.targets = {"127.0.0.1:" + std::to_string(port)};
  o.framing = framing;
  o.call_timeout = absl::Seconds(kWaitSeconds);
  return o;
}

// What one call's `done` saw.
struct Completion {
  absl::Status status;
  std::string message;
  // `done` ran inside the Call() that started the call (on its thread,
  // before it returned).
  bool inside_call = false;
  bool on_loop_thread = false;
};

// Starts an echo of `message`; `done` fulfils the returned future.
std::future<Completion> Echo(Client& client, const std::string& message,
                             const CallOptions& options = {}) {
  auto promise = std::make_shared<std::promise<Completion>>();
  std::future<Completion> f = promise->get_future();
  auto inside = std::make_shared<std::atomic<bool>>(true);
  const std::thread::id caller = std::this_thread::get_id();
  const EchoArgs args = MakeArgs(message);
  client.Call(
      MethodInfo{.name = "echo"},
      [&](codec::ProtocolId p, transport::LinkBuffer& out) { codec::Encode(args, p, out); },
      options,
      [promise, inside, caller](absl::Status status, ClientReply& reply) mutable {
        Completion c;
        c.inside_call = inside->load() && std::this_thread::get_id() == caller;
        c.on_loop_thread = transport::EventLoop::Current() != nullptr;
        if (status.ok()) {
          EchoResult result;
          status = reply.Decode(&result);
          if (status.ok() && result.success) c.message = result.success->message;
        }
        c.status = absl::Status(status.code(), std::string(status.message()));
        promise->set_value(std::move(c));
      });
  inside->store(false);
  return f;
}

bool Ready(std::future<Completion>& f) {
  return f.wait_for(std::chrono::seconds(kWaitSeconds)) == std::future_status::ready;
}

// ---- 2. ~Client while a mux connection retires ----

// The server's crrst retires the connection that carries a parked call;
// the next call replaces it. Destroying the client then must complete the
// parked call (UNAVAILABLE) before ~Client returns; it used to be left in
// the retired connection, whose callback held the pool that held the
// connection: never run, and leaked (LeakSanitizer reports that).
TEST(ClientEdges, DestroyedWhileAConnectionRetiresCompletesItsCalls) {
  Parking parking;
  TestService service("EchoService", "", &parking);
  std::unique_ptr<Server> server = StartedServer(&service);
  ASSERT_NE(server, nullptr);
  auto client = std::make_unique<Client>(OptionsFor(server->port()));
  std::future<Completion> parked = Echo(*client, "park");
  ASSERT_TRUE(parking.WaitParked(1));

  std::thread stopper([&] { server->Stop(absl::Seconds(kWaitSeconds)); });
  // Calls until one lands on a replacement connection (refused: the server
  // no longer accepts). Those that reach the old one are served before the
  // stop begins, refused by the stopping server after.
  for (int i = 0; i < kWaitSeconds * 100 && client->Stats().connections < 2; ++i) {
    std::future<Completion> f = Echo(*client, "hi");
    ASSERT_TRUE(Ready(f));
    const absl::Status s = f.get().status;
    EXPECT_TRUE(s.ok() || s.code() == absl::StatusCode::kUnavailable) << s;
  }
  ASSERT_EQ(client->Stats().connections, 2u);
  // The retiring connection is counted, with its call.
  EXPECT_EQ(client->Stats().in_flight, 1u);

  client.reset();
  ASSERT_EQ(parked.wait_for(std::chrono::seconds(0)), std::future_status::ready)
      << "~Client returned with a call not completed";
  Completion c = parked.get();
  EXPECT_EQ(c.status.code(), absl::StatusCode::kUnavailable) << c.status;
  ASSERT_TRUE(parking.Release(1));
  stopper.join();
}

// ---- 3. ~Client on one of its own loop threads ----

// The generated clients' shared_ptr<Client> form: the last reference is
// dropped inside a callback. ~Client there used to wait for its loops to
// stop (its own among them) and hang.
TEST(ClientEdges, LastReferenceDroppedInsideACallbackDoesNotHang) {
  TestService service("EchoService", "");
  std::unique_ptr<Server> server = StartedServer(&service);
  ASSERT_NE(server, nullptr);
  auto client = std::make_shared<Client>(OptionsFor(server->port()));
  std::promise<bool> dropped;
  const EchoArgs args = MakeArgs("hi");
  client->Call(
      MethodInfo{.name = "echo"},
      [&](codec::ProtocolId p, transport::LinkBuffer& out) { codec::Encode(args, p, out); }, {},
      [&dropped, holder = client](absl::Status status, ClientReply&) mutable {
        EXPECT_TRUE(status.ok()) << status;
        const bool on_loop = transport::EventLoop::Current() != nullptr;
        holder.reset();  // the last reference: ~Client runs here
        dropped.set_value(on_loop);
      });
  client.reset();
  std::future<bool> f = dropped.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(kWaitSeconds)), std::future_status::ready)
      << "~Client on its own loop thread hung";
  EXPECT_TRUE(f.get()) << "the callback did not run on a loop thread";
  // The teardown handed to another thread finishes.
  for (int i = 0; i < kWaitSeconds * 1000 && internal::ClientTeardownsInProgress() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(internal::ClientTeardownsInProgress(), 0);
}

// ---- 9. One completion rule ----

// A call that fails before anything is sent still completes on a loop
// thread, after Call() has returned: the caller may hold a lock its
// callback takes.
TEST(ClientEdges, CallsThatFailBeforeSendingCompleteOutsideCall) {
  {
    SCOPED_TRACE("no target");
    ClientOptions o;
    o.targets = {};
    Client client(o);
    std::future<Completion> f = Echo(client, "hi");
    ASSERT_TRUE(Ready(f));
    Completion c = f.get();
    EXPECT_EQ(c.status.code(), absl::StatusCode::kUnavailable) << c.status;
    EXPECT_FALSE(c.inside_call);
    EXPECT_TRUE(c.on_loop_thread);
  }
  {
    SCOPED_TRACE("refused by a middleware");
    ClientOptions o;
    o.targets = {"127.0.0.1:1"};
    Client client(o);
    client.Use([](CallContext&, ClientNext) -> Task<absl::Status> {
      co_return absl::PermissionDeniedError("not allowed");
    });
    std::future<Completion> f = Echo(client, "hi");
    ASSERT_TRUE(Ready(f));
    Completion c = f.get();
    EXPECT_EQ(c.status.code(), absl::StatusCode::kPermissionDenied) << c.status;
    EXPECT_FALSE(c.inside_call);
    EXPECT_TRUE(c.on_loop_thread);
  }
  for (ConnectionMode mode : {ConnectionMode::kMux, ConnectionMode::kPooled,
                              ConnectionMode::kShort}) {
    SCOPED_TRACE("connection refused, mode " + std::to_string(static_cast<int>(mode)));
    ClientOptions o;
    o.targets = {"127.0.0.1:1"};
    o.mode = mode;
    Client client(o);
    std::future<Completion> f = Echo(client, "hi");
    ASSERT_TRUE(Ready(f));
    Completion c = f.get();
    EXPECT_EQ(c.status.code(), absl::StatusCode::kUnavailable) << c.status;
    EXPECT_FALSE(c.inside_call);
    EXPECT_TRUE(c.on_loop_thread);
  }
}

// What a stopping server's refusal looks like to the client: UNAVAILABLE,
// which a retry may act on (the call did not run).
TEST(ClientEdges, AStoppingServersRefusalIsUnavailable) {
  Parking parking;
  TestService service("EchoService", "", &parking);
  std::unique_ptr<Server> server = StartedServer(&service);
  ASSERT_NE(server, nullptr);
  // THeader: no crrst notice, so the second call goes out on the busy
  // connection after the stop began; its answer need not wait for the
  // first call's (on Framed it would, and the order of the test's release
  // and the server's read would decide between refusal and close).
  ClientOptions o = OptionsFor(server->port(), Framing::kTHeader);
  o.mode = ConnectionMode::kMux;
  Client client(o);
  std::future<Completion> parked = Echo(client, "park");
  ASSERT_TRUE(parking.WaitParked(1));
  std::thread stopper([&] { server->Stop(absl::Seconds(kWaitSeconds)); });
  for (;;) {
    TestClient probe(server->port(), Framing::kFramed, codec::ProtocolId::kBinary);
    if (!probe.connected()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::future<Completion> refused = Echo(client, "hi");
  ASSERT_TRUE(Ready(refused));
  Completion c = refused.get();
  EXPECT_EQ(c.status.code(), absl::StatusCode::kUnavailable) << c.status;
  EXPECT_NE(c.status.message().find("LOADSHEDDING"), std::string::npos) << c.status;
  ASSERT_TRUE(parking.Release(1));
  ASSERT_TRUE(Ready(parked));
  EXPECT_EQ(parked.get().message, "park");
  stopper.join();
  EXPECT_EQ(service.echo_calls(), 1);
}

}  // namespace
}  // namespace vireo::servertest
