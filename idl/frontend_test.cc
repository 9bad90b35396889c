#include "vireo/idl/frontend.h"

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <tuple>
#include <utility>

#include "gtest/gtest.h"

namespace vireo::idl {
namespace {

namespace fs = std::filesystem;

// A scratch folder removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "vireo_idl_XXXXXX").string();
    char* made = mkdtemp(tmpl.data());
    EXPECT_NE(made, nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& text) const {
    fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string Path(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::string Errors(const Frontend& f) {
  std::string out;
  for (const Diagnostic& d : f.diagnostics().all()) {
    if (d.severity == Diagnostic::Severity::kError) out += d.message + "\n";
  }
  return out;
}

// As Apache 0.17: a type may reuse the name of an included file's type
// when the two files' namespaces differ (with a warning when some are
// shared); with the same namespaces (or none) it is an error.
TEST(Frontend, ATypeMayReuseAnIncludedNameInAnotherNamespace) {
  auto load = [](const std::string& lib, const std::string& top) {
    TempDir dir;
    dir.Write("lib.thrift", lib + "\nstruct S { 1: i32 v }\n");
    const std::string main =
        dir.Write("main.thrift", "include \"lib.thrift\"\n" + top + "\nstruct S {}\n");
    Frontend f;
    const bool ok = f.Load(main) != nullptr;
    return std::make_pair(ok, f.diagnostics().Format());
  };
  auto [ok, text] = load("namespace cpp a", "namespace cpp b");
  EXPECT_TRUE(ok) << text;
  EXPECT_EQ(text.find("warning"), std::string::npos) << text;
  std::tie(ok, text) = load("namespace cpp a\nnamespace py x", "namespace cpp b\nnamespace py x");
  EXPECT_TRUE(ok) << text;
  EXPECT_NE(text.find("warning: type \"S\" is also defined in the included file \"lib.thrift\""),
            std::string::npos)
      << text;
  std::tie(ok, text) = load("namespace cpp a", "namespace cpp a");
  EXPECT_FALSE(ok);
  EXPECT_NE(text.find("error: type \"S\" is already defined in the included file"),
            std::string::npos)
      << text;
  std::tie(ok, text) = load("", "");
  EXPECT_FALSE(ok) << text;
}

TEST(Frontend, IncludesAndScopedNames) {
  TempDir dir;
  dir.Write("shared.thrift",
            "namespace cpp shared\nstruct Point { 1: i32 x }\nenum Color { RED = 2 }\n"
            "const i32 LIMIT = 9\nservice Base { void ping() }\n");
  std::string main =
      dir.Write("main.thrift",
                "include \"shared.thrift\"\n"
                "struct Line { 1: shared.Point a, 2: shared.Color c = shared.Color.RED,"
                " 3: i32 n = shared.LIMIT }\n"
                "service S extends shared.Base {}\n");
  Frontend f;
  const Program* p = f.Load(main);
  ASSERT_NE(p, nullptr) << f.diagnostics().Format();
  ASSERT_EQ(p->includes.size(), 1u);
  const Program* shared = p->includes[0].program;
  ASSERT_NE(shared, nullptr);
  EXPECT_EQ(shared->name, "shared");
  EXPECT_EQ(p->includes[0].path, "shared.thrift");
  const Struct& line = *p->structs[0];
  EXPECT_EQ(line.fields[0].type->resolved, shared->structs[0].get());
  EXPECT_EQ(line.fields[0].type->resolved->program, shared);
  EXPECT_EQ(line.fields[1].default_value->enum_value, shared->enums[0]->values[0].get());
  EXPECT_EQ(line.fields[2].default_value->int_value, 9);
  EXPECT_EQ(p->services[0]->extends, shared->services[0].get());
}

TEST(Frontend, IncludeSearchOrder) {
  TempDir dir;
  // The including file's folder first, then the include dirs in order.
  dir.Write("a/main.thrift", "include \"x.thrift\"\ninclude \"y.thrift\"\n");
  dir.Write("a/x.thrift", "const i32 WHO = 1\n");
  dir.Write("b/x.thrift", "const i32 WHO = 2\n");
  dir.Write("b/y.thrift", "const i32 WHO = 3\n");
  dir.Write("c/y.thrift", "const i32 WHO = 4\n");
  Frontend::Options options;
  options.include_dirs = {dir.Path("b"), dir.Path("c")};
  Frontend f(options);
  const Program* p = f.Load(dir.Path("a/main.thrift"));
  ASSERT_NE(p, nullptr) << f.diagnostics().Format();
  EXPECT_EQ(p->includes[0].program->consts[0]->value.int_value, 1);
  EXPECT_EQ(p->includes[1].program->consts[0]->value.int_value, 3);
}

TEST(Frontend, FileIncludedTwiceIsLoadedOnce) {
  TempDir dir;
  dir.Write("base.thrift", "struct B {}\n");
  dir.Write("l.thrift", "include \"base.thrift\"\n");
  dir.Write("sub/r.thrift", "include \"../base.thrift\"\n");
  std::string main = dir.Write("m.thrift", "include \"l.thrift\"\ninclude \"sub/r.thrift\"\n");
  Frontend f;
  const Program* p = f.Load(main);
  ASSERT_NE(p, nullptr) << f.diagnostics().Format();
  const Program* via_l = p->includes[0].program->includes[0].program;
  const Program* via_r = p->includes[1].program->includes[0].program;
  EXPECT_EQ(via_l, via_r);
  EXPECT_EQ(f.Load(dir.Path("base.thrift")), via_l);
  EXPECT_EQ(f.Load(main), p);
}

TEST(Frontend, IncludeCycle) {
  TempDir dir;
  dir.Write("a.thrift", "include \"b.thrift\"\n");
  dir.Write("b.thrift", "include \"c.thrift\"\n");
  dir.Write("c.thrift", "\ninclude \"a.thrift\"\n");
  Frontend f;
  EXPECT_EQ(f.Load(dir.Path("a.thrift")), nullptr);
  ASSERT_EQ(f.diagnostics().error_count(), 1);
  const Diagnostic& d = f.diagnostics().all()[0];
  EXPECT_EQ(d.message, "include cycle: " + dir.Path("a.thrift") + " -> " + dir.Path("b.thrift") +
                           " -> " + dir.Path("c.thrift") + " -> " + dir.Path("a.thrift"));
  EXPECT_EQ(*d.loc.file, dir.Path("c.thrift"));
  EXPECT_EQ(d.loc.line, 2);
  EXPECT_EQ(d.loc.col, 9);
}

TEST(Frontend, MissingIncludeAndScope) {
  TempDir dir;
  std::string main = dir.Write("m.thrift", "include \"nope.thrift\"\n");
  Frontend::Options options;
  options.include_dirs = {"/no/such/dir"};
  Frontend f(options);
  EXPECT_EQ(f.Load(main), nullptr);
  EXPECT_EQ(Errors(f), "cannot find include file \"nope.thrift\" (searched: " +
                           fs::path(main).parent_path().string() + ", /no/such/dir)\n");

  dir.Write("other.thrift", "struct T {}\n");
  std::string bad = dir.Write("bad.thrift", "struct S { 1: other.T t }\n");
  Frontend g;
  EXPECT_EQ(g.Load(bad), nullptr);
  EXPECT_EQ(Errors(g), "unknown type \"other.T\"\n");
}

TEST(Frontend, IncludeDepthIsLimited) {
  TempDir dir;
  for (int i = 0; i < 10; ++i) {
    dir.Write("f" + std::to_string(i) + ".thrift",
              "include \"f" + std::to_string(i + 1) + ".thrift\"\n");
  }
  dir.Write("f10.thrift", "struct End {}\n");
  Frontend::Options options;
  options.max_include_depth = 5;
  Frontend f(options);
  EXPECT_EQ(f.Load(dir.Path("f0.thrift")), nullptr);
  EXPECT_EQ(Errors(f), "includes nest deeper than 5 files at \"" + dir.Path("f5.thrift") + "\"\n");
  Frontend::Options roomy;
  roomy.max_include_depth = 11;
  Frontend g(roomy);
  EXPECT_NE(g.Load(dir.Path("f0.thrift")), nullptr) << g.diagnostics().Format();
}

TEST(Frontend, ProgramDocWithInclude) {
  TempDir dir;
  dir.Write("i.thrift", "");
  std::string main = dir.Write("m.thrift", "include \"i.thrift\"\n/** d */\nstruct S {}\n");
  Frontend f;
  const Program* p = f.Load(main);
  ASSERT_NE(p, nullptr) << f.diagnostics().Format();
  EXPECT_EQ(p->doc, "");
  EXPECT_EQ(p->structs[0]->doc, "d\n");
}

TEST(Frontend, CannotOpen) {
  Frontend f;
  EXPECT_EQ(f.Load("/no/such/file.thrift"), nullptr);
  EXPECT_EQ(f.diagnostics().Format(), "error: cannot open \"/no/such/file.thrift\"\n");
}

TEST(Diagnostics, FormatShowsLineAndCaret) {
  Frontend f;
  EXPECT_EQ(f.LoadString("t.thrift", "struct S {\n\t1: i32 a,\n\t2: Foo b\n}\n"), nullptr);
  EXPECT_EQ(f.diagnostics().Format(),
            "t.thrift:3:5: error: unknown type \"Foo\"\n"
            "\t2: Foo b\n"
            "\t   ^\n");
  Frontend g;
  EXPECT_NE(g.LoadString("w.thrift", "struct S { i32 a }"), nullptr);
  EXPECT_EQ(g.diagnostics().Format(),
            "w.thrift:1:12: warning: field \"a\" has no id; it gets -1, which may break "
            "compatibility\n"
            "struct S { i32 a }\n"
            "           ^\n");
  EXPECT_EQ(g.diagnostics().warning_count(), 1);
  EXPECT_EQ(g.diagnostics().error_count(), 0);
}

TEST(Frontend, BenchComplexModel) {
  Frontend f;
  const Program* p = f.Load(std::string(VIREO_BENCH_IDL_DIR) + "/complex.thrift");
  ASSERT_NE(p, nullptr) << f.diagnostics().Format();
  EXPECT_EQ(f.diagnostics().all().size(), 0u) << f.diagnostics().Format();
  EXPECT_EQ(p->name, "complex");
  EXPECT_EQ(p->Namespace("cpp"), "bench");
  EXPECT_EQ(p->Namespace("py"), "bench");
  EXPECT_EQ(p->doc, "");
  ASSERT_EQ(p->definitions.size(), 11u);

  const Enum& status = *p->enums[0];
  EXPECT_EQ(status.name, "Status");
  ASSERT_EQ(status.values.size(), 4u);
  EXPECT_EQ(status.values[3]->name, "DELETED");
  EXPECT_EQ(status.values[3]->value, 7);

  ASSERT_EQ(p->typedefs.size(), 2u);
  EXPECT_EQ(p->typedefs[0]->type->base, BaseType::kI64);
  EXPECT_EQ(p->typedefs[1]->type->kind, Type::Kind::kMap);

  ASSERT_EQ(p->consts.size(), 2u);
  EXPECT_EQ(p->consts[0]->value.int_value, 1024);
  EXPECT_EQ(p->consts[1]->value.string_value, "cn-north");

  ASSERT_EQ(p->structs.size(), 5u);
  const Struct& point = *p->structs[0];
  EXPECT_EQ(point.fields[0].requiredness, Requiredness::kRequired);
  EXPECT_EQ(point.fields[1].type->base, BaseType::kDouble);
  const Struct& item = *p->structs[1];
  EXPECT_EQ(item.fields[3].type->kind, Type::Kind::kList);
  EXPECT_EQ(item.fields[3].type->elem->resolved, &point);
  EXPECT_EQ(item.fields[4].requiredness, Requiredness::kOptional);
  EXPECT_EQ(item.fields[4].type->resolved, p->typedefs[1].get());
  EXPECT_EQ(TrueType(*item.fields[4].type).kind, Type::Kind::kMap);
  const Struct& value = *p->structs[2];
  EXPECT_EQ(value.flavor, Struct::Flavor::kUnion);
  const Struct& complex = *p->structs[3];
  ASSERT_EQ(complex.fields.size(), 19u);
  for (size_t i = 0; i < complex.fields.size(); ++i) {
    EXPECT_EQ(complex.fields[i].id, static_cast<int>(i + 1));
    EXPECT_TRUE(complex.fields[i].id_explicit);
  }
  EXPECT_EQ(complex.fields[1].type->base, BaseType::kI8);
  EXPECT_EQ(AsEnum(*complex.fields[15].type), &status);
  EXPECT_EQ(complex.fields[15].default_value->int_value, 1);
  EXPECT_EQ(complex.fields[15].default_value->enum_value, status.values[1].get());
  EXPECT_EQ(AsStruct(*complex.fields[16].type), &value);
  EXPECT_EQ(complex.fields[17].type->elem->elem->base, BaseType::kI32);
  EXPECT_EQ(complex.fields[18].default_value->kind, ConstValue::Kind::kString);
  EXPECT_EQ(complex.fields[18].default_value->string_value, "cn-north");
  const Struct& not_found = *p->structs[4];
  EXPECT_EQ(not_found.flavor, Struct::Flavor::kException);
  EXPECT_EQ(not_found.fields[1].default_value->int_value, 404);

  const Service& svc = *p->services[0];
  ASSERT_EQ(svc.functions.size(), 3u);
  EXPECT_EQ(svc.functions[0].return_type->resolved, &complex);
  EXPECT_EQ(AsStruct(*svc.functions[0].exceptions[0].type), &not_found);
  EXPECT_TRUE(svc.functions[1].oneway);
  EXPECT_EQ(svc.functions[2].arguments.size(), 0u);
}

TEST(Frontend, BenchEchoModel) {
  Frontend f;
  const Program* p = f.Load(std::string(VIREO_BENCH_IDL_DIR) + "/echo.thrift");
  ASSERT_NE(p, nullptr) << f.diagnostics().Format();
  ASSERT_EQ(p->services.size(), 1u);
  const Function& echo = p->services[0]->functions[0];
  EXPECT_EQ(echo.name, "echo");
  EXPECT_EQ(echo.return_type->resolved, p->structs[1].get());
  EXPECT_EQ(echo.arguments[0].type->resolved, p->structs[0].get());
}

// Mutated inputs never crash, hang or fail to report: every load either
// succeeds or reports at least one error. Deterministic (fixed seed).
TEST(Frontend, MutatedInputsNeverCrash) {
  std::ifstream in(std::string(VIREO_BENCH_IDL_DIR) + "/complex.thrift", std::ios::binary);
  std::string seed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(seed.empty());
  seed += "\n/** doc */ const list<map<string, Status>> L = [{\"a\": Status.ACTIVE}]\n";
  const std::string alphabet = "{}()<>[]:;,=*&\"'/#.-+0x9eE \n\tabz_\xFF\x80";
  std::mt19937 rng(12345);
  int loaded = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text = seed;
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      size_t pos = text.empty() ? 0 : rng() % text.size();
      switch (rng() % 5) {
        case 0:  // flip a byte
          if (!text.empty()) text[pos] = static_cast<char>(rng() % 256);
          break;
        case 1:  // insert punctuation
          text.insert(pos, 1, alphabet[rng() % alphabet.size()]);
          break;
        case 2:  // delete a run
          text.erase(pos, rng() % 16);
          break;
        case 3: {  // duplicate a run
          std::string run = text.substr(pos, rng() % 64);
          text.insert(rng() % (text.size() + 1), run);
          break;
        }
        default:  // truncate
          text.resize(pos);
          break;
      }
    }
    Frontend f;
    const Program* p = f.LoadString("fuzz.thrift", text);
    if (p != nullptr) {
      ++loaded;
    } else {
      ASSERT_GT(f.diagnostics().error_count(), 0) << text;
    }
    // Formatting every diagnostic must work on any text.
    EXPECT_FALSE(f.diagnostics().Format().empty() && f.diagnostics().error_count() > 0);
  }
  // Some mutations keep the file valid (inside comments, strings, ...).
  EXPECT_GT(loaded, 0);
}

TEST(Frontend, RandomBytesNeverCrash) {
  std::mt19937 rng(777);
  for (int round = 0; round < 2000; ++round) {
    std::string text(rng() % 200, '\0');
    for (char& c : text) c = static_cast<char>(rng() % 256);
    Frontend f;
    const Program* p = f.LoadString("rand.thrift", text);
    if (p == nullptr) {
      ASSERT_GT(f.diagnostics().error_count(), 0);
    }
  }
}

}  // namespace
}  // namespace vireo::idl
