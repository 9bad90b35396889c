// complex_client: calls the two services of complex_server and checks
// every answer: declared exceptions arrive typed, a oneway call is
// recorded, metadata travels both ways, tenants are kept apart, and a call
// without a tenant is rejected by the server's middleware. Exits 0 only
// when every check passed.
//
// Usage:
//   complex_client --port=8889 [--host=127.0.0.1] [--framing=theader|ttheader]
//
// Metadata needs a header framing (THeader or TTHeader): Framed and
// Buffered carry none, so the server's tenant check would reject them.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "examples/common/flags.h"
#include "inventory_rpc.h"
#include "vireo/core/client.h"

ABSL_FLAG(std::string, host, "127.0.0.1", "Server host.");
ABSL_FLAG(int, port, 8889, "Server port.");
ABSL_FLAG(std::string, framing, "theader", "theader or ttheader.");

namespace {

using vireo::example::AuditClient;
using vireo::example::InventoryClient;
using vireo::example::Item;

int failures = 0;

void Expect(bool ok, const std::string& what) {
  std::printf("  %s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) ++failures;
}

// One connection for each service would work as well; here each service
// has its own vireo::Client because the service name is a client option.
vireo::ClientOptions Options(const std::string& service, const std::string& tenant) {
  vireo::ClientOptions options;
  options.service = service;
  options.targets = {absl::GetFlag(FLAGS_host) + ":" + std::to_string(absl::GetFlag(FLAGS_port))};
  options.framing = absl::GetFlag(FLAGS_framing) == "ttheader" ? vireo::codec::Framing::kTTHeader
                                                               : vireo::codec::Framing::kTHeader;
  // Sent with every call of this client.
  if (!tenant.empty()) options.metadata.Set("tenant", tenant);
  return options;
}

// Client middleware: numbers every call through request metadata and
// counts the calls that failed. A declared exception is a reply like any
// other at this level (next() returns OK); the generated client turns it
// into the caller's error afterwards.
struct CallCounter {
  std::atomic<int> calls{0};
  std::atomic<int> errors{0};

  vireo::ClientMiddleware Middleware() {
    return [this](vireo::CallContext& ctx, vireo::ClientNext next) -> vireo::Task<absl::Status> {
      ctx.request_metadata().Set("request-id", std::to_string(++calls));
      absl::Status status = co_await next();
      if (!status.ok()) ++errors;
      co_return status;
    };
  }
};

vireo::Task<void> AuditSteps(AuditClient& audit) {
  // Oneway: OK as soon as the request is on its way.
  absl::Status sent = co_await audit.co_record("took 7 widgets");
  Expect(sent.ok(), "oneway Audit.record sent: " + sent.ToString());
  co_return;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args = vireo::examples::UnderscoreFlagNames(argc, argv);
  absl::ParseCommandLine(static_cast<int>(args.size()), args.data());

  CallCounter counter;
  vireo::Client inventory_transport(Options("Inventory", "acme"));
  inventory_transport.Use(counter.Middleware());
  InventoryClient inventory(&inventory_transport);

  std::printf("Inventory, tenant acme:\n");
  Item widget;
  widget.sku = "w-1";
  widget.name = "widget";
  widget.quantity = 10;
  widget.labels["color"] = "blue";
  absl::Status put = inventory.put(widget);
  Expect(put.ok(), "put w-1: " + put.ToString());

  vireo::CallOptions with_reply_metadata;
  vireo::Metadata reply_metadata;
  with_reply_metadata.response_metadata = &reply_metadata;
  absl::StatusOr<Item> got = inventory.get("w-1", with_reply_metadata);
  Expect(got.ok() && *got == widget, "get w-1 returns what put stored");
  const std::string* served_by = reply_metadata.Find("served-by");
  Expect(served_by != nullptr && *served_by == "complex_server",
         "reply metadata served-by = complex_server");

  reply_metadata.Clear();
  absl::StatusOr<int32_t> left = inventory.take("w-1", 7, with_reply_metadata);
  Expect(left.ok() && *left == 3, "take 7 of 10 leaves 3");
  const std::string* low = reply_metadata.Find("low-stock");
  Expect(low != nullptr && *low == "yes", "reply metadata low-stock = yes");

  absl::StatusOr<int32_t> too_many = inventory.take("w-1", 5);
  std::optional<vireo::example::OutOfStock> oos =
      vireo::IdlException<vireo::example::OutOfStock>(too_many.status());
  Expect(oos.has_value() && oos->available == 3,
         "take 5 of 3 throws OutOfStock{available=3}: " + too_many.status().ToString());

  absl::StatusOr<Item> missing = inventory.get("nope");
  std::optional<vireo::example::NotFound> nf =
      vireo::IdlException<vireo::example::NotFound>(missing.status());
  Expect(nf.has_value() && nf->sku == "nope", "get nope throws NotFound{sku=nope}");

  std::printf("Inventory, tenant other:\n");
  vireo::Client other_transport(Options("Inventory", "other"));
  InventoryClient other(&other_transport);
  Expect(vireo::IdlException<vireo::example::NotFound>(other.get("w-1").status()).has_value(),
         "another tenant does not see acme's w-1");

  std::printf("Inventory, no tenant:\n");
  vireo::Client anonymous_transport(Options("Inventory", ""));
  InventoryClient anonymous(&anonymous_transport);
  absl::StatusOr<Item> rejected = anonymous.get("w-1");
  // The middleware's own code comes back (PERMISSION_DENIED).
  Expect(rejected.status().code() == absl::StatusCode::kPermissionDenied &&
             absl::StrContains(rejected.status().message(), "a tenant is required"),
         "rejected by the server middleware: " + rejected.status().ToString());

  std::printf("Audit, tenant acme:\n");
  vireo::Client audit_transport(Options("Audit", "acme"));
  AuditClient audit(&audit_transport);
  vireo::BlockOn(AuditSteps(audit));
  // The oneway call has no reply to wait for: ask until it shows up.
  bool recorded = false;
  for (int i = 0; i < 100 && !recorded; ++i) {
    absl::StatusOr<std::vector<std::string>> events = audit.events();
    recorded = events.ok() && !events->empty() && events->back() == "acme: took 7 widgets";
    if (!recorded) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Expect(recorded, "Audit.events lists the oneway record");

  std::printf("client middleware saw %d calls on the acme Inventory client, %d failed\n",
              counter.calls.load(), counter.errors.load());
  Expect(counter.calls.load() == 5 && counter.errors.load() == 0,
         "client middleware counted 5 calls, none failed in transport");
  std::printf("complex_client: %s\n", failures == 0 ? "all checks passed" : "some checks FAILED");
  return failures == 0 ? 0 : 1;
}
