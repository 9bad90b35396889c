// The server interfaces and client stubs vireo-gen writes for
// testdata/rpc_test.thrift, in process and with no network: a handler's
// invokers are driven through hand-built ServerCalls, and the client's
// no-copy argument encoding is compared with the argument structs'.

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rpc_base_rpc.h"
#include "rpc_test_rpc.h"
#include "vireo/codec/serialize.h"
#include "vireo/core/client.h"
#include "vireo/core/service.h"
#include "vireo/core/task.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::rpctest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::vireo::codec::ProtocolId;

// Implements some methods in the blocking form and some in the coroutine
// form, and records what it was called with.
class TestCalculator : public CalculatorHandler {
 public:
  // rpc_base.Base, overridden here: reached through Calculator's table.
  std::string whoami(CallContext& ctx) override { return "calc/" + std::string(ctx.method()); }
  Task<int32_t> co_version(CallContext& /*ctx*/) override {
    throw rpcbase::BaseError("too old");
    co_return 0;
  }

  void ping(CallContext& /*ctx*/) override { ++pings; }

  int64_t compute(CallContext& /*ctx*/, Op op, int64_t a, const std::string& note,
                  const Operand& operand, const std::vector<int32_t>& extra) override {
    last_note = note;
    int64_t sum = 0;
    for (int32_t e : extra) sum += e;
    return op == Op::ADD ? a + operand.value + sum : a - operand.value - sum;
  }

  Task<Operand> co_lookup(CallContext& /*ctx*/, const std::string& key) override {
    if (key == "invalid") throw Invalid("no such key", 7);
    if (key == "overflow") throw Overflow(99);
    if (key == "other") throw std::logic_error("not declared");
    Operand o;
    o.value = static_cast<int64_t>(key.size());
    o.label = key;
    co_return o;
  }

  Task<void> co_store(CallContext& /*ctx*/, const std::string& key, const Operand& value) override {
    if (key.empty()) throw Invalid("empty key", 1);
    stored[key] = value;
    co_return;
  }

  void fire(CallContext& ctx, int64_t id, const std::string& tag) override {
    fired.push_back(std::string(ctx.method()) + ":" + std::to_string(id) + ":" + tag);
  }

  std::string template_(CallContext& /*ctx*/, const std::string& typename_) override {
    return "T<" + typename_ + ">";
  }

  Task<int32_t> co_await_(CallContext& /*ctx*/, int32_t n) override { co_return n * 2; }

  bool collide(CallContext& vireo_ctx, const std::string& options, int32_t done, bool ctx,
               int64_t out) override {
    return vireo_ctx.method() == "collide" && options == "o" && done == 1 && ctx && out == 2;
  }

  // Served through the coroutine form's default, which must call this
  // method although the parameter hides its name.
  std::string label(CallContext& /*ctx*/, const std::string& label) override {
    return "label:" + label;
  }

  codec::Bytes echo_bytes(CallContext& /*ctx*/, const codec::Bytes& data) override { return data; }

  Task<std::map<std::string, std::vector<Operand>>> co_group(
      CallContext& /*ctx*/, const std::set<std::string>& keys, bool flag, double ratio,
      const std::map<int32_t, Op>& ops) override {
    std::map<std::string, std::vector<Operand>> out;
    for (const std::string& k : keys) {
      Operand o;
      o.value = static_cast<int64_t>(ops.size()) + (flag ? 1 : 0);
      o.label = std::to_string(ratio);
      out[k].push_back(o);
    }
    co_return out;
  }

  std::string reorder(CallContext& /*ctx*/, const std::string& c, int32_t a,
                      const std::string& b) override {
    return c + "|" + std::to_string(a) + "|" + b;
  }

  int pings = 0;
  std::string last_note;
  std::map<std::string, Operand> stored;
  std::vector<std::string> fired;
};

