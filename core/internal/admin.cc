#include "vireo/core/internal/admin.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "prometheus/metric_family.h"
#include "vireo/core/internal/server_connection.h"
#include "vireo/core/internal/server_core.h"
#include "vireo/core/internal/str_cat.h"
#include "vireo/core/metrics.h"
#include "yaml-cpp/yaml.h"

#ifndef VIREO_VERSION
#define VIREO_VERSION "unknown"
#endif

namespace vireo::internal {

namespace {

constexpr std::string_view kPages[] = {"/metrics", "/health", "/status", "/connections", "/config"};

// A request-target or header byte HTTP/1.1 allows (visible ASCII, or a
// space or tab inside a header value).
bool Visible(char c) { return c > 0x20 && c < 0x7f; }

std::vector<std::string_view> Split(std::string_view text, std::string_view by) {
  std::vector<std::string_view> out;
  for (;;) {
    const size_t at = text.find(by);
    out.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return out;
    text.remove_prefix(at + by.size());
  }
}

void AppendJson(std::string& out, std::string_view text) {
  out += '"';
  for (const char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

std::string Json(std::string_view text) {
  std::string out;
  AppendJson(out, text);
  return out;
}

// A number as JSON has it (no NaN or infinities: those become strings).
std::string JsonNumber(double v) {
  if (std::isnan(v)) return "\"NaN\"";
  if (std::isinf(v)) return v > 0 ? "\"+Inf\"" : "\"-Inf\"";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return Cat(static_cast<int64_t>(v));
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  return buf;
}

std::string Response(int code, std::string_view reason, std::string_view content_type,
                     std::string_view body, bool head = false) {
  std::string out = Cat("HTTP/1.1 ", code, " ", reason, "\r\nContent-Type: ", content_type,
                        "\r\nContent-Length: ", body.size(),
                        "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n");
  if (!head) out += body;
  return out;
}

// YAML (the options) as JSON: mappings, sequences, scalars as strings
// (numbers and booleans as themselves).
void YamlToJson(const YAML::Node& node, std::string& out) {
  if (node.IsMap()) {
    out += '{';
    bool first = true;
    for (const auto& kv : node) {
      if (!first) out += ',';
      first = false;
      AppendJson(out, kv.first.Scalar());
      out += ':';
      YamlToJson(kv.second, out);
    }
    out += '}';
  } else if (node.IsSequence()) {
    out += '[';
    for (size_t i = 0; i < node.size(); ++i) {
      if (i > 0) out += ',';
      YamlToJson(node[i], out);
    }
    out += ']';
  } else if (node.IsScalar()) {
    const std::string& v = node.Scalar();
    double d = 0;
    if (v == "true" || v == "false") {
      out += v;
    } else if (!v.empty() && absl::SimpleAtod(v, &d) && std::isfinite(d) &&
               v.find_first_not_of("0123456789.-") == std::string::npos) {
      out += v;
    } else {
      AppendJson(out, v);
    }
  } else {
    out += "null";
  }
}

std::string MetricsJson(const std::vector<prometheus::MetricFamily>& families) {
  static constexpr const char* kTypes[] = {"counter", "gauge",     "summary",
                                           "untyped", "histogram", "info"};
  std::string out = "{\"families\":[";
  for (size_t i = 0; i < families.size(); ++i) {
    const prometheus::MetricFamily& f = families[i];
    if (i > 0) out += ',';
    const size_t type = static_cast<size_t>(f.type);
    out += Cat("{\"name\":", Json(f.name), ",\"help\":", Json(f.help), ",\"type\":\"",
               type < std::size(kTypes) ? kTypes[type] : "untyped", "\",\"samples\":[");
    for (size_t j = 0; j < f.metric.size(); ++j) {
      const prometheus::ClientMetric& m = f.metric[j];
      if (j > 0) out += ',';
      out += "{\"labels\":{";
      for (size_t k = 0; k < m.label.size(); ++k) {
        if (k > 0) out += ',';
        out += Cat(Json(m.label[k].name), ":", Json(m.label[k].value));
      }
      out += "}";
      switch (f.type) {
        case prometheus::MetricType::Counter:
          out += Cat(",\"value\":", JsonNumber(m.counter.value));
          break;
        case prometheus::MetricType::Histogram: {
          out += Cat(",\"count\":", m.histogram.sample_count,
                     ",\"sum\":", JsonNumber(m.histogram.sample_sum), ",\"buckets\":[");
          for (size_t b = 0; b < m.histogram.bucket.size(); ++b) {
            if (b > 0) out += ',';
            out += Cat("{\"le\":", JsonNumber(m.histogram.bucket[b].upper_bound),
                       ",\"count\":", m.histogram.bucket[b].cumulative_count, "}");
          }
          out += "]";
          break;
        }
        case prometheus::MetricType::Untyped:
          out += Cat(",\"value\":", JsonNumber(m.untyped.value));
          break;
        default:
          out += Cat(",\"value\":", JsonNumber(m.gauge.value));
      }
      out += "}";
    }
    out += "]}";
  }
  out += "]}\n";
  return out;
}

std::string Seconds(absl::Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f", absl::ToDoubleSeconds(d));
  return buf;
}

std::string StatusPage(const ServerCore& core, bool json) {
  const absl::Time now = absl::Now();
  const absl::Duration uptime =
      core.started_at == absl::InfinitePast() ? absl::ZeroDuration() : now - core.started_at;
  const bool stopping = core.stopping.load(std::memory_order_relaxed);
  const size_t loops = core.loops != nullptr ? core.loops->size() : 0;
  struct Method {
    std::string_view service, method;
    uint64_t calls = 0, errors = 0, in_flight = 0;
  };
  std::vector<Method> methods;
  core.router.ForEach(
      [&](std::string_view service, std::string_view method, const CallMetrics* metrics) {
        Method m{service, method};
        if (metrics != nullptr) {
          const CallMetrics::Totals t = metrics->Read();
          m.calls = t.finished_total();
          m.errors = m.calls - t.finished[0];
          m.in_flight = t.started - m.calls;
        }
        methods.push_back(m);
      });
  const ServerOptions& o = core.options;
  if (json) {
    std::string out = Cat(
        "{\"version\":", Json(VIREO_VERSION), ",\"pid\":", getpid(), ",\"port\":", core.port,
        ",\"state\":", Json(stopping ? "stopping" : "serving"),
        ",\"uptime_seconds\":", Seconds(uptime), ",\"loops\":", loops,
        ",\"worker_threads\":", o.worker_threads, ",\"metrics\":", o.metrics ? "true" : "false",
        ",\"connections_open\":", core.open_connections(),
        ",\"connections_accepted\":", core.connections_accepted.load(),
        ",\"calls_in_flight\":", core.in_flight(), ",\"calls_served\":", core.calls_served.load(),
        ",\"bad_input_closes\":", core.bad_input_closes.load(), ",\"methods\":[");
    for (size_t i = 0; i < methods.size(); ++i) {
      const Method& m = methods[i];
      out += Cat(i > 0 ? "," : "", "{\"service\":", Json(m.service), ",\"method\":", Json(m.method),
                 ",\"calls\":", m.calls, ",\"errors\":", m.errors, ",\"in_flight\":", m.in_flight,
                 "}");
    }
    out += "]}\n";
    return out;
  }
  std::string out =
      Cat("version: ", VIREO_VERSION, "\npid: ", getpid(), "\nport: ", core.port,
          "\nstate: ", stopping ? "stopping" : "serving", "\nuptime: ", Seconds(uptime),
          "s\nloops: ", loops, "\nworker_threads: ", o.worker_threads,
          "\nmetrics: ", o.metrics ? "on" : "off", "\nconnections_open: ", core.open_connections(),
          "\nconnections_accepted: ", core.connections_accepted.load(),
          "\ncalls_in_flight: ", core.in_flight(), "\ncalls_served: ", core.calls_served.load(),
          "\nbad_input_closes: ", core.bad_input_closes.load(),
          "\noptions: see /config\n\nservice.method calls errors in_flight\n");
  for (const Method& m : methods) {
    out += Cat(m.service, ".", m.method, " ", m.calls, " ", m.errors, " ", m.in_flight, "\n");
  }
  if (!o.metrics) out += "(call counts need metrics on)\n";
  return out;
}

std::string ConnectionsPage(const ServerCore& core, bool json) {
  std::vector<ServerConnection::Snapshot> all;
  core.ForEachConnection([&](const ServerConnection* c) { all.push_back(c->snapshot()); });
  std::string out = json ? Cat("{\"count\":", all.size(), ",\"connections\":[")
                         : Cat(all.size(),
                               " connections\n"
                               "peer framing protocol age_s idle_s calls_in_flight "
                               "bytes_in bytes_out\n");
  for (size_t i = 0; i < all.size(); ++i) {
    const ServerConnection::Snapshot& s = all[i];
    const std::string framing = s.framing.empty() ? "-" : std::string(s.framing);
    const std::string protocol = s.protocol.empty() ? "-" : std::string(s.protocol);
    if (json) {
      out += Cat(i > 0 ? "," : "", "{\"peer\":", Json(s.peer.ToString()),
                 ",\"framing\":", Json(framing), ",\"protocol\":", Json(protocol),
                 ",\"age_seconds\":", Seconds(s.age),
                 ",\"idle_seconds\":", Seconds(s.idle),
                 ",\"calls_in_flight\":", s.calls_in_flight, ",\"bytes_in\":", s.bytes_in,
                 ",\"bytes_out\":", s.bytes_out, "}");
    } else {
      out += Cat(s.peer.ToString(), " ", framing, " ", protocol, " ", Seconds(s.age), " ",
                 Seconds(s.idle), " ", s.calls_in_flight, " ", s.bytes_in, " ",
                 s.bytes_out, "\n");
    }
  }
  if (json) out += "]}\n";
  return out;
}

}  // namespace

absl::StatusOr<std::optional<HttpRequest>> ParseHttpRequest(std::string_view bytes,
                                                            size_t max_bytes) {
  // A method is a short upper-case token: bytes that cannot start one are
  // refused at once rather than waited on.
  const size_t method_end = std::min(bytes.find(' '), bytes.size());
  if (method_end > 16 || (method_end < bytes.size() && method_end == 0)) {
    return absl::InvalidArgumentError("not an HTTP/1.x request");
  }
  for (size_t i = 0; i < method_end; ++i) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(bytes[i]))) {
      return absl::InvalidArgumentError("not an HTTP/1.x request");
    }
  }
  const size_t end = bytes.find("\r\n\r\n");
  if (end == std::string_view::npos || end + 4 > max_bytes) {
    if (bytes.size() > max_bytes || (end != std::string_view::npos && end + 4 > max_bytes)) {
      return absl::ResourceExhaustedError(
          Cat("request line and headers over ", max_bytes, " bytes"));
    }
    // A line that already cannot be HTTP need not wait for the rest.
    const size_t eol = bytes.find('\n');
    if (eol != std::string_view::npos && (eol == 0 || bytes[eol - 1] != '\r')) {
      return absl::InvalidArgumentError("line not ended by CRLF");
    }
    return std::nullopt;
  }
  const std::string_view head = bytes.substr(0, end);
  std::vector<std::string_view> lines = Split(head, "\r\n");
  std::vector<std::string_view> parts = Split(lines[0], " ");
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty() ||
      (parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0")) {
    return absl::InvalidArgumentError("malformed request line (expected METHOD TARGET HTTP/1.x)");
  }
  for (const char c : parts[0]) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError("malformed method");
    }
  }
  for (const char c : parts[1]) {
    if (!Visible(c)) return absl::InvalidArgumentError("malformed request target");
  }
  if (parts[1][0] != '/') return absl::InvalidArgumentError("request target is not a path");
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    const size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) {
      return absl::InvalidArgumentError("malformed header line (expected name: value)");
    }
    for (size_t j = 0; j < colon; ++j) {
      if (!Visible(line[j])) return absl::InvalidArgumentError("malformed header name");
    }
    for (size_t j = colon + 1; j < line.size(); ++j) {
      if (!Visible(line[j]) && line[j] != ' ' && line[j] != '\t' &&
          static_cast<unsigned char>(line[j]) < 0x80) {
        return absl::InvalidArgumentError("control character in a header value");
      }
    }
  }
  HttpRequest r;
  r.method = std::string(parts[0]);
  const std::string_view target = parts[1];
  const size_t q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
  return std::optional<HttpRequest>(std::move(r));
}

