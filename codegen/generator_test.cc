// The text vireo-gen writes: the pieces a user relies on, the order of
// definitions, determinism, and the errors it reports.

#include "vireo/codegen/generator.h"

#include <pthread.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "vireo/codegen/cpp_types.h"
#include "vireo/codegen/generate_test_util.h"
#include "vireo/codegen/rpc_gen.h"
#include "vireo/idl/frontend.h"

namespace vireo::codegen {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

GeneratedFiles Generate(const std::string& name, const std::string& text) {
  return GenerateText(GenerateTypes, name, text);
}


GeneratedFiles GenerateFile(const std::string& path,
                            const std::vector<std::string>& include_dirs = {}) {
  return GenerateFromFile(GenerateTypes, path, include_dirs);
}

TEST(Generator, ComplexThriftHasTheContractedShape) {
  GeneratedFiles f = GenerateFile(std::string(VIREO_BENCH_IDL_DIR) + "/complex.thrift");
  EXPECT_EQ(f.header_name, "complex_types.h");
  EXPECT_EQ(f.source_name, "complex_types.cc");
  const std::string& h = f.header;
  EXPECT_THAT(h, HasSubstr("namespace bench {\n"));
  EXPECT_THAT(h, HasSubstr("}  // namespace bench\n"));
  EXPECT_THAT(h, HasSubstr("enum class Status : int32_t {\n  UNKNOWN = 0,\n  ACTIVE = 1,\n"
                           "  SUSPENDED = 2,\n  DELETED = 7,\n};\n"));
  EXPECT_THAT(h, HasSubstr("constexpr std::string_view EnumName(Status value) {"));
  EXPECT_THAT(h, HasSubstr("bool EnumFromName(std::string_view name, Status* value);"));
  // Wrapped: on one line it would pass 100 columns.
  EXPECT_THAT(
      h, HasSubstr("inline constexpr std::array<Status, 4> kStatusValues = {\n"
                   "    Status::UNKNOWN, Status::ACTIVE, Status::SUSPENDED, Status::DELETED};"));
  EXPECT_THAT(h, HasSubstr("using UserId = int64_t;\n"));
  EXPECT_THAT(h, HasSubstr("using Labels = std::map<std::string, std::string>;\n"));
  EXPECT_THAT(h, HasSubstr("inline constexpr int32_t MAX_ITEMS = 1024;\n"));
  EXPECT_THAT(h, HasSubstr("inline const std::string DEFAULT_REGION = \"cn-north\";\n"));
  EXPECT_THAT(h, HasSubstr("struct Point {\n  double x = 0;\n  double y = 0;\n"));
  EXPECT_THAT(h, HasSubstr("struct Item {\n  int64_t id = 0;\n  std::string title;\n"
                           "  vireo::codec::Bytes payload;\n  std::vector<Point> path;\n"
                           "  std::optional<Labels> labels;\n"));
  EXPECT_THAT(h, HasSubstr("class Value {\n public:\n"));
  EXPECT_THAT(h, HasSubstr("  enum class Which : int16_t {\n    kNone = 0,\n    int_value = 1,\n"
                           "    str_value = 2,\n    list_value = 3,\n  };\n"));
  EXPECT_THAT(h, HasSubstr("  const int64_t& int_value() const"));
  EXPECT_THAT(h, HasSubstr("  int64_t& mutable_int_value() {"));
  EXPECT_THAT(h, HasSubstr("  void set_int_value(int64_t v)"));
  EXPECT_THAT(h, HasSubstr("  void set_str_value(std::string&& v)"));
  EXPECT_THAT(h, HasSubstr("  void set_str_value(const std::string& v)"));
  EXPECT_THAT(h, Not(HasSubstr("set_int_value(int64_t&& v)"))) << "scalars by value only";
  EXPECT_THAT(h, HasSubstr("  std::variant<std::monostate, int64_t, std::string, "
                           "std::vector<std::string>> value_;\n"));
  EXPECT_THAT(h, HasSubstr("  Status status = Status::ACTIVE;\n"));
  EXPECT_THAT(h, HasSubstr("  std::optional<Value> value;\n"));
  EXPECT_THAT(h, HasSubstr("  std::vector<std::vector<int32_t>> matrix;\n"));
  EXPECT_THAT(h, HasSubstr("  std::string region = \"cn-north\";\n"));
  EXPECT_THAT(h, HasSubstr("  std::map<int32_t, Item> by_id;\n"));
  EXPECT_THAT(h, HasSubstr("  std::set<int32_t> codes;\n"));
  EXPECT_THAT(h, HasSubstr("  UserId user = 0;\n"));
  EXPECT_THAT(h, HasSubstr("  bool flag = false;\n"));
  EXPECT_THAT(h, HasSubstr("struct NotFound : public std::exception {\n  NotFound() = default;\n"
                           "  NotFound(std::string reason_arg, int32_t code_arg)\n"
                           "      : reason(std::move(reason_arg)), code(code_arg) {}\n\n"
                           "  std::string reason;\n  int32_t code = 404;\n"));
  EXPECT_THAT(h, HasSubstr("  const char* what() const noexcept override;"));
  EXPECT_THAT(h, HasSubstr("  bool operator==(const Point&) const = default;"));
  EXPECT_THAT(h, HasSubstr("  std::string DebugString() const;"));
  EXPECT_THAT(h, HasSubstr("std::ostream& operator<<(std::ostream& os, const Complex& value);"));
  EXPECT_THAT(h,
              HasSubstr("  static constexpr std::array<vireo::codec::FieldInfo, 2> kFields = {{\n"
                        "      {1, \"x\", vireo::codec::TType::kDouble, false, true},\n"));
  EXPECT_THAT(h, HasSubstr("#include \"vireo/codec/bytes.h\"\n"));
  EXPECT_THAT(h, HasSubstr("#include \"vireo/codec/generated.h\"\n"));
  EXPECT_THAT(h, HasSubstr("#ifndef VIREO_GEN_BENCH_COMPLEX_TYPES_H_"));
  // Services are not types: nothing of ComplexService here.
  EXPECT_THAT(h, Not(HasSubstr("ComplexService")));

  // Dependency order: Point before Item before Complex; Value before Complex.
  EXPECT_LT(Pos(h, "struct Point {"), Pos(h, "struct Item {"));
  EXPECT_LT(Pos(h, "struct Item {"), Pos(h, "struct Complex {"));
  EXPECT_LT(Pos(h, "class Value {"), Pos(h, "struct Complex {"));
  EXPECT_LT(Pos(h, "using Labels ="), Pos(h, "struct Item {"));

  const std::string& cc = f.source;
  EXPECT_THAT(cc, HasSubstr("#include \"complex_types.h\"\n"));
  EXPECT_THAT(cc, HasSubstr("std::string Complex::DebugString() const {"));
  EXPECT_THAT(cc, HasSubstr("const char* NotFound::what() const noexcept {"));
  EXPECT_THAT(cc, HasSubstr("bool EnumFromName(std::string_view name, Status* value) {"));
}

TEST(Generator, EchoThrift) {
  GeneratedFiles f = GenerateFile(std::string(VIREO_BENCH_IDL_DIR) + "/echo.thrift");
  EXPECT_THAT(f.header, HasSubstr("struct Request {\n  std::string action;\n  std::string msg;\n"));
  EXPECT_THAT(f.header, HasSubstr("struct Response {\n"));
}

TEST(Generator, Deterministic) {
  const std::string path = std::string(VIREO_BENCH_IDL_DIR) + "/complex.thrift";
  GeneratedFiles a = GenerateFile(path);
  GeneratedFiles b = GenerateFile(path);
  EXPECT_EQ(a.header, b.header);
  EXPECT_EQ(a.source, b.source);
  // No path of this machine in the output, only the file name.
  EXPECT_THAT(a.header, Not(HasSubstr(VIREO_BENCH_IDL_DIR)));
  EXPECT_THAT(a.source, Not(HasSubstr(VIREO_BENCH_IDL_DIR)));
  EXPECT_THAT(a.header, HasSubstr("from complex.thrift. Do not edit."));
}

TEST(Generator, NamespaceFromCppThenStarThenNone) {
  EXPECT_THAT(Generate("a.thrift", "namespace cpp x.y.z\nstruct S { 1: i32 v }\n").header,
              HasSubstr("namespace x::y::z {\n"));
  GeneratedFiles star = Generate("b.thrift",
                                 "namespace * fallback\nnamespace py other\n"
                                 "struct S { 1: i32 v }\n");
  EXPECT_THAT(star.header, HasSubstr("namespace fallback {\n"));
  GeneratedFiles none = Generate("c.thrift", "struct S { 1: i32 v }\n");
  EXPECT_THAT(none.header, Not(HasSubstr("namespace ")));
  EXPECT_THAT(none.header, HasSubstr("struct S {\n"));
  EXPECT_THAT(none.header, HasSubstr("#ifndef VIREO_GEN_C_TYPES_H_"));
}

TEST(Generator, StructsComeAfterWhatTheyHoldByValue) {
  GeneratedFiles f = Generate("order.thrift", R"(
    struct A { 1: B b, 2: list<C> cs }
    union U { 1: D d, 2: i32 n }
    struct B { 1: optional U u }
    struct C { 1: i32 v }
    typedef map<string, E> EMap
    struct D { 1: EMap m }
    struct E { 1: i32 v }
  )");
  const std::string& h = f.header;
  EXPECT_LT(Pos(h, "struct B {"), Pos(h, "struct A {"));
  EXPECT_LT(Pos(h, "struct C {"), Pos(h, "struct A {"));
  EXPECT_LT(Pos(h, "class U {"), Pos(h, "struct B {"));
  EXPECT_LT(Pos(h, "struct D {"), Pos(h, "class U {"));
  EXPECT_LT(Pos(h, "using EMap ="), Pos(h, "struct D {"));
  EXPECT_LT(Pos(h, "struct E {"), Pos(h, "using EMap ="));
  // Forward declarations come first, for structs that hold containers of
  // each other.
  EXPECT_LT(Pos(h, "struct A;\n"), Pos(h, "struct E {"));
  EXPECT_THAT(h, HasSubstr("class U;\n"));
}

TEST(Generator, CyclesThroughContainersAreAllowed) {
  GeneratedFiles f = Generate("tree.thrift", R"(
    struct Tree { 1: list<Tree> children, 2: map<string, Forest> forests }
    struct Forest { 1: set<i32> ids, 2: list<Tree> trees }
  )");
  EXPECT_THAT(f.header, HasSubstr("std::vector<Tree> children;"));
  EXPECT_THAT(f.header, HasSubstr("std::vector<Tree> trees;"));
}

// A by-value cycle has no C++ form; the front end boxes one field of each
// and the generator declares it in a vireo::codec::Box, ordering the rest.
TEST(Generator, ByValueCyclesAreHeldInBoxes) {
  GeneratedFiles f = Generate("cyc.thrift", "struct A { 1: B b }\nstruct B { 1: i32 x, 2: A a }\n");
  EXPECT_THAT(f.header, HasSubstr("  ::vireo::codec::Box<A> a;\n"));
  EXPECT_THAT(f.header, HasSubstr("  B b;\n"));
  // B (holding A in a box) comes first, then A (holding B by value).
  EXPECT_LT(f.header.find("struct B {"), f.header.find("struct A {"));

  f = Generate("self.thrift", "struct Self { 1: optional Self link }\n");
  EXPECT_THAT(f.header, HasSubstr("  ::vireo::codec::Box<Self> link;\n"));

  f = Generate("union.thrift", "union U { 1: S s }\nstruct S { 1: U u }\n");
  EXPECT_THAT(f.header, HasSubstr("  ::vireo::codec::Box<U> u;\n"));
  f = Generate("union2.thrift", "union U { 1: U u, 2: i32 x }\n");
  EXPECT_THAT(f.header, HasSubstr("std::variant<std::monostate, ::vireo::codec::Box<U>, int32_t>"));

  // Through a typedef: the box names the struct, which is declared up
  // front, where the typedef comes only after the struct.
  f = Generate("typedef.thrift", "typedef S T\nstruct S { 1: T t }\n");
  EXPECT_THAT(f.header, HasSubstr("  ::vireo::codec::Box<S> t;\n"));
  EXPECT_LT(f.header.find("struct S {"), f.header.find("using T = S;"));
}

TEST(Generator, ReferencesArePointersAndKeepTheStructCopyable) {
  GeneratedFiles f = Generate("ref.thrift", R"(
    struct L { 1: L & next, 2: i32 v }
    struct P { 1: L shared (cpp.ref_type = "shared"), 2: L frozen (cpp2.ref_type = "shared_const") }
  )");
  EXPECT_THAT(f.header, HasSubstr("  std::unique_ptr<L> next;\n"));
  EXPECT_THAT(f.header, HasSubstr("  L(const L& vireo_other);\n"));
  EXPECT_THAT(f.header, HasSubstr("  L& operator=(const L& vireo_other);\n"));
  EXPECT_THAT(f.source, HasSubstr("::vireo::codec::internal::CopyHeld(vireo_other.next)"));
  EXPECT_THAT(f.header, HasSubstr("  std::shared_ptr<L> shared;\n"));
  EXPECT_THAT(f.header, HasSubstr("  std::shared_ptr<const L> frozen;\n"));
  // Shared pointers copy as pointers: P needs no copy constructor of its own.
  EXPECT_THAT(f.header, Not(HasSubstr("P(const P& vireo_other);")));
  EXPECT_THAT(f.source, HasSubstr("ReadReference<::vireo::codec::wire::Struct>"));
}

// A long `Service.method` once had its error literal split across two
// lines by the wrapping, which does not compile. No line of the generated
// code may hold an unterminated literal, whatever the names' lengths.
TEST(Generator, WrappingNeverSplitsALiteral) {
  const std::string service(100, 'S');
  const std::string method = "get" + std::string(110, 'm');
  const std::string idl = "struct R { 1: i32 v }\nservice " + service + " { R " + method +
                          "(1: R " + std::string(90, 'a') + ") }\n";
  GeneratedFiles types = Generate("long.thrift", idl);
  GeneratedFiles rpc_files = GenerateText(GenerateRpc, "long.thrift", idl);
  const GeneratedFiles* rpc = &rpc_files;
  for (const std::string* text :
       std::vector<const std::string*>{&types.header, &types.source, &rpc->header, &rpc->source}) {
    size_t start = 0;
    while (start < text->size()) {
      size_t end = text->find('\n', start);
      if (end == std::string::npos) end = text->size();
      const std::string line = text->substr(start, end - start);
      start = end + 1;
      // Walks the line's literals: a string or character literal must close
      // on the line it opens.
      char open = 0;
      for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (open != 0) {
          if (c == '\\') {
            ++i;
          } else if (c == open) {
            open = 0;
          }
        } else if (c == '"' || c == '\'') {
          open = c;
        } else if (c == '/' && i + 1 < line.size() && line[i + 1] == '/') {
          break;
        }
      }
      EXPECT_EQ(open, 0) << "an unterminated literal: " << line;
    }
  }
  EXPECT_THAT(rpc->source,
              HasSubstr("\"" + service + "." + method + ": reply has no result (MISSING_RESULT)\""));
}