class TestScientific : public ScientificHandler {
 public:
  double power(CallContext& /*ctx*/, double base, int32_t exponent) override {
    double r = 1;
    for (int32_t i = 0; i < exponent; ++i) r *= base;
    return r;
  }
  std::string whoami(CallContext& /*ctx*/) override { return "sci"; }
  int64_t compute(CallContext& /*ctx*/, Op /*op*/, int64_t a, const std::string& /*note*/,
                  const Operand& /*operand*/, const std::vector<int32_t>& /*extra*/) override {
    return -a;
  }
};

const MethodDescriptor* FindMethod(const Service& service, std::string_view name) {
  for (const MethodDescriptor& m : service.Methods()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

// One call run through a method's invoker, as the server would run it.
struct Served {
  std::unique_ptr<ServerCall> call = std::make_unique<ServerCall>();
  absl::Status status;
};

// Runs `method` of `service` on the bytes in `request`.
Served ServeBytes(Service& service, std::string_view method, ProtocolId protocol,
                  const std::string& request) {
  Served s;
  s.call->context().set_method(method);
  s.call->context().set_protocol(protocol);
  const MethodDescriptor* m = FindMethod(service, method);
  EXPECT_NE(m, nullptr) << method;
  if (m == nullptr) return s;
  s.call->context().set_oneway(m->oneway);
  s.call->request().Write(request);
  s.call->request().Flush();
  s.status = BlockOn(m->invoke(service, *s.call));
  return s;
}

template <class T>
std::string EncodeToString(const T& v, ProtocolId protocol) {
  transport::LinkBuffer buf;
  codec::Encode(v, protocol, buf);
  buf.Flush();
  absl::StatusOr<std::string> bytes = buf.ReadString(buf.Len());
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : std::string();
}

template <class Args>
Served Serve(Service& service, std::string_view method, ProtocolId protocol, const Args& args) {
  return ServeBytes(service, method, protocol, EncodeToString(args, protocol));
}

// Decodes the reply body of a served call into a result struct.
template <class Result>
Result DecodeReply(Served& s, ProtocolId protocol) {
  Result result;
  EXPECT_TRUE(s.call->replied());
  s.call->reply_body().Flush();
  absl::Status st = codec::Decode(s.call->reply_body(), protocol, &result);
  EXPECT_TRUE(st.ok()) << st;
  return result;
}

class RpcInvoker : public ::testing::TestWithParam<ProtocolId> {
 protected:
  ProtocolId p() const { return GetParam(); }
  TestCalculator handler_;
};

INSTANTIATE_TEST_SUITE_P(Protocols, RpcInvoker,
                         ::testing::Values(ProtocolId::kBinary, ProtocolId::kCompact),
                         [](const auto& info) {
                           return info.param == ProtocolId::kBinary ? std::string("Binary")
                                                                    : std::string("Compact");
                         });

TEST_P(RpcInvoker, MixedParametersReachTheBlockingForm) {
  Calculator_compute_args args;
  args.op = Op::SUB;
  args.a = 100;
  args.note = "note";
  args.operand.value = 30;
  args.extra = {1, 2, 3};
  Served s = Serve(handler_, "compute", p(), args);
  ASSERT_TRUE(s.status.ok()) << s.status;
  auto result = DecodeReply<Calculator_compute_result>(s, p());
  ASSERT_TRUE(result.success.has_value());
  EXPECT_EQ(*result.success, 64);
  EXPECT_EQ(handler_.last_note, "note");
}

TEST_P(RpcInvoker, VoidMethodRepliesWithAnEmptyResult) {
  Served s = Serve(handler_, "ping", p(), Calculator_ping_args{});
  ASSERT_TRUE(s.status.ok()) << s.status;
  EXPECT_EQ(handler_.pings, 1);
  ASSERT_TRUE(s.call->replied());
  // An empty struct: its stop byte only.
  s.call->reply_body().Flush();
  EXPECT_EQ(s.call->reply_body().Len(), 1u);
  DecodeReply<Calculator_ping_result>(s, p());
}

TEST_P(RpcInvoker, CoroutineFormReturnsTheValue) {
  Calculator_lookup_args args;
  args.key = "abcd";
  Served s = Serve(handler_, "lookup", p(), args);
  ASSERT_TRUE(s.status.ok()) << s.status;
  auto result = DecodeReply<Calculator_lookup_result>(s, p());
  ASSERT_TRUE(result.success.has_value());
  EXPECT_EQ(result.success->value, 4);
  EXPECT_EQ(result.success->label, "abcd");
  EXPECT_FALSE(result.invalid.has_value());
  EXPECT_FALSE(result.overflow.has_value());
}

TEST_P(RpcInvoker, FirstDeclaredExceptionIsRepliedAndNamedInTheStatus) {
  Calculator_lookup_args args;
  args.key = "invalid";
  Served s = Serve(handler_, "lookup", p(), args);
  EXPECT_EQ(s.status, IdlExceptionStatus("Invalid", Invalid("no such key", 7).what()));
  EXPECT_EQ(s.status.code(), absl::StatusCode::kUnknown);
  EXPECT_THAT(std::string(s.status.message()), HasSubstr("Invalid: "));
  auto result = DecodeReply<Calculator_lookup_result>(s, p());
  EXPECT_FALSE(result.success.has_value());
  ASSERT_TRUE(result.invalid.has_value());
  EXPECT_EQ(*result.invalid, Invalid("no such key", 7));
  EXPECT_FALSE(result.overflow.has_value());
}

TEST_P(RpcInvoker, SecondDeclaredExceptionIsRepliedAndNamedInTheStatus) {
  Calculator_lookup_args args;
  args.key = "overflow";
  Served s = Serve(handler_, "lookup", p(), args);
  EXPECT_EQ(s.status, IdlExceptionStatus("Overflow", Overflow(99).what()));
  auto result = DecodeReply<Calculator_lookup_result>(s, p());
  EXPECT_FALSE(result.success.has_value());
  EXPECT_FALSE(result.invalid.has_value());
  ASSERT_TRUE(result.overflow.has_value());
  EXPECT_EQ(result.overflow->limit, 99);
}

TEST_P(RpcInvoker, UndeclaredExceptionEscapesWithoutAReply) {
  Calculator_lookup_args args;
  args.key = "other";
  EXPECT_THROW(Serve(handler_, "lookup", p(), args), std::logic_error);
}

TEST_P(RpcInvoker, VoidMethodWithExceptions) {
  Calculator_store_args args;
  args.key = "k";
  args.value.value = 5;
  Served ok = Serve(handler_, "store", p(), args);
  ASSERT_TRUE(ok.status.ok()) << ok.status;
  auto ok_result = DecodeReply<Calculator_store_result>(ok, p());
  EXPECT_FALSE(ok_result.invalid.has_value());
  EXPECT_EQ(handler_.stored["k"].value, 5);

  args.key = "";
  Served bad = Serve(handler_, "store", p(), args);
  EXPECT_EQ(bad.status.code(), absl::StatusCode::kUnknown);
  auto bad_result = DecodeReply<Calculator_store_result>(bad, p());
  ASSERT_TRUE(bad_result.invalid.has_value());
  EXPECT_EQ(bad_result.invalid->reason, "empty key");
}

TEST_P(RpcInvoker, OnewayRunsAndNeverReplies) {
  Calculator_fire_args args;
  args.id = 9;
  args.tag = "go";
  Served s = Serve(handler_, "fire", p(), args);
  ASSERT_TRUE(s.status.ok()) << s.status;
  EXPECT_FALSE(s.call->replied());
  s.call->reply_body().Flush();
  EXPECT_EQ(s.call->reply_body().Len(), 0u);
  EXPECT_THAT(handler_.fired, ElementsAre("fire:9:go"));
}

TEST_P(RpcInvoker, DecodeErrorIsReturnedWithoutAReply) {
  // A truncated arguments struct: a string field header with no body.
  Calculator_lookup_args args;
  args.key = "abcdef";
  std::string bytes = EncodeToString(args, p());
  bytes.resize(bytes.size() - 4);
  Served s = ServeBytes(handler_, "lookup", p(), bytes);
  EXPECT_FALSE(s.status.ok());
  EXPECT_FALSE(s.call->replied());

  // A required argument missing: reorder's `b` (an empty struct).
  Served r = ServeBytes(handler_, "reorder", p(), EncodeToString(Calculator_ping_args{}, p()));
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument) << r.status;
  EXPECT_THAT(std::string(r.status.message()), HasSubstr("Calculator_reorder_args.b"));
  EXPECT_FALSE(r.call->replied());
}

TEST_P(RpcInvoker, UnimplementedMethodThrowsNamingIt) {
  Calculator_unimplemented_args args;
  args.x = 1;
  try {
    Serve(handler_, "unimplemented", p(), args);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "Calculator.unimplemented is not implemented");
  }
}

