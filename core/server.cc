#include "vireo/core/server.h"

#include <unistd.h>

#include <future>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "spdlog/spdlog.h"
#include "vireo/core/internal/server_connection.h"
#include "vireo/core/internal/server_core.h"
#include "vireo/core/internal/str_cat.h"
#include "vireo/transport/listener.h"

namespace vireo {

using internal::ServerConnection;

struct Server::PerLoop {
  transport::EventLoop* loop = nullptr;
  std::unique_ptr<transport::Listener> listener;
  // Loop thread only.
  absl::flat_hash_map<ServerConnection*, std::shared_ptr<ServerConnection>> connections;
};

namespace {

// A numeric "host:port", or a host name resolved now.
absl::StatusOr<transport::InetAddress> ListenAddress(const std::string& address) {
  absl::StatusOr<transport::InetAddress> a = transport::InetAddress::Parse(address);
  if (a.ok()) return a;
  const size_t colon = address.rfind(':');
  int port = -1;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(absl::string_view(address).substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        internal::Cat("server address \"", address, "\": expected host:port"));
  }
  return transport::InetAddress::Resolve(address.substr(0, colon), static_cast<uint16_t>(port));
}

}  // namespace

Server::Server(ServerOptions options)
    : core_(std::make_shared<internal::ServerCore>(std::move(options))) {}

Server::~Server() {
  Stop();
  // Start may have failed half way, with loops running.
  if (loops_) {
    {
      transport::WriterLock lock(core_->loops_mu);
      core_->loops_alive = false;
    }
    loops_->Stop();
  }
  if (core_->workers) core_->workers->Shutdown();
}

const ServerOptions& Server::options() const { return core_->options; }

void Server::AddService(Service* service) {
  if (started_) {
    spdlog::error("vireo server: AddService({}) after Start() is ignored", service->ServiceName());
    return;
  }
  services_.push_back(service);
}

void Server::AddService(std::shared_ptr<Service> service) {
  if (started_) {
    spdlog::error("vireo server: AddService({}) after Start() is ignored", service->ServiceName());
    return;
  }
  services_.push_back(service.get());
  core_->owned_services.push_back(std::move(service));
}

void Server::Use(ServerMiddleware middleware) {
  if (started_) {
    spdlog::error("vireo server: Use() after Start() is ignored");
    return;
  }
  core_->middleware.push_back(std::move(middleware));
}

absl::Status Server::Start() {
  if (started_) return absl::FailedPreconditionError("vireo server: Start() called twice");
  if (services_.empty()) {
    return absl::FailedPreconditionError("vireo server: no service added before Start()");
  }
  for (Service* s : services_) {
    if (absl::Status st = core_->router.Add(s); !st.ok()) return st;
  }
  absl::StatusOr<transport::InetAddress> address = ListenAddress(core_->options.address);
  if (!address.ok()) return address.status();
  address_ = *address;
  started_ = true;

  transport::EventLoopGroup::Options loop_options;
  loop_options.num_loops = core_->options.num_loops;
  loop_options.name = "vireo-srv";
  loops_ = std::make_unique<transport::EventLoopGroup>(loop_options);
  if (core_->options.worker_threads > 0) {
    core_->workers =
        std::make_unique<internal::WorkerPool>(core_->options.worker_threads, "vireo-worker");
  }
  for (size_t i = 0; i < loops_->size(); ++i) {
    auto per_loop = std::make_unique<PerLoop>();
    per_loop->loop = loops_->loop(i);
    PerLoop* raw = per_loop.get();
    // The first listener may have asked for port 0: the others bind to the
    // port it got.
    absl::StatusOr<std::unique_ptr<transport::Listener>> listener = transport::Listener::Create(
        raw->loop, address_, {},
        [this, raw](int fd, const transport::InetAddress& peer) { OnAccept(raw, fd, peer); });
    if (!listener.ok()) {
      stopped_ = true;
      {
        transport::WriterLock lock(core_->loops_mu);
        core_->loops_alive = false;
      }
      loops_->Stop();
      per_loop_.clear();
      return absl::Status(listener.status().code(),
                          internal::Cat("vireo server: cannot listen on ", address_.ToString(),
                                        ": ", listener.status().message()));
    }
    address_ = (*listener)->address();
    per_loop->listener = std::move(*listener);
    per_loop_.push_back(std::move(per_loop));
  }
  for (auto& per_loop : per_loop_) per_loop->listener->Start();
  return absl::OkStatus();
}

