// Server: hosts one or more Thrift services on one port.
//
// Each connection is recognised from its first bytes -- THeader
// (Apache/fbthrift), TTHeader (Kitex), Framed or Buffered, each with the
// Binary or Compact protocol -- so any Thrift client can call it. Every
// complete request buffered on a connection is dispatched at once; header
// framings get their replies as calls finish (any order, matched by
// sequence id), Framed and Buffered connections in request order.
//
// Routing: a call goes to the service its frame names (the "isn" string
// header, or TTHeader's to-service int key when that names a registered
// service), else to the service of an Apache TMultiplexedProtocol name
// "Service:method" (the reply then carries the bare method name, as
// Apache's TMultiplexedProcessor sends it), else to the one service that
// has the method. Unknown and ambiguous names are answered with
// TApplicationException UNKNOWN_METHOD.
//
// Errors reach the caller as TApplicationExceptions: PROTOCOL_ERROR when
// the arguments cannot be decoded (the connection is then closed),
// INTERNAL_ERROR with what() when a handler throws, INTERNAL_ERROR
// "<CODE>: <message>" when a middleware rejects the call. Bytes that are
// not Thrift, malformed frames and frames over the limits close their
// connection with a logged reason; other connections are unaffected.
//
// Example:
//   EchoHandler handler;                       // derives from generated code
//   vireo::ServerOptions options;
//   options.address = "0.0.0.0:9090";
//   vireo::Server server(options);
//   server.AddService(&handler);
//   server.Use(vireo::AccessLogMiddleware());
//   if (absl::Status s = server.Start(); !s.ok()) return s;
//   WaitForSignal();
//   server.Stop();                             // graceful, within shutdown_grace
//
// Shutdown: Stop(grace) stops accepting, tells TTHeader clients the server
// is going away (Kitex's "crrst" notice), lets calls in flight finish and
// send their replies, closes each connection once it has no call in
// flight, and after `grace` closes whatever is left and returns; calls
// still running then are abandoned (their replies are dropped when they
// finish). It waits on counters, never by sleeping.
//
// Thread rules: AddService and Use before Start; Start, Stop and the
// destructor from any thread that is not one of the server's (a loop or
// worker thread); port, address and stats from any thread. Handlers and
// middleware run on several threads at once.
#ifndef VIREO_CORE_SERVER_H_
#define VIREO_CORE_SERVER_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "vireo/core/registry.h"
#include "vireo/core/server_middleware.h"
#include "vireo/core/tracer.h"
#include "vireo/core/server_options.h"
#include "vireo/core/service.h"
#include "vireo/transport/event_loop_group.h"
#include "vireo/transport/inet_address.h"
#include "vireo/transport/tcp_server.h"

namespace vireo {

namespace internal {
class ServerCore;
class ServerConnection;
}  // namespace internal

// A snapshot of a server's counters.
struct ServerStats {
  // Connections accepted since Start (not counting those refused by
  // max_connections).
  uint64_t connections_accepted = 0;
  // Connections refused because max_connections were open.
  uint64_t connections_rejected = 0;
  // Calls answered RESOURCE_EXHAUSTED by qps_limit, max_in_flight or
  // max_in_flight_per_method.
  uint64_t calls_rejected = 0;
  // Connections open now.
  int64_t open_connections = 0;
  // Calls dispatched whose reply has not yet been queued or dropped.
  int64_t in_flight_calls = 0;
  // Calls whose handler has finished (answered or not).
  uint64_t calls_served = 0;
  // Connections closed because of what the client sent: not Thrift, a
  // malformed or oversized frame, an unreadable message header or
  // arguments, a non-call message, or a close in the middle of a frame.
  uint64_t bad_input_closes = 0;
};

class Server {
 public:
  explicit Server(ServerOptions options = ServerOptions());
  // Stop(options.shutdown_grace).
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Hosts `service`, which must outlive the server (and any call of it
  // still running after Stop() abandoned it). Before Start().
  void AddService(Service* service);
  // Hosts `service`, kept alive while a call may use it. Before Start().
  void AddService(std::shared_ptr<Service> service);
  // Adds a middleware around every call; the first added is outermost.
  // Before Start().
  void Use(ServerMiddleware middleware);
  // Registers the server's services in `registry` (instead of the one
  // options.registry names), with options.registry's weight, tags, service
  // and host. Before Start().
  void SetRegistry(std::shared_ptr<Registry> registry);
  // Reports every call the server answers, as a span, to `tracer`
  // (core/tracer.h). Default: none. Before Start().
  void SetTracer(std::shared_ptr<Tracer> tracer);

  // Binds, starts the loops (and workers), begins accepting, then registers
  // each service in the registry, if any. FailedPrecondition when already
  // started, or with no service; AlreadyExists for two services of one
  // name; InvalidArgument for a bad address or registry kind; the socket
  // error when binding fails; the registry's error when the first
  // registration fails (the server is then stopped).
  absl::Status Start();
  // Graceful shutdown within options.shutdown_grace (see above); the
  // registry's entries are removed first.
  // Idempotent; the server cannot be started again.
  void Stop();
  // Graceful shutdown within `grace`.
  void Stop(absl::Duration grace);

  // The bound address and port (the chosen one when asked for port 0).
  // After a successful Start(). Any thread.
  const transport::InetAddress& address() const { return address_; }
  uint16_t port() const { return address_.port(); }
  // The bound options.admin_address (port 0 when there is none).
  const transport::InetAddress& admin_address() const { return admin_address_; }
  const ServerOptions& options() const;
  // Any thread.
  ServerStats stats() const;

 private:
  absl::Status Register();
  // The server's connection, loop and worker gauges, in Metrics::Default().
  void AddCollector();

  std::shared_ptr<internal::ServerCore> core_;
  std::vector<Service*> services_;
  std::unique_ptr<transport::EventLoopGroup> loops_;
  // Listeners, open connections, max_connections; each connection's
  // context is its internal::ServerConnection.
  std::unique_ptr<transport::TcpServer> tcp_;
  transport::InetAddress address_;
  // options.admin_address's listener, if any.
  std::unique_ptr<transport::TcpServer> admin_tcp_;
  transport::InetAddress admin_address_;
  int collector_ = -1;
  std::shared_ptr<Registry> registry_;
  // What Start registered, removed by Stop.
  std::vector<RegistryInfo> registered_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace vireo

#endif  // VIREO_CORE_SERVER_H_