TEST_P(RpcInvoker, KeywordNamesAndCollidingParameters) {
  Calculator_template_args t;
  t.typename_ = "int";
  Served st = Serve(handler_, "template", p(), t);
  ASSERT_TRUE(st.status.ok()) << st.status;
  EXPECT_EQ(DecodeReply<Calculator_template_result>(st, p()).success, "T<int>");

  Calculator_await_args a;
  a.n = 21;
  Served sa = Serve(handler_, "await", p(), a);
  ASSERT_TRUE(sa.status.ok()) << sa.status;
  EXPECT_EQ(DecodeReply<Calculator_await_result>(sa, p()).success, 42);

  Calculator_collide_args c;
  c.options = "o";
  c.done = 1;
  c.ctx = true;
  c.out = 2;
  Served sc = Serve(handler_, "collide", p(), c);
  ASSERT_TRUE(sc.status.ok()) << sc.status;
  EXPECT_EQ(DecodeReply<Calculator_collide_result>(sc, p()).success, true);

  Calculator_label_args l;
  l.label = "x";
  Served sl = Serve(handler_, "label", p(), l);
  ASSERT_TRUE(sl.status.ok()) << sl.status;
  EXPECT_EQ(DecodeReply<Calculator_label_result>(sl, p()).success, "label:x");
}

