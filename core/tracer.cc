#include "vireo/core/tracer.h"

#include <string>
#include <utility>

#include "spdlog/spdlog.h"

namespace vireo {

namespace {

class SpdlogTracer : public Tracer {
 public:
  explicit SpdlogTracer(std::shared_ptr<spdlog::logger> logger) : logger_(std::move(logger)) {}

  void OnFinish(const Span& s) override {
    spdlog::logger* out = logger_ != nullptr ? logger_.get() : spdlog::default_logger_raw();
    const std::string code =
        s.status != nullptr ? absl::StatusCodeToString(s.status->code()) : std::string("OK");
    out->info("span {} {}{}{} trace={} span={} parent={} peer={} {} {}us req={}B reply={}B",
              s.kind == Span::Kind::kServer ? "server" : "client", s.service,
              s.service.empty() ? "" : ".", s.method,
              s.trace != nullptr ? s.trace->TraceIdHex() : std::string("-"),
              s.trace != nullptr ? s.trace->SpanIdHex() : std::string("-"),
              s.trace != nullptr ? s.trace->ParentSpanIdHex() : std::string("-"), s.peer.ToString(),
              code, absl::ToInt64Microseconds(s.duration), s.request_bytes, s.reply_bytes);
  }

 private:
  const std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace

std::shared_ptr<Tracer> LogTracer(std::shared_ptr<spdlog::logger> logger) {
  return std::make_shared<SpdlogTracer>(std::move(logger));
}

}  // namespace vireo
