// Generic calls end to end: a GenericClient against a server built from
// generated code, and generated clients against a GenericService, over
// every framing, both protocols and every connection mode.
#include "vireo/core/generic/generic.h"

#include <atomic>
#include <string>
#include <thread>

#include "generic_test_rpc.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "vireo/core/server.h"

namespace vireo::generic {
namespace {

using codec::Framing;
using codec::ProtocolId;
using testing::HasSubstr;
using vireo::generictest::Item;
using vireo::generictest::NotFound;
using vireo::generictest::StoreClient;
using vireo::generictest::StoreHandler;

std::shared_ptr<const Schema> LoadSchema() {
  auto schema = Schema::Load({VIREO_GENERIC_TESTDATA "/generic_test.thrift"});
  EXPECT_TRUE(schema.ok()) << schema.status();
  return schema.ok() ? *schema : nullptr;
}

template <class F>
bool WaitUntil(F done) {
  for (int i = 0; i < 2000 && !done(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return done();
}

class TypedStore : public StoreHandler {
 public:
  std::string ping(CallContext& /*ctx*/, const std::string& text) override {
    return "pong " + text;
  }
  Item get(CallContext& /*ctx*/, int64_t id, const std::string& region) override {
    if (id < 0) {
      NotFound nf;
      nf.message = "no item";
      nf.id = id;
      throw nf;
    }
    Item item;
    item.id = id;
    item.name = region;
    item.blob = std::string("\x00\xff", 2);
    item.by_id[id] = "self";
    return item;
  }
  std::vector<Item> put(CallContext& /*ctx*/, const std::vector<Item>& items) override {
    return items;
  }
  void clear(CallContext& /*ctx*/) override { ++cleared; }
  void touch(CallContext& /*ctx*/, int64_t id) override { touched = id; }

  std::atomic<int> cleared{0};
  std::atomic<int64_t> touched{0};
};

struct Wire {
  Framing framing;
  ProtocolId protocol;
  ConnectionMode mode;
};

std::string WireName(const testing::TestParamInfo<Wire>& info) {
  const char* modes[] = {"Short", "Pooled", "Mux"};
  return std::string(codec::FramingName(info.param.framing)) +
         (info.param.protocol == ProtocolId::kBinary ? "Binary" : "Compact") +
         modes[static_cast<int>(info.param.mode)];
}

ClientOptions OptionsFor(const Wire& wire, uint16_t port) {
  ClientOptions options;
  options.service = "Store";
  options.targets = {"127.0.0.1:" + std::to_string(port)};
  options.framing = wire.framing;
  options.protocol = wire.protocol;
  options.mode = wire.mode;
  options.call_timeout = absl::Seconds(10);
  return options;
}

std::unique_ptr<Server> StartServer(std::shared_ptr<Service> service) {
  ServerOptions options;
  options.address = "127.0.0.1:0";
  options.admin = ServerOptions::AdminAccess::kOff;
  auto server = std::make_unique<Server>(options);
  server->AddService(std::move(service));
  absl::Status s = server->Start();
  EXPECT_TRUE(s.ok()) << s;
  return server;
}

class GenericRpc : public testing::TestWithParam<Wire> {};

TEST_P(GenericRpc, GenericClientCallsATypedServer) {
  auto handler = std::make_shared<TypedStore>();
  std::unique_ptr<Server> server = StartServer(handler);
  GenericClient client(LoadSchema(),
                       std::make_shared<Client>(OptionsFor(GetParam(), server->port())));

  absl::StatusOr<GenericReply> r = client.Call("ping", R"({"text": "hi"})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->json, R"("pong hi")");
  r = client.Call("Store.ping", R"({"text": "base"})");  // a base service's method
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->json, R"("pong base")");

  r = client.Call("get", R"({"id": 9007199254740993, "region": "eu"})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exception, "");
  EXPECT_THAT(r->json, HasSubstr(R"("id":9007199254740993,"name":"eu","price":0,"blob":"AP8=")"));
  EXPECT_THAT(r->json, HasSubstr(R"("by_id":{"9007199254740993":"self"})"));

  r = client.Call("get", R"({"id": -4})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exception, "NotFound");
  EXPECT_EQ(r->json, R"({"message":"no item","id":-4})");
  EXPECT_EQ(ExceptionStatus(*r), absl::UnknownError("NotFound: no item"));

  r = client.Call("put", R"({"items": [{"id": 1, "tags": ["x"]}, {"id": 2, "color": "RED"}]})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(r->json, HasSubstr(R"("tags":["x"])"));
  EXPECT_THAT(r->json, HasSubstr(R"("color":1)"));

  r = client.Call("clear", "");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->json, "null");
  EXPECT_EQ(handler->cleared.load(), 1);

  r = client.Call("touch", R"({"id": 77})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(WaitUntil([&] { return handler->touched.load() == 77; }));

  // Found before anything is sent.
  r = client.Call("nope", "{}");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound) << r.status();
  r = client.Call("get", R"({"id": "x"})");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr(R"(id: expected i64, got "x")"));

  // The callback and coroutine forms.
  std::atomic<bool> done{false};
  std::string json;
  client.Call("ping", R"({"text": "cb"})", CallOptions(), [&](absl::StatusOr<GenericReply> reply) {
    json = reply.ok() ? reply->json : reply.status().ToString();
    done = true;
  });
  ASSERT_TRUE(WaitUntil([&] { return done.load(); }));
  EXPECT_EQ(json, R"("pong cb")");
  absl::StatusOr<GenericReply> co = BlockOn(client.CoCall("ping", R"({"text": "co"})"));
  ASSERT_TRUE(co.ok()) << co.status();
  EXPECT_EQ(co->json, R"("pong co")");
}

// A JSON handler that serves Store as TypedStore does, and a few faults.
absl::StatusOr<GenericReply> JsonStore(CallContext& /*ctx*/, const MethodSchema& method,
                                       std::string_view args) {
  if (method.name == "ping") return GenericReply{R"("pong")", ""};
  if (method.name == "get") {
    if (args.find(R"("id":-1)") != std::string_view::npos) {
      return GenericReply{R"({"message": "gone", "id": -1})", "NotFound"};
    }
    if (args.find(R"("id":98)") != std::string_view::npos) {
      return absl::PermissionDeniedError("not yours");
    }
    if (args.find(R"("id":99)") != std::string_view::npos) {
      return GenericReply{R"({"id": "not a number"})", ""};
    }
    return GenericReply{
        std::string(R"({"id": 5, "name": )") +
            (args.find("region") == std::string_view::npos ? R"("none")" : R"("has region")") + "}",
        ""};
  }
  if (method.name == "put") return GenericReply{"[]", ""};
  return GenericReply{"", ""};  // clear, touch
}

TEST_P(GenericRpc, TypedClientCallsAGenericServer) {
  auto service = GenericService::Create(LoadSchema(), "Store", JsonHandler(&JsonStore));
  ASSERT_TRUE(service.ok()) << service.status();
  std::unique_ptr<Server> server = StartServer(std::move(*service));
  StoreClient store(std::make_shared<Client>(OptionsFor(GetParam(), server->port())));

  absl::StatusOr<Item> item = store.get(5, "eu");
  ASSERT_TRUE(item.ok()) << item.status();
  EXPECT_EQ(item->id, 5);
  EXPECT_EQ(item->name, "has region");
  EXPECT_EQ(item->count, 3);  // the IDL default the JSON left out

  item = store.get(-1, "");
  std::optional<NotFound> nf = IdlException<NotFound>(item.status());
  ASSERT_TRUE(nf.has_value()) << item.status();
  EXPECT_EQ(nf->message, "gone");

  item = store.get(98, "");
  EXPECT_EQ(item.status().code(), absl::StatusCode::kPermissionDenied) << item.status();
  item = store.get(99, "");
  EXPECT_FALSE(item.ok());
  EXPECT_THAT(item.status().message(), HasSubstr("does not fit the IDL"));

  absl::StatusOr<std::string> pong = store.ping("x");
  ASSERT_TRUE(pong.ok()) << pong.status();
  EXPECT_EQ(*pong, "pong");
  absl::StatusOr<std::vector<Item>> none = store.put({Item()});
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(store.clear().ok());
}

TEST_P(GenericRpc, GenericClientCallsACoroutineGenericServer) {
  std::atomic<int> calls{0};
  std::string seen_args;  // written by the one call, read after it
  CoJsonHandler handler = [&calls, &seen_args](
                              CallContext& ctx, const MethodSchema& method,
                              std::string args) -> Task<absl::StatusOr<GenericReply>> {
    if (++calls == 1) seen_args = args;
    co_return GenericReply{"\"" + std::string(ctx.method()) + " " + method.name + "\"", ""};
  };
  auto service = GenericService::Create(LoadSchema(), "Store", std::move(handler));
  ASSERT_TRUE(service.ok()) << service.status();
  std::unique_ptr<Server> server = StartServer(std::move(*service));
  GenericClient client(LoadSchema(),
                       std::make_shared<Client>(OptionsFor(GetParam(), server->port())));
  absl::StatusOr<GenericReply> r = client.Call("ping", R"({"text": "a\"b"})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->json, R"("ping ping")");
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(seen_args, R"({"text":"a\"b"})");

  // A reply that is not JSON is the handler's fault, answered as INTERNAL.
  r = client.Call("get", R"({"id": 1})");  // "get ping" is not a JSON object for Item
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInternal) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("does not fit the IDL"));
}