TEST_P(RpcInvoker, ContainersAndBinary) {
  Calculator_group_args g;
  g.keys = {"x", "y"};
  g.flag = true;
  g.ratio = 0.5;
  g.ops = {{1, Op::ADD}, {2, Op::SUB}};
  Served sg = Serve(handler_, "group", p(), g);
  ASSERT_TRUE(sg.status.ok()) << sg.status;
  auto group = DecodeReply<Calculator_group_result>(sg, p());
  ASSERT_TRUE(group.success.has_value());
  ASSERT_EQ(group.success->size(), 2u);
  EXPECT_EQ(group.success->at("y").at(0).value, 3);

  Calculator_echo_bytes_args e;
  e.data = codec::Bytes(std::string(10000, '\x01'));
  Served se = Serve(handler_, "echo_bytes", p(), e);
  ASSERT_TRUE(se.status.ok()) << se.status;
  EXPECT_EQ(DecodeReply<Calculator_echo_bytes_result>(se, p()).success, e.data);
}

TEST_P(RpcInvoker, ArgumentsOutOfIdOrder) {
  Calculator_reorder_args args;
  args.c = "c";
  args.a = 1;
  args.b = "b";
  Served s = Serve(handler_, "reorder", p(), args);
  ASSERT_TRUE(s.status.ok()) << s.status;
  EXPECT_EQ(DecodeReply<Calculator_reorder_result>(s, p()).success, "c|1|b");
}

