// The --scaffold writer: what it writes for a file of several services
// (every method stubbed, the IDL copied or referenced), and its refusal to
// overwrite. tests/install/run_scaffold_test.cmake builds and runs a
// scaffolded project.
#include "vireo/codegen/scaffold.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "vireo/idl/frontend.h"

namespace vireo::codegen {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kMultiThrift = std::string(VIREO_SCAFFOLD_IDL_DIR) + "/multi.thrift";

// The project for `path`; empty (the test has failed) on an error.
std::vector<ScaffoldFile> Scaffold(const std::string& path) {
  idl::Frontend frontend;
  const idl::Program* program = frontend.Load(path);
  EXPECT_NE(program, nullptr) << frontend.diagnostics().Format();
  if (program == nullptr) return {};
  absl::StatusOr<std::vector<ScaffoldFile>> files = GenerateScaffold(*program, {});
  EXPECT_TRUE(files.ok()) << files.status();
  return files.ok() ? *files : std::vector<ScaffoldFile>{};
}

std::string Content(const std::vector<ScaffoldFile>& files, const std::string& path) {
  for (const ScaffoldFile& f : files) {
    if (f.path == path) return f.content;
  }
  ADD_FAILURE() << "no file " << path;
  return "";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fresh directory under the test's temporary folder.
fs::path ScratchDir(const std::string& name) {
  fs::path dir =
      fs::path(::testing::TempDir()) / ("scaffold_test_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(dir);
  return dir;
}

TEST(Scaffold, WritesTheProjectFilesAndCopiesTheIncludedIdl) {
  std::vector<ScaffoldFile> files = Scaffold(kMultiThrift);
  std::vector<std::string> paths;
  for (const ScaffoldFile& f : files) paths.push_back(f.path);
  EXPECT_THAT(paths, ::testing::ElementsAre("CMakeLists.txt", "main.cc", "handler.h", "handler.cc",
                                            "client.cc", "config.yaml", "README.md", "multi.thrift",
                                            "shared.thrift"));
  EXPECT_EQ(Content(files, "shared.thrift"),
            ReadFile(fs::path(VIREO_SCAFFOLD_IDL_DIR) / "shared.thrift"));
  const std::string cmake = Content(files, "CMakeLists.txt");
  EXPECT_THAT(cmake, HasSubstr("find_package(vireo REQUIRED)"));
  EXPECT_THAT(cmake, HasSubstr("FILES multi.thrift\n        shared.thrift)"));
  EXPECT_THAT(cmake, HasSubstr("add_executable(multi_server main.cc handler.cc)"));
  EXPECT_THAT(cmake, HasSubstr("add_executable(multi_client client.cc)"));
  // The templates as written (a formatter once reflowed them as code).
  EXPECT_THAT(Content(files, "handler.h"),
              HasSubstr("\n#ifndef MULTI_SERVER_HANDLER_H_\n#define MULTI_SERVER_HANDLER_H_\n\n"
                        "#include \"absl/status/status.h\"\n#include \"multi_rpc.h\"\n\n"
                        "namespace multi_server {\n"));
  EXPECT_THAT(Content(files, "main.cc"),
              HasSubstr("\nint main(int argc, char** argv) {\n  const std::string config = "));
  EXPECT_THAT(Content(files, "client.cc"),
              HasSubstr("\nint main(int argc, char** argv) {\n  const std::string target = "));
}

TEST(Scaffold, StubsEveryMethodOfEveryServiceInheritedOnesToo) {
  std::vector<ScaffoldFile> files = Scaffold(kMultiThrift);
  const std::string header = Content(files, "handler.h");
  const std::string source = Content(files, "handler.cc");
  EXPECT_THAT(header,
              HasSubstr("class InventoryHandler : public ::scaffold::multi::InventoryHandler"));
  EXPECT_THAT(header, HasSubstr("class CatalogHandler : public ::scaffold::multi::CatalogHandler"));
  // Own methods, then those of Inventory and of shared.Base; oneway ones too.
  const std::vector<std::pair<std::string, std::vector<std::string>>> services = {
      {"Inventory", {"get", "put", "take", "touch", "ping"}},
      {"Catalog", {"search", "counts", "reindex", "get", "put", "take", "touch", "ping"}},
  };
  for (const auto& [service, methods] : services) {
    for (const std::string& m : methods) {
      EXPECT_THAT(source, HasSubstr(service + "Handler::" + m + "("));
      EXPECT_THAT(source, HasSubstr("FailCall(absl::UnimplementedError(\"" + service + "." + m +
                                    " is not implemented yet\"));"));
    }
  }
  // No method answers a silent default value.
  EXPECT_THAT(source, Not(HasSubstr("return")));
  const std::string main_cc = Content(files, "main.cc");
  EXPECT_THAT(main_cc, HasSubstr("server.AddService(&inventory_handler);"));
  EXPECT_THAT(main_cc, HasSubstr("server.AddService(&catalog_handler);"));
  // The first two-way method of the first service.
  EXPECT_THAT(Content(files, "client.cc"), HasSubstr("stub.get(key);"));
}

TEST(Scaffold, ReferencesIdlByPathWhenAnIncludeLeavesItsFolder) {
  const fs::path dir = ScratchDir("outside");
  fs::create_directories(dir / "api");
  std::ofstream(dir / "base.thrift") << "struct P { 1: i32 x }\n";
  std::ofstream(dir / "api" / "svc.thrift")
      << "include \"../base.thrift\"\nservice S { base.P get() }\n";
  std::vector<ScaffoldFile> files = Scaffold((dir / "api" / "svc.thrift").string());
  for (const ScaffoldFile& f : files) EXPECT_FALSE(absl::EndsWith(f.path, ".thrift")) << f.path;
  const std::string cmake = Content(files, "CMakeLists.txt");
  EXPECT_THAT(cmake, HasSubstr((dir / "api" / "svc.thrift").lexically_normal().string()));
  EXPECT_THAT(cmake, HasSubstr((dir / "base.thrift").lexically_normal().string()));
  EXPECT_THAT(Content(files, "README.md"), HasSubstr("not copied"));
  fs::remove_all(dir);
}

TEST(Scaffold, RefusesAFileWithoutServices) {
  idl::Frontend frontend;
  const idl::Program* program = frontend.LoadString("types.thrift", "struct A { 1: i32 x }\n");
  ASSERT_NE(program, nullptr) << frontend.diagnostics().Format();
  absl::StatusOr<std::vector<ScaffoldFile>> files = GenerateScaffold(*program, {});
  EXPECT_EQ(files.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(files.status().message(), HasSubstr("no service"));
}

TEST(Scaffold, RefusesToOverwriteWithoutForce) {
  const fs::path dir = ScratchDir("overwrite");
  const std::vector<ScaffoldFile> files = {{"a.txt", "one"}, {"sub/b.txt", "two"}};
  ASSERT_TRUE(WriteScaffold(files, dir.string(), false).ok());
  EXPECT_EQ(ReadFile(dir / "sub" / "b.txt"), "two");

  // One existing file is enough: nothing is written, and the error names it.
  fs::remove(dir / "sub" / "b.txt");
  std::ofstream(dir / "a.txt") << "edited";
  absl::Status s = WriteScaffold(files, dir.string(), false);
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(s.message(), HasSubstr("a.txt"));
  EXPECT_THAT(s.message(), HasSubstr("--force"));
  EXPECT_EQ(ReadFile(dir / "a.txt"), "edited");
  EXPECT_FALSE(fs::exists(dir / "sub" / "b.txt"));

  ASSERT_TRUE(WriteScaffold(files, dir.string(), true).ok());
  EXPECT_EQ(ReadFile(dir / "a.txt"), "one");
  EXPECT_EQ(ReadFile(dir / "sub" / "b.txt"), "two");
  EXPECT_FALSE(fs::exists(dir / "a.txt.tmp"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vireo::codegen
