#include "vireo/core/server.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "spdlog/spdlog.h"
#include "vireo/core/internal/server_connection.h"
#include "vireo/core/internal/server_core.h"
#include "vireo/core/internal/str_cat.h"
#include "vireo/core/metrics.h"
#include "vireo/transport/tcp_server.h"

namespace vireo {

using internal::ServerConnection;

namespace {

// The protocol state a connection of ours carries.
ServerConnection& Of(transport::Connection& c) {
  return *static_cast<ServerConnection*>(c.context().get());
}

// A numeric "host:port", or a host name resolved now.
absl::StatusOr<transport::InetAddress> ListenAddress(const std::string& address) {
  absl::StatusOr<transport::InetAddress> a = transport::InetAddress::ParseOrResolve(address);
  if (absl::IsInvalidArgument(a.status())) {
    return absl::InvalidArgumentError(
        internal::Cat("server address \"", address, "\": expected host:port"));
  }
  return a;
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
  std::optional<transport::InetAddress> admin_address;
  if (!core_->options.admin_address.empty()) {
    absl::StatusOr<transport::InetAddress> a = ListenAddress(core_->options.admin_address);
    if (!a.ok()) {
      return absl::InvalidArgumentError(internal::Cat("admin_address: ", a.status().message()));
    }
    admin_address = *a;
  }
  if (core_->options.metrics) {
    core_->router.EnableMetrics(Metrics::Default());
  }
  if (registry_ == nullptr && !core_->options.registry.kind.empty()) {
    absl::StatusOr<std::shared_ptr<Registry>> r = NewRegistry(core_->options.registry);
    if (!r.ok()) return r.status();
    registry_ = *std::move(r);
  }
  address_ = *address;
  started_ = true;

  transport::EventLoopGroup::Options loop_options;
  loop_options.num_loops = core_->options.num_loops;
  loop_options.name = "vireo-srv";
  loop_options.busy_poll = core_->options.busy_poll;
  loop_options.io_uring = core_->options.io_uring;
  loops_ = std::make_unique<transport::EventLoopGroup>(loop_options);
  core_->loops = loops_.get();
  core_->started_at = absl::Now();
  if (core_->options.admin != ServerOptions::AdminAccess::kOff || admin_address) {
    core_->admin_pool = std::make_unique<internal::WorkerPool>(1, "vireo-admin");
  }
  if (core_->options.worker_threads > 0) {
    core_->workers =
        std::make_unique<internal::WorkerPool>(core_->options.worker_threads, "vireo-worker");
  }
  transport::TcpServer::Options tcp_options;
  tcp_options.max_connections = core_->options.max_connections;
  tcp_options.connection.idle_timeout = core_->options.idle_timeout;
  tcp_options.connection.read_timeout = core_->options.read_timeout;
  tcp_options.connection.max_pending_output = core_->options.max_pending_output;
  // The ServerCore outlives the TcpServer: Stop() closes every connection
  // before the server goes.
  internal::ServerCore* core = core_.get();
  tcp_ = std::make_unique<transport::TcpServer>(
      loops_.get(), address_, tcp_options,
      [core = core_](const std::shared_ptr<transport::Connection>& conn) {
        auto sc = std::make_shared<ServerConnection>(core, conn);
        core->ConnectionOpened();
        core->connections_accepted.fetch_add(1, std::memory_order_relaxed);
        sc->Attach();
      },
      [core](transport::Connection& conn, const absl::Status& reason) {
        Of(conn).OnClosed(reason);
        core->ConnectionClosed();
      });
  if (absl::Status listening = tcp_->Start(); !listening.ok()) {
    stopped_ = true;
    {
      transport::WriterLock lock(core_->loops_mu);
      core_->loops_alive = false;
    }
    loops_->Stop();
    return absl::Status(listening.code(),
                        internal::Cat("vireo server: cannot listen on ", address_.ToString(), ": ",
                                      listening.message()));
  }
  address_ = tcp_->address();
  core_->port = address_.port();
  if (admin_address) {
    transport::TcpServer::Options admin_options;
    admin_options.connection.idle_timeout = absl::Seconds(30);
    admin_options.connection.read_timeout = core_->options.read_timeout;
    admin_tcp_ = std::make_unique<transport::TcpServer>(
        loops_.get(), *admin_address, admin_options,
        [core = core_](const std::shared_ptr<transport::Connection>& conn) {
          auto sc = std::make_shared<ServerConnection>(core, conn, /*admin_only=*/true);
          sc->Attach();
        },
        [](transport::Connection& conn, const absl::Status& reason) { Of(conn).OnClosed(reason); });
    if (absl::Status listening = admin_tcp_->Start(); !listening.ok()) {
      Stop(absl::ZeroDuration());
      return absl::Status(listening.code(),
                          internal::Cat("vireo server: cannot listen on admin_address ",
                                        admin_address->ToString(), ": ", listening.message()));
    }
    admin_address_ = admin_tcp_->address();
  }
  if (core_->options.metrics) AddCollector();
  if (registry_ != nullptr) {
    if (absl::Status s = Register(); !s.ok()) {
      Stop(absl::ZeroDuration());
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status Server::Register() {
  const RegistryOptions& o = core_->options.registry;
  absl::StatusOr<transport::InetAddress> where = address_;
  if (!o.host.empty()) {
    where = transport::InetAddress::Resolve(o.host, address_.port());
  } else if (address_.IsWildcard()) {
    where = transport::InetAddress::FirstNonLoopbackIPv4(address_.port());
  }
  if (!where.ok()) {
    return absl::Status(where.status().code(),
                        internal::Cat("vireo server: no address to register (set registry.host): ",
                                      where.status().message()));
  }
  std::vector<std::string> names;
  if (!o.service.empty()) {
    names.push_back(o.service);
  } else {
    for (Service* s : services_) names.emplace_back(s->ServiceName());
  }
  for (std::string& name : names) {
    RegistryInfo info;
    info.service = std::move(name);
    info.address = *where;
    info.weight = o.weight;
    info.tags = o.tags;
    if (absl::Status s = registry_->Register(info); !s.ok()) {
      return absl::Status(s.code(), internal::Cat("vireo server: cannot register ", info.service,
                                                  " at ", info.address.ToString(), ": ",
                                                  s.message()));
    }
    registered_.push_back(std::move(info));
  }
  return absl::OkStatus();
}

void Server::Stop() { Stop(core_->options.shutdown_grace); }

void Server::Stop(absl::Duration grace) {
  if (!started_ || stopped_) return;
  stopped_ = true;
  const absl::Time deadline = absl::Now() + grace;
  // /health answers 503 from now on.
  core_->stopping.store(true, std::memory_order_relaxed);
  // Out of the registry first: clients watching it stop picking this
  // server while it still answers.
  for (const RegistryInfo& info : registered_) {
    if (absl::Status s = registry_->Deregister(info); !s.ok()) {
      spdlog::warn("vireo server {}: cannot deregister {}: {}", address_.ToString(), info.service,
                   std::string(s.message()));
    }
  }
  registered_.clear();
  // Each loop closes its listener and begins the stop of its connections
  // in one task: no connection is accepted after, and once connects are
  // refused every connection refuses new requests.
  tcp_->StopAccepting([](transport::Connection& c) { Of(c).BeginStop(); });
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
  tcp_->ForEachConnection(
      [](transport::Connection& c) { Of(c).ForceClose(absl::CancelledError("server stopped")); });
  tcp_->Stop();
  // The admin pages stay up while the server drains (/health says 503).
  if (admin_tcp_ != nullptr) admin_tcp_->Stop();
  // A page still rendering finds the loops alive or drops its response.
  if (core_->admin_pool) core_->admin_pool->Shutdown();
  if (collector_ >= 0) {
    Metrics::Default().RemoveCollector(collector_);
    collector_ = -1;
  }
  {
    transport::WriterLock lock(core_->loops_mu);
    core_->loops_alive = false;
  }
  // Calls finishing from now on find the loops gone and drop their replies.
  loops_->Stop();
  if (core_->workers) core_->workers->Shutdown();
}

void Server::SetRegistry(std::shared_ptr<Registry> registry) { registry_ = std::move(registry); }

void Server::SetTracer(std::shared_ptr<Tracer> tracer) { core_->tracer = std::move(tracer); }

ServerStats Server::stats() const {
  ServerStats s;
  s.connections_accepted = core_->connections_accepted.load(std::memory_order_relaxed);
  s.connections_rejected = tcp_ != nullptr ? tcp_->rejected() : 0;
  s.calls_rejected = core_->limits.rejected();
  s.open_connections = core_->open_connections();
  s.in_flight_calls = core_->in_flight();
  s.calls_served = core_->calls_served.load(std::memory_order_relaxed);
  s.bad_input_closes = core_->bad_input_closes.load(std::memory_order_relaxed);
  return s;
}

}  // namespace vireo

namespace vireo {

void Server::AddCollector() {
  using prometheus::MetricType;
  // The collector runs on a scraping thread until Stop removes it, which
  // happens before the loops, listener and core go.
  collector_ = Metrics::Default().AddCollector([core = core_.get(), tcp = tcp_.get(),
                                                loops = loops_.get()](
                                                   std::vector<prometheus::MetricFamily>& out) {
    using internal::ServerCore;
    const std::string port = std::to_string(core->port);
    AddSample(
        out,
        AddFamily(out, "vireo_server_connections_open", "Connections open now.", MetricType::Gauge),
        {{"port", port}}, static_cast<double>(core->open_connections()));
    AddSample(out,
              AddFamily(out, "vireo_server_connections_accepted_total", "Connections accepted.",
                        MetricType::Counter),
              {{"port", port}},
              static_cast<double>(core->connections_accepted.load(std::memory_order_relaxed)));
    AddSample(
        out,
        AddFamily(out, "vireo_server_connections_rejected_total",
                  "Connections refused because max_connections were open.", MetricType::Counter),
        {{"port", port}}, static_cast<double>(tcp->rejected()));
    const size_t closed = AddFamily(out, "vireo_server_connections_closed_total",
                                    "Connections closed, by reason.", MetricType::Counter);
    for (size_t i = 0; i < static_cast<size_t>(ServerCore::Closed::kCount); ++i) {
      const auto reason = static_cast<ServerCore::Closed>(i);
      AddSample(out, closed,
                {{"port", port}, {"reason", std::string(ServerCore::ClosedName(reason))}},
                static_cast<double>(core->closed(reason)));
    }
    const size_t bad =
        AddFamily(out, "vireo_server_bad_input_total",
                  "Connections closed for what their client sent, by reason.", MetricType::Counter);
    for (size_t i = 0; i < static_cast<size_t>(ServerCore::BadInput::kCount); ++i) {
      const auto reason = static_cast<ServerCore::BadInput>(i);
      AddSample(out, bad,
                {{"port", port}, {"reason", std::string(ServerCore::BadInputName(reason))}},
                static_cast<double>(core->bad_input(reason)));
    }
    AddSample(out,
              AddFamily(out, "vireo_server_calls_rejected_total",
                        "Calls refused by qps_limit, max_in_flight or max_in_flight_per_method.",
                        MetricType::Counter),
              {{"port", port}}, static_cast<double>(core->limits.rejected()));
    const size_t iterations = AddFamily(out, "vireo_server_loop_iterations_total",
                                        "Event-loop iterations, per loop.", MetricType::Counter);
    const size_t busy =
        AddFamily(out, "vireo_server_loop_busy_seconds_total",
                  "Time each event loop spent outside epoll (handling events, timers, tasks).",
                  MetricType::Counter);
    for (size_t i = 0; i < loops->size(); ++i) {
      const transport::EventLoop* loop = loops->loop(i);
      AddSample(out, iterations, {{"loop", std::to_string(i)}, {"port", port}},
                static_cast<double>(loop->iterations()));
      AddSample(out, busy, {{"loop", std::to_string(i)}, {"port", port}},
                absl::ToDoubleSeconds(loop->busy_time()));
    }
    if (core->workers != nullptr) {
      AddSample(
          out,
          AddFamily(out, "vireo_server_worker_queue_depth",
                    "Calls queued for a worker thread and not yet started.", MetricType::Gauge),
          {{"port", port}}, static_cast<double>(core->workers->queued()));
    }
  });
}

}  // namespace vireo
