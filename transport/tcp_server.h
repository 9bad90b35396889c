// TcpServer: accepts connections on every loop of an EventLoopGroup.
//
// One Listener per loop shares the port (SO_REUSEPORT); each accepted
// connection lives on the loop that accepted it. The server tracks its open
// connections (so that Stop() can close them, and ForEachConnection visit
// them), and enforces max_connections. vireo::Server is built on it; the
// per-connection protocol state rides on Connection::context().
//
// Example:
//   EventLoopGroup loops;
//   TcpServer server(&loops, *InetAddress::Parse("0.0.0.0:9090"), {},
//       [](const std::shared_ptr<Connection>& c) {
//         c->SetMessageCallback([](Connection& c, LinkBuffer& in) {
//           c.Send(*in.Slice(in.Len()));   // echo
//         });
//       });
//   if (absl::Status s = server.Start(); !s.ok()) ...
//   server.Stop();
//
// Thread rules: Start and Stop from any thread but a loop thread of the
// group; callbacks run on the connection's loop thread, on several loops at
// once, so they must be thread safe.
#ifndef VIREO_TRANSPORT_TCP_SERVER_H_
#define VIREO_TRANSPORT_TCP_SERVER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "vireo/transport/connection.h"
#include "vireo/transport/event_loop_group.h"
#include "vireo/transport/inet_address.h"
#include "vireo/transport/listener.h"

namespace vireo::transport {

class TcpServer {
 public:
  struct Options {
    Listener::Options listener;
    Connection::Options connection;
    // Most connections open at once; further ones are accepted and closed
    // at once, with a log line. Default: 0 = no limit.
    size_t max_connections = 0;
  };
  // Sets up a new connection before it starts (its message and peer-closed
  // callbacks, its context). The server owns the close callback; use
  // `on_close` to hear of closes (the context is still set then).
  using ConnectionCallback = std::function<void(const std::shared_ptr<Connection>&)>;
  using CloseCallback = std::function<void(Connection&, const absl::Status&)>;

  // `group` must outlive the server and be running until Stop() returns.
  TcpServer(EventLoopGroup* group, const InetAddress& address, const Options& options,
            ConnectionCallback on_connection, CloseCallback on_close = nullptr);
  // Stops the server.
  ~TcpServer();
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;

  // Binds one listener per loop and starts accepting.
  absl::Status Start();
  // Stops accepting (the listening sockets close: connects are refused)
  // and returns when every loop has done so. Connections stay open. With
  // `then`, each loop runs it on each of its open connections in the same
  // task that closes its listener: once a connect is refused, every
  // connection has been through `then`. Idempotent.
  void StopAccepting(const std::function<void(Connection&)>& then = nullptr);
  // Runs `fn` on each open connection, in its loop thread, and returns when
  // every loop has run it for all of its connections. `fn` may close them.
  void ForEachConnection(const std::function<void(Connection&)>& fn);
  // Stops accepting, closes every connection, and returns when all loops
  // have done so. Idempotent.
  void Stop();

  // The bound address (its port is the chosen one when asked for port 0).
  const InetAddress& address() const { return address_; }
  // Connections open now. Thread safe.
  size_t connection_count() const { return count_.load(std::memory_order_relaxed); }
  // Connections closed at accept because max_connections were open. Thread
  // safe.
  uint64_t rejected() const { return rejected_.load(std::memory_order_relaxed); }

 private:
  struct PerLoop {
    EventLoop* loop = nullptr;
    std::unique_ptr<Listener> listener;
    // Loop thread only.
    absl::flat_hash_map<Connection*, std::shared_ptr<Connection>> connections;
  };
  void OnAccept(PerLoop* per_loop, int fd, const InetAddress& peer);
  // Runs `fn` on every loop and returns when all have run it.
  void OnEveryLoop(const std::function<void(PerLoop&)>& fn);

  EventLoopGroup* const group_;
  InetAddress address_;
  const Options options_;
  ConnectionCallback on_connection_;
  CloseCallback on_close_;
  std::vector<std::unique_ptr<PerLoop>> loops_;
  std::atomic<size_t> count_{0};
  std::atomic<uint64_t> rejected_{0};
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace vireo::transport

#endif  // VIREO_TRANSPORT_TCP_SERVER_H_