void Server::OnAccept(PerLoop* per_loop, int fd, const transport::InetAddress& peer) {
  internal::ServerCore& core = *core_;
  if (core.stopping.load(std::memory_order_acquire)) {
    ::close(fd);
    return;
  }
  const size_t max = core.options.max_connections;
  if (max > 0 && core.open_connections() >= static_cast<int64_t>(max)) {
    spdlog::warn("vireo server {}: {} connections open, the limit; closing the new one from {}",
                 address_.ToString(), max, peer.ToString());
    core.connections_rejected.fetch_add(1, std::memory_order_relaxed);
    ::close(fd);
    return;
  }
  transport::Connection::Options options;
  options.idle_timeout = core.options.idle_timeout;
  options.read_timeout = core.options.read_timeout;
  options.max_pending_output = core.options.max_pending_output;
  auto conn = transport::Connection::Create(per_loop->loop, fd, address_, peer, options);
  auto sc = std::make_shared<ServerConnection>(core_, std::move(conn));
  core.ConnectionOpened();
  core.connections_accepted.fetch_add(1, std::memory_order_relaxed);
  per_loop->connections.emplace(sc.get(), sc);
  // `per_loop` outlives every connection: Stop() closes them all first.
  sc->Start([per_loop, core = core_.get()](ServerConnection& c) {
    per_loop->connections.erase(&c);
    core->ConnectionClosed();
  });
}

template <class Fn>
void Server::OnEveryLoop(Fn fn) {
  std::vector<std::future<void>> done;
  done.reserve(per_loop_.size());
  for (auto& per_loop : per_loop_) {
    auto finished = std::make_shared<std::promise<void>>();
    done.push_back(finished->get_future());
    PerLoop* raw = per_loop.get();
    raw->loop->RunInLoop([raw, finished, &fn] {
      fn(*raw);
      finished->set_value();
    });
  }
  for (auto& f : done) f.wait();
}

void Server::Stop() { Stop(core_->options.shutdown_grace); }

void Server::Stop(absl::Duration grace) {
  if (!started_ || stopped_) return;
  stopped_ = true;
  const absl::Time deadline = absl::Now() + grace;
  core_->stopping.store(true, std::memory_order_release);
  OnEveryLoop([](PerLoop& per_loop) {
    per_loop.listener->Stop();
    // Stopping may close connections, which erases them from the map.
    std::vector<std::shared_ptr<ServerConnection>> open;
    open.reserve(per_loop.connections.size());
    for (auto& [ptr, conn] : per_loop.connections) open.push_back(conn);
    for (auto& conn : open) conn->BeginStop();
  });
  if (!core_->WaitIdle(deadline)) {
    // Calls still queued for a worker are abandoned with the others
    // rather than started after the stop.
    if (core_->workers) core_->workers->DropQueued();
    spdlog::warn(
        "vireo server {}: shutdown grace period ({}) over with {} calls in flight and {} "
        "connections open; closing them",
        address_.ToString(), absl::FormatDuration(grace), core_->in_flight(),
        core_->open_connections());
  }
  OnEveryLoop([](PerLoop& per_loop) {
    std::vector<std::shared_ptr<ServerConnection>> open;
    open.reserve(per_loop.connections.size());
    for (auto& [ptr, conn] : per_loop.connections) open.push_back(conn);
    for (auto& conn : open) conn->ForceClose(absl::CancelledError("server stopped"));
  });
  {
    transport::WriterLock lock(core_->loops_mu);
    core_->loops_alive = false;
  }
  // Calls finishing from now on find the loops gone and drop their replies.
  loops_->Stop();
  if (core_->workers) core_->workers->Shutdown();
  per_loop_.clear();
}

ServerStats Server::stats() const {
  ServerStats s;
  s.connections_accepted = core_->connections_accepted.load(std::memory_order_relaxed);
  s.connections_rejected = core_->connections_rejected.load(std::memory_order_relaxed);
  s.open_connections = core_->open_connections();
  s.in_flight_calls = core_->in_flight();
  s.calls_served = core_->calls_served.load(std::memory_order_relaxed);
  s.bad_input_closes = core_->bad_input_closes.load(std::memory_order_relaxed);
  return s;
}

}  // namespace vireo