// Runs `fn` on a thread with a 256 KiB stack (a thirty-second of the usual),
// so that work whose stack grows with the input fails here at sizes a test
// can afford.
void RunOnSmallStack(std::function<void()> fn) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, 256 * 1024), 0);
  pthread_t thread;
  ASSERT_EQ(pthread_create(
                &thread, &attr,
                [](void* f) -> void* {
                  (*static_cast<std::function<void()>*>(f))();
                  return nullptr;
                },
                &fn),
            0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

// The by-value cycle check walked the chain of structs and typedefs
// recursively, one call per link: a long enough chain (20,000 typedefs
// declared last to first, 400 KB of IDL) overflowed the stack. Nothing in
// the front end bounds such a chain. Now the front end finds the cycle (and
// boxes its last field) and the generator orders the rest, both on a small
// stack.
TEST(Generator, LongByValueChainsNeedNoDeepStack) {
  constexpr int kCycle = 20000;
  std::string cycle;
  for (int i = 0; i < kCycle; ++i) {
    cycle += "struct S" + std::to_string(i) + " { 1: required S" +
             std::to_string((i + 1) % kCycle) + " link }\n";
  }
  idl::Frontend cycle_frontend;
  const idl::Program* cycle_program = nullptr;
  RunOnSmallStack([&] { cycle_program = cycle_frontend.LoadString("cycle.thrift", cycle); });
  ASSERT_NE(cycle_program, nullptr) << cycle_frontend.diagnostics().Format();
  EXPECT_THAT(cycle_frontend.diagnostics().Format(),
              HasSubstr("field \"S19999.link\" closes a by-value cycle (S0.link -> S1.link"));
  EXPECT_EQ(cycle_program->structs[kCycle - 1]->fields[0].indirection,
            idl::Field::Indirection::kBox);

  constexpr int kChain = 3000;
  std::string chain;
  for (int i = 0; i < kChain; ++i) {
    chain += "typedef T" + std::to_string(i + 1) + " T" + std::to_string(i) + "\n";
  }
  chain += "typedef i32 T" + std::to_string(kChain) + "\n";
  idl::Frontend chain_frontend;
  const idl::Program* chain_program = chain_frontend.LoadString("chain.thrift", chain);
  ASSERT_NE(chain_program, nullptr) << chain_frontend.diagnostics().Format();
  absl::StatusOr<std::vector<const idl::Definition*>> order;
  RunOnSmallStack([&] { order = OrderTypes(*chain_program); });
  ASSERT_TRUE(order.ok()) << order.status();
  ASSERT_EQ(order->size(), static_cast<size_t>(kChain + 1));
  // Each after the one it names.
  EXPECT_EQ(order->front()->name, "T" + std::to_string(kChain));
  EXPECT_EQ(order->back()->name, "T0");
}

TEST(Generator, IncludedFilesAreIncludedAndQualified) {
  GeneratedFiles f = GenerateFile(std::string(VIREO_CODEGEN_TESTDATA_DIR) + "/types_test.thrift");
  EXPECT_THAT(f.header, HasSubstr("#include \"types_shared_types.h\"\n"));
  EXPECT_THAT(f.header, HasSubstr("std::vector<::vireo::gentest::shared::Coord> coords;"));
  EXPECT_THAT(f.header, HasSubstr("::vireo::gentest::shared::Path path;"));
  EXPECT_THAT(f.header, HasSubstr("::vireo::gentest::shared::Color color = "
                                  "::vireo::gentest::shared::Color::BLUE;"));
}

TEST(Generator, Annotations) {
  GeneratedFiles f = Generate("ann.thrift", R"(
    typedef list<i32> (cpp.template = "std::deque") Deq
    typedef i64 (cpp.type = "long long") LL
    struct S {
      1: map<string, i32> (cpp.template = "std::unordered_map") m,
      2: set<i32> (cpp.template = "std::unordered_set") s,
      3: i32 (cpp.type = "long") l,
      4: list<string> (cpp.type = "MyList") custom,
      5: Deq d,
    }
  )");
  const std::string& h = f.header;
  EXPECT_THAT(h, HasSubstr("using Deq = std::deque<int32_t>;"));
  EXPECT_THAT(h, HasSubstr("using LL = long long;"));
  EXPECT_THAT(h, HasSubstr("  std::unordered_map<std::string, int32_t> m;\n"));
  EXPECT_THAT(h, HasSubstr("  std::unordered_set<int32_t> s;\n"));
  EXPECT_THAT(h, HasSubstr("  long l{};\n"));
  EXPECT_THAT(h, HasSubstr("  MyList custom;\n"));
  EXPECT_THAT(h, HasSubstr("#include <deque>\n"));
  EXPECT_THAT(h, HasSubstr("#include <unordered_map>\n"));
  EXPECT_THAT(h, HasSubstr("#include <unordered_set>\n"));
  // The wire type stays the IDL's.
  EXPECT_THAT(h, HasSubstr("{3, \"l\", vireo::codec::TType::kI32, false, false}"));
}

TEST(Generator, CppIncludesAndDocComments) {
  GeneratedFiles f = Generate("doc.thrift", R"(
    cpp_include "<unordered_map>"
    cpp_include "my/header.h"
    /** A documented struct.
     * Second line. */
    struct S {
      /** The value. */
      1: i32 v,
    }
  )");
  EXPECT_THAT(f.header, HasSubstr("#include <unordered_map>\n"));
  EXPECT_THAT(f.header, HasSubstr("#include \"my/header.h\"\n"));
  EXPECT_THAT(f.header, HasSubstr("// A documented struct."));
  EXPECT_THAT(f.header, HasSubstr("  // The value.\n  int32_t v = 0;"));
}

TEST(Generator, ConstantsOfEveryShape) {
  GeneratedFiles f = Generate("c.thrift", R"(
    enum E { A = 1, B = 2 }
    struct P { 1: i32 x, 2: string s }
    const i64 BIG = -9223372036854775808
    const double D = 1
    const string S = "tab\there\\ \"q\" é"
    const list<string> L = ["a", "b"]
    const map<i32, list<E>> M = {1: [E.A], 2: [E.B, E.A]}
    const P PV = {"x": 3, "s": "y"}
    const E EV = E.B
    const binary BIN = "raw"
  )");
  const std::string& h = f.header;
  EXPECT_THAT(h, HasSubstr("inline constexpr int64_t BIG = (-9223372036854775807 - 1);"));
  EXPECT_THAT(h, HasSubstr("inline constexpr double D = 1.0;"));
  EXPECT_THAT(h, HasSubstr("inline const std::vector<std::string> L = "
                           "std::vector<std::string>{\"a\", \"b\"};"));
  // Wrapped after `=`: on one line it would pass 100 columns.
  EXPECT_THAT(h, HasSubstr("inline const std::map<int32_t, std::vector<E>> M =\n"
                           "    std::map<int32_t, std::vector<E>>{{1, std::vector<E>{E::A}}, "
                           "{2, std::vector<E>{E::B, E::A}}};"));
  EXPECT_THAT(h, HasSubstr("inline const P PV = [] {\n  P v;\n  v.x = 3;\n  v.s = \"y\";\n"
                           "  return v;\n}();"));
  EXPECT_THAT(h, HasSubstr("inline constexpr E EV = E::B;"));
  EXPECT_THAT(h, HasSubstr("inline const vireo::codec::Bytes BIN = "
                           "vireo::codec::Bytes(std::string_view(\"raw\", 3));"));
  // Non-ASCII bytes as octal escapes; the IDL's escapes already resolved.
  EXPECT_THAT(h,
              HasSubstr("inline const std::string S = \"tab\\there\\\\ \\\"q\\\" \\303\\251\";"));
}

TEST(CppTypes, StringLiteralEscapesEverythingUnprintable) {
  EXPECT_EQ(CppStringLiteral("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(CppStringLiteral(std::string_view("\0\x01\xff", 3)), "\"\\000\\001\\377\"");
  EXPECT_EQ(CppStringLiteral("x\ny\tz"), "\"x\\ny\\tz\"");
  // Octal escapes take at most three digits, so a digit after one is safe.
  EXPECT_EQ(CppStringLiteral(std::string_view("\x01"
                                              "7",
                                              2)),
            "\"\\0017\"");
}

}  // namespace
}  // namespace vireo::codegen