TEST_P(RpcInvoker, BaseMethodsFromAnotherFile) {
  Served s = Serve(handler_, "whoami", p(), rpcbase::Base_whoami_args{});
  ASSERT_TRUE(s.status.ok()) << s.status;
  EXPECT_EQ(DecodeReply<rpcbase::Base_whoami_result>(s, p()).success, "calc/whoami");

  Served v = Serve(handler_, "version", p(), rpcbase::Base_version_args{});
  EXPECT_EQ(v.status, IdlExceptionStatus("BaseError", rpcbase::BaseError("too old").what()));
  auto result = DecodeReply<rpcbase::Base_version_result>(v, p());
  ASSERT_TRUE(result.error.has_value());
  EXPECT_EQ(result.error->message, "too old");
}

TEST_P(RpcInvoker, TwoLevelsOfExtends) {
  TestScientific sci;
  Scientific_power_args pw;
  pw.base = 2;
  pw.exponent = 10;
  Served s = Serve(sci, "power", p(), pw);
  ASSERT_TRUE(s.status.ok()) << s.status;
  EXPECT_EQ(DecodeReply<Scientific_power_result>(s, p()).success, 1024.0);

  // Calculator's method, overridden in the Scientific handler.
  Calculator_compute_args c;
  c.a = 5;
  Served sc = Serve(sci, "compute", p(), c);
  ASSERT_TRUE(sc.status.ok()) << sc.status;
  EXPECT_EQ(DecodeReply<Calculator_compute_result>(sc, p()).success, -5);

  // Base's method, two levels up.
  Served sw = Serve(sci, "whoami", p(), rpcbase::Base_whoami_args{});
  ASSERT_TRUE(sw.status.ok()) << sw.status;
  EXPECT_EQ(DecodeReply<rpcbase::Base_whoami_result>(sw, p()).success, "sci");

  // Not overridden anywhere: the default.
  EXPECT_THROW(Serve(sci, "ping", p(), Calculator_ping_args{}), std::runtime_error);
}

std::vector<std::string> Names(const Service& service) {
  std::vector<std::string> out;
  for (const MethodDescriptor& m : service.Methods()) {
    out.emplace_back(m.name);
    EXPECT_NE(m.invoke, nullptr) << m.name;
  }
  return out;
}

TEST(RpcHandler, MethodTablesListOwnMethodsThenInheritedOnes) {
  TestCalculator calc;
  EXPECT_EQ(calc.ServiceName(), "Calculator");
  EXPECT_THAT(Names(calc), ElementsAre("ping", "compute", "lookup", "store", "fire", "template",
                                       "await", "collide", "label", "echo_bytes", "group",
                                       "unimplemented", "reorder", "whoami", "version"));
  const MethodDescriptor* fire = FindMethod(calc, "fire");
  ASSERT_NE(fire, nullptr);
  EXPECT_TRUE(fire->oneway);
  EXPECT_FALSE(FindMethod(calc, "ping")->oneway);

  TestScientific sci;
  EXPECT_EQ(sci.ServiceName(), "Scientific");
  EXPECT_THAT(Names(sci), ElementsAre("power", "pick", "ping", "compute", "lookup", "store", "fire",
                                      "template", "await", "collide", "label", "echo_bytes",
                                      "group", "unimplemented", "reorder", "whoami", "version"));

  EmptyHandler empty;
  EXPECT_EQ(empty.ServiceName(), "Empty");
  EXPECT_TRUE(empty.Methods().empty());

  rpcbase::BaseHandler base;
  EXPECT_THAT(Names(base), ElementsAre("whoami", "version"));
}

// The client encodes through S_m_pargs, pointing at the caller's values;
// the bytes must equal those of S_m_args holding the same values.
class RpcPargs : public ::testing::TestWithParam<ProtocolId> {
 protected:
  ProtocolId p() const { return GetParam(); }
};

INSTANTIATE_TEST_SUITE_P(Protocols, RpcPargs,
                         ::testing::Values(ProtocolId::kBinary, ProtocolId::kCompact),
                         [](const auto& info) {
                           return info.param == ProtocolId::kBinary ? std::string("Binary")
                                                                    : std::string("Compact");
                         });

