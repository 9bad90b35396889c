#include "vireo/transport/tcp_server.h"

#include <unistd.h>

#include <future>

#include "spdlog/spdlog.h"

namespace vireo::transport {

TcpServer::TcpServer(EventLoopGroup* group, const InetAddress& address, const Options& options,
                     ConnectionCallback on_connection, CloseCallback on_close)
    : group_(group),
      address_(address),
      options_(options),
      on_connection_(std::move(on_connection)),
      on_close_(std::move(on_close)) {}

TcpServer::~TcpServer() { Stop(); }

absl::Status TcpServer::Start() {
  if (started_) return absl::FailedPreconditionError("TcpServer already started");
  started_ = true;
  for (size_t i = 0; i < group_->size(); ++i) {
    auto per_loop = std::make_unique<PerLoop>();
    per_loop->loop = group_->loop(i);
    PerLoop* raw = per_loop.get();
    // The first listener may have been given port 0: the rest bind to the
    // port it got.
    auto listener = Listener::Create(raw->loop, address_, options_.listener,
                                     [this, raw](int fd, const InetAddress& peer) {
                                       OnAccept(raw, fd, peer);
                                     });
    if (!listener.ok()) {
      loops_.push_back(std::move(per_loop));
      Stop();
      return listener.status();
    }
    address_ = (*listener)->address();
    per_loop->listener = std::move(*listener);
    loops_.push_back(std::move(per_loop));
  }
  for (auto& per_loop : loops_) per_loop->listener->Start();
  return absl::OkStatus();
}

void TcpServer::OnAccept(PerLoop* per_loop, int fd, const InetAddress& peer) {
  if (options_.max_connections > 0 && count_.load() >= options_.max_connections) {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("server {}: {} connections open, the limit (max_connections); closing the new "
                 "one from {}",
                 address_.ToString(), options_.max_connections, peer.ToString());
    ::close(fd);
    return;
  }
  auto conn = Connection::Create(per_loop->loop, fd, address_, peer, options_.connection);
  count_.fetch_add(1, std::memory_order_relaxed);
  per_loop->connections.emplace(conn.get(), conn);
  if (on_connection_) on_connection_(conn);
  conn->SetCloseCallback([this, per_loop](Connection& c, const absl::Status& why) {
    count_.fetch_sub(1, std::memory_order_relaxed);
    if (on_close_) on_close_(c, why);
    per_loop->connections.erase(&c);
  });
  conn->Start();
}

void TcpServer::OnEveryLoop(const std::function<void(PerLoop&)>& fn) {
  std::vector<std::future<void>> done;
  done.reserve(loops_.size());
  for (auto& per_loop : loops_) {
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

namespace {

// Runs `fn` on each connection of `per_loop`, which `fn` may close (that
// erases it from the map).
template <class PerLoop>
void VisitConnections(PerLoop& per_loop, const std::function<void(Connection&)>& fn) {
  std::vector<std::shared_ptr<Connection>> open;
  open.reserve(per_loop.connections.size());
  for (auto& [ptr, conn] : per_loop.connections) open.push_back(conn);
  for (auto& conn : open) fn(*conn);
}

}  // namespace

void TcpServer::StopAccepting(const std::function<void(Connection&)>& then) {
  if (!started_) return;
  OnEveryLoop([&then](PerLoop& per_loop) {
    if (per_loop.listener) per_loop.listener->Stop();
    if (then) VisitConnections(per_loop, then);
  });
}

void TcpServer::ForEachConnection(const std::function<void(Connection&)>& fn) {
  if (!started_) return;
  OnEveryLoop([&fn](PerLoop& per_loop) { VisitConnections(per_loop, fn); });
}

void TcpServer::Stop() {
  if (stopped_ || !started_) return;
  stopped_ = true;
  StopAccepting();
  ForEachConnection([](Connection& c) { c.Close(absl::CancelledError("server stopping")); });
}

}  // namespace vireo::transport