std::string HttpErrorResponse(const absl::Status& error) {
  const bool too_big = error.code() == absl::StatusCode::kResourceExhausted;
  return Response(too_big ? 431 : 400, too_big ? "Request Header Fields Too Large" : "Bad Request",
                  "text/plain; charset=utf-8", Cat(error.message(), "\n"));
}

std::string AdminResponse(const ServerCore& core, const HttpRequest& request) {
  constexpr std::string_view kText = "text/plain; charset=utf-8";
  constexpr std::string_view kJson = "application/json";
  const bool head = request.method == "HEAD";
  if (request.method != "GET" && !head) {
    return Response(405, "Method Not Allowed", kText, "only GET and HEAD are served\n");
  }
  bool json = false;
  for (std::string_view param : Split(request.query, "&")) {
    if (param == "format=json") json = true;
  }
  const std::string_view type = json ? kJson : kText;
  const std::string& path = request.path;
  if (path == "/metrics") {
    if (json) return Response(200, "OK", kJson, MetricsJson(Metrics::Default().Collect()), head);
    return Response(200, "OK", "text/plain; version=0.0.4; charset=utf-8",
                    Metrics::Default().Text(), head);
  }
  if (path == "/health") {
    const bool stopping = core.stopping.load(std::memory_order_relaxed);
    const std::string_view state = stopping ? "stopping" : "serving";
    const std::string body = json ? Cat("{\"status\":", Json(state), "}\n") : Cat(state, "\n");
    return stopping ? Response(503, "Service Unavailable", type, body, head)
                    : Response(200, "OK", type, body, head);
  }
  if (path == "/status") return Response(200, "OK", type, StatusPage(core, json), head);
  if (path == "/connections") return Response(200, "OK", type, ConnectionsPage(core, json), head);
  if (path == "/config" || path == "/flags") {
    const std::string yaml = core.options.ToYaml();
    if (!json) return Response(200, "OK", "application/yaml", yaml, head);
    std::string out;
    YamlToJson(YAML::Load(yaml), out);
    out += "\n";
    return Response(200, "OK", kJson, out, head);
  }
  if (path == "/") {
    std::string body = "vireo admin pages (add ?format=json for JSON):\n";
    for (std::string_view p : kPages) body += Cat(p, "\n");
    return Response(200, "OK", kText, body, head);
  }
  return Response(404, "Not Found", kText, Cat("no page ", path, "; see /\n"), head);
}

}  // namespace vireo::internal