TEST_P(RpcPargs, MixedTypesEncodeAsTheArgsStruct) {
  Calculator_compute_args args;
  args.op = Op::SUB;
  args.a = -1234567890123;
  args.note = "a note";
  args.operand.value = 7;
  args.operand.label = "seven";
  args.extra = {1, -2, 300000};
  const Calculator_compute_pargs pargs{.op = &args.op,
                                       .a = &args.a,
                                       .note = &args.note,
                                       .operand = &args.operand,
                                       .extra = &args.extra};
  EXPECT_EQ(codec::EncodedSize(pargs, p()), codec::EncodedSize(args, p()));
  EXPECT_EQ(EncodeToString(pargs, p()), EncodeToString(args, p()));
}

TEST_P(RpcPargs, ContainersAndIdOrderEncodeAsTheArgsStruct) {
  Calculator_group_args g;
  g.keys = {"b", "a"};
  g.flag = true;
  g.ratio = -0.25;
  g.ops = {{3, Op::ADD}};
  const Calculator_group_pargs gp{
      .keys = &g.keys, .flag = &g.flag, .ratio = &g.ratio, .ops = &g.ops};
  EXPECT_EQ(EncodeToString(gp, p()), EncodeToString(g, p()));

  // Declared 3, 1, 2: both write 1, 2, 3.
  Calculator_reorder_args r;
  r.c = "c";
  r.a = 1;
  r.b = "b";
  const Calculator_reorder_pargs rp{.c = &r.c, .a = &r.a, .b = &r.b};
  EXPECT_EQ(EncodeToString(rp, p()), EncodeToString(r, p()));

  const Calculator_ping_pargs none{};
  EXPECT_EQ(EncodeToString(none, p()), EncodeToString(Calculator_ping_args{}, p()));
}

TEST_P(RpcPargs, LargeArgumentsTakeTheChunkedPathWithTheSameBytes) {
  // Over codec::kContiguousEncodeLimit: encoded field by field.
  Calculator_store_args args;
  args.key = std::string(3 * 8192, 'k');
  args.value.value = 1;
  args.value.label = std::string(20000, 'l');
  const Calculator_store_pargs pargs{.key = &args.key, .value = &args.value};
  ASSERT_GT(codec::EncodedSize(args, p()), codec::kContiguousEncodeLimit);
  EXPECT_EQ(EncodeToString(pargs, p()), EncodeToString(args, p()));
}

// The stubs compile against core/client.h and reach Client::Call; with no
// target every style reports the client's UNAVAILABLE (the calls
// themselves are tested end to end with the client).
TEST(RpcClient, EveryStyleReportsTheClientsError) {
  ClientOptions options;
  options.service = "Calculator";
  auto client = std::make_shared<Client>(options);
  CalculatorClient calc(client);
  ScientificClient sci(client.get());

  absl::StatusOr<Operand> blocking = calc.lookup("k");
  EXPECT_EQ(blocking.status().code(), absl::StatusCode::kUnavailable) << blocking.status();

  Operand out;
  out.value = 5;
  absl::Status into = calc.lookup("k", &out);
  EXPECT_EQ(into.code(), absl::StatusCode::kUnavailable) << into;
  EXPECT_EQ(out.value, 5) << "*out is untouched when the call fails before a reply";

  std::optional<absl::StatusOr<double>> called;
  absl::Notification done;
  sci.power(2, 3, [&](absl::StatusOr<double> r) {
    called.emplace(std::move(r));
    done.Notify();
  });
  done.WaitForNotification();
  EXPECT_EQ(called->status().code(), absl::StatusCode::kUnavailable);

  absl::Status coroutine = BlockOn(sci.co_ping());
  EXPECT_EQ(coroutine.code(), absl::StatusCode::kUnavailable) << coroutine;

  absl::Status oneway = sci.fire(1, "x");
  EXPECT_EQ(oneway.code(), absl::StatusCode::kUnavailable) << oneway;

  absl::StatusOr<std::string> inherited = sci.whoami();
  EXPECT_EQ(inherited.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace vireo::rpctest
