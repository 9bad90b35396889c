// The TestService and ChainService handlers shared by the end-to-end tests
// and the stand-alone test server (rpc_test_server).
//
// Example:
//   rpctest::Timers timers;
//   TestHandler handler(&timers);
//   server.AddService(&handler);
//
// Thread rules: handlers are called from several loops at once; their state
// is guarded.
#ifndef VIREO_TESTS_RPC_TEST_SERVICE_H_
#define VIREO_TESTS_RPC_TEST_SERVICE_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "rpc_test_rpc.h"
#include "tests/rpc/timers.h"
#include "vireo/core/client.h"
#include "vireo/core/task.h"
#include "vireo/transport/event_loop.h"

namespace rpctest {

class TestHandler : public TestServiceHandler {
 public:
  explicit TestHandler(Timers* timers) : timers_(timers) {}

  Response echo(vireo::CallContext&, const Request& req) override {
    Response r;
    r.action = req.action;
    r.msg = req.msg;
    return r;
  }

  int32_t add(vireo::CallContext&, int32_t a, int32_t b) override { return a + b; }

  vireo::Task<int32_t> co_delay(vireo::CallContext&, int32_t ms, int32_t tag) override {
    co_await timers_->Sleep(absl::Milliseconds(ms));
    co_return tag;
  }

  std::string fail(vireo::CallContext&, const std::string& kind) override {
    if (kind == "idl") {
      TestError e;
      e.code = 42;
      e.reason = "asked to fail";
      throw e;
    }
    if (kind == "runtime") throw std::runtime_error("the handler broke");
    return "did not fail";
  }

  void note(vireo::CallContext&, const std::string& note) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!notes_.empty()) notes_ += ",";
    notes_ += note;
    ++notes_seen_;
  }

  std::string notes(vireo::CallContext&) override {
    std::lock_guard<std::mutex> lock(mu_);
    return notes_;
  }

  std::string meta(vireo::CallContext& ctx, const std::string& key) override {
    const std::string* v = ctx.request_metadata().Find(key);
    const std::string value = v != nullptr ? *v : "";
    ctx.response_metadata().Set("echo-" + key, value);
    return value;
  }

  int64_t deadline_left(vireo::CallContext& ctx) override {
    if (ctx.deadline() == absl::InfiniteFuture()) return -1;
    return absl::ToInt64Milliseconds(ctx.deadline() - absl::Now());
  }

  int notes_seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return notes_seen_;
  }

 private:
  Timers* const timers_;
  std::mutex mu_;
  std::string notes_;
  int notes_seen_ = 0;
};

// Each hop calls the next through `next` until hops reaches 0; the last
// reports the milliseconds left until the deadline it received.
class ChainHandler : public ChainServiceHandler {
 public:
  explicit ChainHandler(vireo::Client* next) : next_(next) {}

  vireo::Task<int64_t> co_hop(vireo::CallContext& ctx, int32_t hops) override {
    if (hops == 0 || next_ == nullptr) {
      if (ctx.deadline() == absl::InfiniteFuture()) co_return -1;
      co_return absl::ToInt64Milliseconds(ctx.deadline() - absl::Now());
    }
    ChainServiceClient client(next_);
    // No timeout of its own: the caller's deadline, carried by the context
    // of the call being served, bounds the next hop.
    vireo::CallOptions options;
    options.timeout = absl::Hours(1);
    absl::StatusOr<int64_t> r = co_await client.co_hop(hops - 1, options);
    if (!r.ok()) throw std::runtime_error(std::string(r.status().message()));
    co_return *r;
  }

 private:
  vireo::Client* const next_;
};

}  // namespace rpctest

#endif  // VIREO_TESTS_RPC_TEST_SERVICE_H_