INSTANTIATE_TEST_SUITE_P(
    Wires, GenericRpc,
    testing::Values(Wire{Framing::kTHeader, ProtocolId::kBinary, ConnectionMode::kMux},
                    Wire{Framing::kTHeader, ProtocolId::kCompact, ConnectionMode::kPooled},
                    Wire{Framing::kTTHeader, ProtocolId::kBinary, ConnectionMode::kMux},
                    Wire{Framing::kTTHeader, ProtocolId::kCompact, ConnectionMode::kShort},
                    Wire{Framing::kFramed, ProtocolId::kBinary, ConnectionMode::kPooled},
                    Wire{Framing::kFramed, ProtocolId::kCompact, ConnectionMode::kMux},
                    Wire{Framing::kBuffered, ProtocolId::kBinary, ConnectionMode::kShort},
                    Wire{Framing::kBuffered, ProtocolId::kCompact, ConnectionMode::kMux}),
    WireName);

TEST(GenericService, RefusesUnknownServices) {
  auto service = GenericService::Create(LoadSchema(), "Nope", JsonHandler(&JsonStore));
  EXPECT_EQ(service.status().code(), absl::StatusCode::kNotFound);
  auto no_handler = GenericService::Create(LoadSchema(), "Store", JsonHandler());
  EXPECT_EQ(no_handler.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vireo::generic
