// complex_server: two services on one port, Inventory and Audit
// (inventory.thrift), behind two middlewares: the built-in access log and
// a tenant check that rejects calls without "tenant" metadata and tags
// every reply with "served-by".
//
// Usage:
//   complex_server --port=8889 [--host=0.0.0.0] [--port-file=PATH]
//
// A client picks the service by name: the THeader/TTHeader service-name
// key, Apache's "Service:method" names, or the method name alone when no
// other service has it. Runs until SIGINT or SIGTERM, then shuts down
// gracefully.
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "examples/common/flags.h"
#include "examples/common/server_main.h"
#include "inventory_rpc.h"
#include "vireo/core/access_log.h"
#include "vireo/core/server.h"

ABSL_FLAG(int, port, 8889, "TCP port to listen on; 0 lets the kernel choose.");
ABSL_FLAG(std::string, host, "0.0.0.0", "Address to listen on.");
ABSL_FLAG(std::string, port_file, "",
          "If set, the bound port is written to this file once the server listens.");

namespace {

using vireo::example::Item;

// The tenant the tenant check let through (it is always there).
std::string TenantOf(const vireo::CallContext& ctx) {
  const std::string* tenant = ctx.request_metadata().Find("tenant");
  return tenant != nullptr ? *tenant : "";
}

// Stock per tenant. Handlers run on several loops at once: one lock.
class InventoryHandler : public vireo::example::InventoryHandler {
 public:
  Item get(vireo::CallContext& ctx, const std::string& sku) override {
    std::lock_guard<std::mutex> lock(mu_);
    return Find(TenantOf(ctx), sku);
  }

  void put(vireo::CallContext& ctx, const Item& item) override {
    std::lock_guard<std::mutex> lock(mu_);
    stock_[TenantOf(ctx)][item.sku] = item;
  }

  int32_t take(vireo::CallContext& ctx, const std::string& sku, int32_t quantity) override {
    std::lock_guard<std::mutex> lock(mu_);
    Item& item = Find(TenantOf(ctx), sku);
    if (quantity > item.quantity) {
      vireo::example::OutOfStock e;
      e.sku = sku;
      e.available = item.quantity;
      throw e;  // the caller receives it as itself
    }
    item.quantity -= quantity;
    // Metadata back to the caller, next to the return value.
    ctx.response_metadata().Set("low-stock", item.quantity < 5 ? "yes" : "no");
    return item.quantity;
  }

 private:
  Item& Find(const std::string& tenant, const std::string& sku) {
    auto it = stock_[tenant].find(sku);
    if (it == stock_[tenant].end()) {
      vireo::example::NotFound e;
      e.sku = sku;
      throw e;
    }
    return it->second;
  }

  std::mutex mu_;
  std::map<std::string, std::map<std::string, Item>> stock_;
};

class AuditHandler : public vireo::example::AuditHandler {
 public:
  // Oneway: the caller does not wait, and nothing is sent back.
  void record(vireo::CallContext& ctx, const std::string& event) override {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(TenantOf(ctx) + ": " + event);
  }

  std::vector<std::string> events(vireo::CallContext&) override {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> events_;
};

// Rejects a call that names no tenant before its handler runs; tags every
// reply it lets through.
vireo::Task<absl::Status> TenantCheck(vireo::CallContext& ctx, vireo::ServerNext next) {
  if (ctx.request_metadata().Find("tenant") == nullptr) {
    co_return absl::PermissionDeniedError("a tenant is required");
  }
  absl::Status status = co_await next();
  ctx.response_metadata().Set("served-by", "complex_server");
  co_return status;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args = vireo::examples::UnderscoreFlagNames(argc, argv);
  absl::ParseCommandLine(static_cast<int>(args.size()), args.data());
  vireo::examples::StopSignals stop;

  vireo::ServerOptions options;
  options.address = absl::GetFlag(FLAGS_host) + ":" + std::to_string(absl::GetFlag(FLAGS_port));
  InventoryHandler inventory;
  AuditHandler audit;
  vireo::Server server(options);
  server.AddService(&inventory);
  server.AddService(&audit);
  server.Use(vireo::AccessLogMiddleware());  // outermost: logs rejected calls too
  server.Use(TenantCheck);
  return vireo::examples::ServeUntilStopped(server, "complex_server", absl::GetFlag(FLAGS_port_file),
                                            stop);
}
