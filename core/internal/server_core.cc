#include "vireo/core/internal/server_core.h"

#include <algorithm>

#include "vireo/core/internal/str_cat.h"

namespace vireo::internal {

namespace {
absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

codec::TApplicationException UnknownMethod(std::string message) {
  return codec::TApplicationException{codec::TApplicationException::Type::kUnknownMethod,
                                      std::move(message)};
}
}  // namespace

absl::Status Router::Add(Service* service) {
  const std::string name(service->ServiceName());
  if (by_service_.contains(name)) {
    return absl::AlreadyExistsError(Cat("service ", name, " added twice"));
  }
  auto entry = std::make_unique<Entry>();
  entry->service = service;
  std::span<const MethodDescriptor> methods = service->Methods();
  entry->methods.assign(methods.begin(), methods.end());
  for (const MethodDescriptor& m : entry->methods) {
    entry->by_name.emplace(std::string(m.name), &m);
  }
  const Entry* raw = entry.get();
  for (const MethodDescriptor& m : entry->methods) {
    by_method_[std::string(m.name)].push_back(raw);
  }
  by_service_.emplace(name, raw);
  services_.push_back(std::move(entry));
  return absl::OkStatus();
}

const Router::Entry* Router::FindService(std::string_view name) const {
  auto it = by_service_.find(AbslView(name));
  return it == by_service_.end() ? nullptr : it->second;
}

bool Router::Find(std::string_view name, std::string_view header_service,
                  std::string_view to_service, Route* route,
                  codec::TApplicationException* error) const {
  std::string_view service = header_service;
  std::string_view method = name;
  if (const size_t colon = name.find(':'); colon != std::string_view::npos) {
    method = name.substr(colon + 1);
    if (service.empty()) service = name.substr(0, colon);
  }
  // Kitex's to-service key names the callee as its client knows it, which
  // need not be an IDL service name: it routes only when it matches one.
  if (service.empty() && !to_service.empty() && FindService(to_service) != nullptr) {
    service = to_service;
  }
  const Entry* entry = nullptr;
  if (!service.empty()) {
    entry = FindService(service);
    if (entry == nullptr) {
      *error = UnknownMethod(Cat("unknown service ", service));
      return false;
    }
  } else {
    auto it = by_method_.find(AbslView(method));
    if (it == by_method_.end()) {
      *error = UnknownMethod(Cat("unknown method ", method));
      return false;
    }
    if (it->second.size() > 1) {
      std::string names;
      for (const Entry* e : it->second) {
        names += Cat(names.empty() ? "" : ", ", e->service->ServiceName());
      }
      *error = UnknownMethod(Cat("ambiguous method ", method, ": served by ", names,
                                 "; name the service (\"isn\" header, TTHeader to-service key, "
                                 "or a \"Service:method\" name)"));
      return false;
    }
    entry = it->second.front();
  }
  auto m = entry->by_name.find(AbslView(method));
  if (m == entry->by_name.end()) {
    *error = UnknownMethod(Cat("unknown method ", method, " in service ", service));
    return false;
  }
  route->service = entry->service;
  route->method = m->second;
  route->method_name = method;
  if (!entry->metrics.empty()) route->metrics = entry->metrics[m->second - entry->methods.data()];
  return true;
}

void Router::EnableMetrics(Metrics& metrics) {
  for (const std::unique_ptr<Entry>& e : services_) {
    e->metrics.clear();
    for (const MethodDescriptor& m : e->methods) {
      e->metrics.push_back(metrics.Server(e->service->ServiceName(), m.name));
    }
  }
}

void Router::ForEach(absl::FunctionRef<void(std::string_view service, std::string_view method,
                                            const CallMetrics* metrics)>
                         fn) const {
  for (const std::unique_ptr<Entry>& e : services_) {
    for (size_t i = 0; i < e->methods.size(); ++i) {
      fn(e->service->ServiceName(), e->methods[i].name,
         e->metrics.empty() ? nullptr : e->metrics[i]);
    }
  }
}

std::string_view ServerCore::BadInputName(BadInput reason) {
  switch (reason) {
    case BadInput::kNotThrift:
      return "not_thrift";
    case BadInput::kBadFrame:
      return "bad_frame";
    case BadInput::kBadMessage:
      return "bad_message_header";
    case BadInput::kNotACall:
      return "not_a_call";
    case BadInput::kBadArguments:
      return "bad_arguments";
    case BadInput::kTruncated:
      return "truncated_frame";
    case BadInput::kBadHttp:
      return "bad_http_request";
    case BadInput::kCount:
      break;
  }
  return "unknown";
}

std::string_view ServerCore::ClosedName(Closed reason) {
  switch (reason) {
    case Closed::kPeer:
      return "peer";
    case Closed::kServer:
      return "server";
    case Closed::kIdleTimeout:
      return "idle_timeout";
    case Closed::kBadInput:
      return "bad_input";
    case Closed::kError:
      return "error";
    case Closed::kCount:
      break;
  }
  return "unknown";
}

ServerCore::ServerCore(const ServerOptions& opts) : options(opts), limits(opts) {
  decode_options.limits = options.limits;
}

void ServerCore::CallEnded() {
  if (in_flight_.fetch_sub(1, std::memory_order_acq_rel) == 1) NotifyIfIdle();
}

void ServerCore::ConnectionClosed() {
  if (open_connections_.fetch_sub(1, std::memory_order_acq_rel) == 1) NotifyIfIdle();
}

void ServerCore::NotifyIfIdle() {
  // Under the mutex, so that a waiter between its check and its wait
  // cannot miss the wake-up.
  transport::MutexLock lock(idle_mu_);
  idle_cv_.NotifyAll();
}

bool ServerCore::WaitIdle(absl::Time deadline) {
  transport::MutexLock lock(idle_mu_);
  for (;;) {
    if (in_flight() == 0 && open_connections() == 0) return true;
    if (idle_cv_.WaitUntil(idle_mu_, deadline)) {
      return in_flight() == 0 && open_connections() == 0;
    }
  }
}

}  // namespace vireo::internal
