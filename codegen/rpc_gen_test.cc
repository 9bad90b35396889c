// The text vireo-gen writes for services (`<name>_rpc.h/.cc`): the
// contracted shape of the handler, the client and the wire structs,
// inheritance across files, names that need care, determinism and errors.
// rpc_test.cc compiles and runs the same output.

#include "vireo/codegen/rpc_gen.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "vireo/codegen/generate_test_util.h"
#include "vireo/idl/frontend.h"

namespace vireo::codegen {
namespace {

using ::testing::HasSubstr;

GeneratedFiles Generate(const std::string& name, const std::string& text) {
  return GenerateText(GenerateRpc, name, text);
}

absl::Status GenerateError(const std::string& text) { return GenerateTextError(GenerateRpc, text); }

GeneratedFiles GenerateFile(const std::string& path,
                            const std::vector<std::string>& include_dirs = {}) {
  return GenerateFromFile(GenerateRpc, path, include_dirs);
}

// Like HasSubstr, but a failure shows the needle only, not the whole file.
::testing::AssertionResult Has(const std::string& hay, std::string_view needle) {
  if (hay.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "missing: " << needle;
}
::testing::AssertionResult Lacks(const std::string& hay, std::string_view needle) {
  size_t p = hay.find(needle);
  if (p == std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "unexpected: " << needle << " in: " << hay.substr(p > 200 ? p - 200 : 0, 400);
}

GeneratedFiles RpcTestFile() {
  const std::string dir = VIREO_CODEGEN_TESTDATA_DIR;
  return GenerateFile(dir + "/rpc_test.thrift", {dir});
}

TEST(RpcGen, EchoHandlerHasTheContractedShape) {
  GeneratedFiles f = GenerateFile(std::string(VIREO_BENCH_IDL_DIR) + "/echo.thrift");
  EXPECT_EQ(f.header_name, "echo_rpc.h");
  EXPECT_EQ(f.source_name, "echo_rpc.cc");
  const std::string& h = f.header;
  EXPECT_TRUE(Has(h, "#ifndef VIREO_GEN_BENCH_ECHO_RPC_H_\n"));
  EXPECT_TRUE(Has(h,
                  "#include \"echo_types.h\"\n#include \"vireo/core/call_args.h\"\n"
                  "#include \"vireo/core/client.h\"\n#include \"vireo/core/service.h\"\n"
                  "#include \"vireo/core/task.h\"\n"));
  EXPECT_TRUE(Has(h, "namespace bench {\n"));
  EXPECT_TRUE(Has(h,
                  "class EchoServiceHandler : public ::vireo::Service {\n"
                  " public:\n"
                  "  // \"EchoService\".\n"
                  "  std::string_view ServiceName() const override;\n"
                  "  // Every method of EchoService, with those of the services it extends.\n"
                  "  std::span<const ::vireo::MethodDescriptor> Methods() const override;\n"
                  "\n"
                  "  virtual Response echo(::vireo::CallContext& ctx, const Request& req);\n"
                  "  virtual ::vireo::Task<Response> co_echo(::vireo::CallContext& ctx, "
                  "const Request& req);\n"));
  EXPECT_TRUE(Has(h,
                  "  static ::vireo::Task<::absl::Status> VireoInvoke_echo("
                  "::vireo::Service& service,\n"));

  const std::string& cc = f.source;
  EXPECT_TRUE(Has(cc, "#include \"echo_rpc.h\"\n"));
  EXPECT_TRUE(Has(cc,
                  "std::string_view EchoServiceHandler::ServiceName() const { return "
                  "\"EchoService\"; }\n"));
  EXPECT_TRUE(Has(cc,
                  "  static constexpr std::array<::vireo::MethodDescriptor, 1> "
                  "kMethods = {{\n"
                  "      {\"echo\", false, &EchoServiceHandler::VireoInvoke_echo},\n"
                  "  }};\n"));
  EXPECT_TRUE(Has(cc,
                  "Response EchoServiceHandler::echo(::vireo::CallContext& /*ctx*/, "
                  "const Request& /*req*/) {\n"
                  "  throw std::runtime_error(\"EchoService.echo is not "
                  "implemented\");\n}\n"));
  EXPECT_TRUE(Has(cc, "  return ::vireo::ReadyTask<Response>(this->echo(ctx, req));\n"));
  // The invoker, as core/service.h's contract says.
  EXPECT_TRUE(Has(cc,
                  "  auto& handler = static_cast<EchoServiceHandler&>(service);\n"
                  "  EchoService_echo_result result;\n"
                  "  {\n"
                  "    EchoService_echo_args args;\n"
                  "    if (::absl::Status status = call.DecodeArgs(&args); !status.ok()) "
                  "co_return status;\n"
                  "    result.success = co_await handler.co_echo(call.context(), args.req);\n"
                  "  }\n"
                  "  call.Reply(result);\n"
                  "  co_return ::absl::OkStatus();\n}\n"));
}

TEST(RpcGen, EchoClientHasTheContractedShape) {
  GeneratedFiles f = GenerateFile(std::string(VIREO_BENCH_IDL_DIR) + "/echo.thrift");
  const std::string& h = f.header;
  EXPECT_TRUE(Has(h, "  explicit EchoServiceClient(::vireo::Client* client)"));
  EXPECT_TRUE(Has(h,
                  "  explicit EchoServiceClient(std::shared_ptr<::vireo::Client> "
                  "client)\n"));
  EXPECT_TRUE(Has(h,
                  "  ::absl::StatusOr<Response> echo(const Request& req, const "
                  "::vireo::CallOptions& options = {});\n"));
  EXPECT_TRUE(Has(h,
                  "  ::absl::Status echo(const Request& req, ::vireo::Out<Response> out,\n"
                  "                      const ::vireo::CallOptions& options = {});\n"));
  EXPECT_TRUE(Has(h,
                  "  void echo(const Request& req, ::vireo::Callback<::absl::StatusOr<Response>> "
                  "done,\n"
                  "            const ::vireo::CallOptions& options = {});\n"));
  EXPECT_TRUE(Has(h,
                  "  ::vireo::Task<::absl::StatusOr<Response>> co_echo(const Request& "
                  "req,\n"
                  "                                                    "
                  "::vireo::CallOptions options = {});\n"));
  // The wire structs, after the classes a reader looks for.
  EXPECT_LT(Pos(h, "class EchoServiceClient {"), Pos(h, "struct EchoService_echo_args {"));
  EXPECT_TRUE(Has(h, "struct EchoService_echo_args {\n  Request req;\n"));
  EXPECT_TRUE(Has(h, "struct EchoService_echo_pargs {\n  const Request* req = nullptr;\n"));
  EXPECT_TRUE(Has(h,
                  "struct EchoService_echo_result {\n"
                  "  std::optional<Response> success;\n"));
  EXPECT_TRUE(Has(h, "      {0, \"success\", vireo::codec::TType::kStruct, true, false},"));

  const std::string& cc = f.source;
  EXPECT_TRUE(Has(cc, "constexpr ::vireo::MethodInfo kEchoService_echo{\"echo\", false};"));
  // No copy of the arguments: a view of pointers to them.
  EXPECT_TRUE(Has(cc,
                  "  const EchoService_echo_pargs args{.req = &req};\n"
                  "  return ::vireo::internal::CallBlocking<::absl::StatusOr<Response>>"
                  "(\n"));
  EXPECT_TRUE(Has(cc,
                  "  return ::vireo::internal::CallCoroutine<::absl::StatusOr<Response>>(\n"
                  "      vireo_client(), kEchoService_echo, "
                  "::vireo::internal::EncodeNow(vireo_client(), args),\n"));
  EXPECT_TRUE(Has(cc, "::vireo::internal::CallAsync<::absl::StatusOr<Response>>("));
  EXPECT_TRUE(Has(cc,
                  "  return ::absl::InternalError(\"EchoService.echo: reply has no "
                  "result (MISSING_RESULT)\");\n"));
  EXPECT_TRUE(Has(cc, "  result.success.emplace(std::move(*out));\n"));
  EXPECT_TRUE(Has(cc, "size_t EchoService_echo_pargs::BinarySize() const"));
  EXPECT_TRUE(Lacks(cc, "EchoService_echo_pargs::Read")) << "the view is encode-only";
}

TEST(RpcGen, ExceptionsAreCaughtRepliedAndDecoded) {
  GeneratedFiles f = RpcTestFile();
  const std::string& cc = f.source;
  EXPECT_TRUE(Has(cc,
                  "    try {\n"
                  "      result.success = co_await handler.co_lookup(call.context(), "
                  "args.key);\n"
                  "    } catch (const Invalid& e) {\n"
                  "      result.invalid = e;\n"
                  "      call.Reply(result);\n"
                  "      co_return ::vireo::IdlExceptionStatus(\"Invalid\", e.what());\n"
                  "    } catch (const Overflow& e) {\n"
                  "      result.overflow = e;\n"
                  "      call.Reply(result);\n"
                  "      co_return ::vireo::IdlExceptionStatus(\"Overflow\", e.what());\n"
                  "    }\n"
                  "  }\n"
                  "  call.Reply(result);\n"));
  EXPECT_TRUE(Has(cc,
                  "  if (result->invalid.has_value()) {\n"
                  "    return ::vireo::internal::IdlExceptionToStatus(\"Invalid\", "
                  "*result->invalid);\n  }\n"));
  const std::string& h = f.header;
  EXPECT_TRUE(Has(h,
                  "struct Calculator_lookup_result {\n"
                  "  std::optional<Operand> success;\n"
                  "  std::optional<Invalid> invalid;\n"
                  "  std::optional<Overflow> overflow;\n"));
  // A void method's result has no success field.
  EXPECT_TRUE(Has(h,
                  "struct Calculator_store_result {\n"
                  "  std::optional<Invalid> invalid;\n\n"));
}

TEST(RpcGen, OnewayNeitherRepliesNorHasAResultStruct) {
  GeneratedFiles f = RpcTestFile();
  const std::string& cc = f.source;
  size_t invoker = Pos(cc, "CalculatorHandler::VireoInvoke_fire(");
  size_t end = cc.find("\n}\n", invoker);
  const std::string body = cc.substr(invoker, end - invoker);
  EXPECT_TRUE(Has(body,
                  "  co_await handler.co_fire(call.context(), args.id, args.tag);\n"
                  "  co_return ::absl::OkStatus();"));
  EXPECT_TRUE(Lacks(body, "Reply"));
  EXPECT_TRUE(Lacks(f.header, "Calculator_fire_result"));
  EXPECT_TRUE(Has(cc, "constexpr ::vireo::MethodInfo kCalculator_fire{\"fire\", true};"));
  EXPECT_TRUE(Has(cc, "      {\"fire\", true, &CalculatorHandler::VireoInvoke_fire},\n"));
  EXPECT_TRUE(Has(cc, "&VireoDecodeOneway"));
  // Oneway is void: no blocking-into-output form.
  EXPECT_TRUE(Has(f.header,
                  "  ::absl::Status fire(int64_t id, const std::string& tag, "
                  "const ::vireo::CallOptions& options = {});\n"));
}

TEST(RpcGen, IdempotentAnnotationMarksTheMethodInfo) {
  GeneratedFiles f = Generate("idem.thrift", R"(
service Store {
  string get(1: string key) (vireo.idempotent = "true")
  void put(1: string key, 2: string value)
  string peek(1: string key) (vireo.idempotent = "false")
}
)");
  EXPECT_TRUE(Has(f.source, "constexpr ::vireo::MethodInfo kStore_get{\"get\", false, true};"));
  EXPECT_TRUE(Has(f.source, "constexpr ::vireo::MethodInfo kStore_put{\"put\", false};"));
  EXPECT_TRUE(Has(f.source, "constexpr ::vireo::MethodInfo kStore_peek{\"peek\", false};"));
}

TEST(RpcGen, ExtendsAcrossFilesAndLevels) {
  GeneratedFiles f = RpcTestFile();
  const std::string& h = f.header;
  EXPECT_TRUE(Has(h, "#include \"rpc_base_rpc.h\"\n"));
  EXPECT_TRUE(Has(h, "class CalculatorHandler : public ::vireo::rpcbase::BaseHandler {\n"));
  EXPECT_TRUE(Has(h, "class CalculatorClient : public ::vireo::rpcbase::BaseClient {\n"));
  EXPECT_TRUE(Has(h,
                  "  explicit CalculatorClient(::vireo::Client* client) : "
                  "::vireo::rpcbase::BaseClient(client) {}\n"));
  EXPECT_TRUE(Has(h, "class ScientificHandler : public CalculatorHandler {\n"));
  EXPECT_TRUE(Has(h, "class ScientificClient : public CalculatorClient {\n"));
  // The derived table lists every method, the base's through their
  // declaring handler's invokers.
  const std::string& cc = f.source;
  size_t table = Pos(cc, "ScientificHandler::Methods() const {");
  const std::string rows = cc.substr(table, cc.find("}};", table) - table);
  EXPECT_TRUE(Has(rows, "std::array<::vireo::MethodDescriptor, 17>"));
  EXPECT_TRUE(Has(rows, "{\"power\", false, &ScientificHandler::VireoInvoke_power},"));
  EXPECT_TRUE(Has(rows, "{\"ping\", false, &CalculatorHandler::VireoInvoke_ping},"));
  EXPECT_TRUE(
      Has(rows, "{\"whoami\", false, &::vireo::rpcbase::BaseHandler::VireoInvoke_whoami},"));
  EXPECT_LT(Pos(rows, "\"power\""), Pos(rows, "\"ping\""));
  EXPECT_LT(Pos(rows, "\"ping\""), Pos(rows, "\"whoami\""));
}

// Every service of a long `extends` chain: the one at its end has every
// method above it. (Checking each inherited member name against every
// definition of the file made such a chain cubic: 350 services, 15 KB of
// IDL, took seconds.)
TEST(RpcGen, LongExtendsChain) {
  constexpr int kServices = 300;
  std::string idl = "struct Item { 1: i32 id }\nservice S0 { Item get0(1: Item i) }\n";
  for (int i = 1; i < kServices; ++i) {
    const std::string n = std::to_string(i);
    idl += "service S" + n + " extends S" + std::to_string(i - 1) + " { Item get" + n +
           "(1: Item i) }\n";
  }
  GeneratedFiles f = Generate("chain.thrift", idl);
  EXPECT_TRUE(Has(f.header, "class S299Handler : public S298Handler {\n"));
  const std::string& cc = f.source;
  size_t table = Pos(cc, "S299Handler::Methods() const {");
  const std::string rows = cc.substr(table, cc.find("}};", table) - table);
  EXPECT_TRUE(Has(rows, "std::array<::vireo::MethodDescriptor, 300>"));
  EXPECT_TRUE(Has(rows, "{\"get0\", false, &S0Handler::VireoInvoke_get0},"));
}

TEST(RpcGen, KeywordAndCollidingNames) {
  GeneratedFiles f = RpcTestFile();
  const std::string& h = f.header;
  // `template` and `typename` are C++ keywords: `_` appended; wire names kept.
  EXPECT_TRUE(Has(h,
                  "  virtual std::string template_(::vireo::CallContext& ctx, const "
                  "std::string& typename_);\n"));
  EXPECT_TRUE(Has(f.source, "{\"template\", false, &CalculatorHandler::VireoInvoke_template}"));
  EXPECT_TRUE(Has(f.source, "kCalculator_template{\"template\", false}"));
  // co_ + await is a keyword.
  EXPECT_TRUE(Has(h,
                  "virtual ::vireo::Task<int32_t> co_await_(::vireo::CallContext& ctx, "
                  "int32_t n);\n"));
  EXPECT_TRUE(Has(h, "  ::vireo::Task<::absl::StatusOr<int32_t>> co_await_(int32_t n,"));
  // Parameters named like the stubs' own push those aside.
  EXPECT_TRUE(Has(h,
                  "  virtual bool collide(::vireo::CallContext& vireo_ctx, const "
                  "std::string& options, int32_t done,\n"));
  EXPECT_TRUE(Has(h,
                  "                      const ::vireo::CallOptions& vireo_options = "
                  "{});\n"));
  EXPECT_TRUE(Has(h,
                  "int64_t out,\n                         ::vireo::Out<bool> vireo_out,"));
  EXPECT_TRUE(Has(h, "::vireo::Callback<::absl::StatusOr<bool>> vireo_done,"));
}

TEST(RpcGen, EmptyServiceAndFileWithoutServices) {
  GeneratedFiles f = RpcTestFile();
  EXPECT_TRUE(Has(f.header, "class EmptyHandler : public ::vireo::Service {\n"));
  EXPECT_TRUE(Has(f.source,
                  "  static constexpr std::array<::vireo::MethodDescriptor, 0> "
                  "kMethods = {};\n"));

  // Still both files, so a build can name them; they compile on their own.
  GeneratedFiles none = Generate("plain.thrift", "namespace cpp p\nstruct S { 1: i32 v }\n");
  EXPECT_EQ(none.header_name, "plain_rpc.h");
  EXPECT_EQ(none.source_name, "plain_rpc.cc");
  EXPECT_TRUE(Has(none.header, "#include \"plain_types.h\"\n"));
  EXPECT_TRUE(Has(none.header, "#include \"vireo/core/client.h\"\n"));
  EXPECT_TRUE(Lacks(none.header, "class "));
  EXPECT_TRUE(Has(none.source, "#include \"plain_rpc.h\"\n"));
  EXPECT_TRUE(Lacks(none.source, "namespace {"));
}

TEST(RpcGen, ArgumentsAreAllSentAndRequiredStaysRequired) {
  GeneratedFiles f = Generate("args.thrift",
                              "service S { void m(1: optional i32 a, 2: required string b, "
                              "3: i64 c = 5) }\n");
  // `optional` means nothing in an argument list (as in Apache Thrift).
  EXPECT_TRUE(Has(f.header,
                  "struct S_m_args {\n  int32_t a = 0;\n  std::string b;\n"
                  "  int64_t c = 5;\n"));
  EXPECT_TRUE(Has(f.header, "      {2, \"b\", vireo::codec::TType::kString, false, true},"));
  EXPECT_TRUE(Has(f.header, "struct S_m_pargs {\n  const int32_t* a = nullptr;\n"));
}

TEST(RpcGen, Deterministic) {
  GeneratedFiles a = RpcTestFile();
  GeneratedFiles b = RpcTestFile();
  EXPECT_EQ(a.header, b.header);
  EXPECT_EQ(a.source, b.source);
  EXPECT_TRUE(Lacks(a.header, VIREO_CODEGEN_TESTDATA_DIR));
  EXPECT_TRUE(Lacks(a.source, VIREO_CODEGEN_TESTDATA_DIR));
  EXPECT_TRUE(Has(a.header, "from rpc_test.thrift. Do not edit."));
}

TEST(RpcGen, GeneratedNameTakenIsAnError) {
  absl::Status s = GenerateError("struct Echo_echo_args {}\nservice Echo { void echo() }\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("bad.thrift:2:"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("Echo_echo_args"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("line 1"));

  s = GenerateError("struct EchoClient {}\nservice Echo {}\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("EchoClient"));

  // Two services making the same struct name.
  s = GenerateError("service A_b { void c() }\nservice A { void b_c() }\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("A_b_c_args"));
}

TEST(RpcGen, ExceptionNamedSuccessIsAnError) {
  absl::Status s = GenerateError("exception E {}\nservice S { i32 m() throws (1: E success) }\n");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("bad.thrift:2:"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("'success'"));
}

TEST(RpcGen, LinesFitTheColumnLimitOutsideTheCodec) {
  GeneratedFiles f = RpcTestFile();
  size_t start = 0;
  int line = 1;
  while (start < f.header.size()) {
    size_t end = f.header.find('\n', start);
    if (end == std::string::npos) end = f.header.size();
    EXPECT_LE(end - start, 100u) << "rpc_test_rpc.h:" << line << ": "
                                 << f.header.substr(start, end - start);
    start = end + 1;
    ++line;
  }
}

}  // namespace
}  // namespace vireo::codegen
