// `vireo-gen --scaffold DIR file.thrift`: a ready project for the services
// of one IDL file, as `kitex -service` writes one.
//
// The project (for `multi.thrift`, services Inventory and Catalog):
//
//   CMakeLists.txt   find_package(vireo), vireo_add_thrift, two executables:
//                    multi_server and multi_client
//   main.cc          the server: options from a YAML file (argv[1], default
//                    config.yaml), every service of the file hosted, prints
//                    "listening on HOST:PORT", stops gracefully on SIGINT or
//                    SIGTERM
//   handler.h/.cc    one class per service deriving from the generated
//                    handler, every method (inherited ones too) overridden
//                    to fail with UNIMPLEMENTED
//   client.cc        calls one method (the first two-way method of the first
//                    service) with default arguments against HOST:PORT
//   config.yaml      the server's options (core/server_options.h)
//   README.md        how to build and run it
//   multi.thrift     a copy of the IDL, with the files it includes when
//                    they sit beside it or below (else referenced by path)
//
// Example:
//   absl::StatusOr<std::vector<ScaffoldFile>> files = GenerateScaffold(*program, {});
//   if (!files.ok()) { ... }                 // e.g. the file has no service
//   absl::Status s = WriteScaffold(*files, "svc", /*force=*/false);
//   if (absl::IsAlreadyExists(s)) { ... }    // nothing was written
//
// Thread rules: pure functions of an immutable model (GenerateScaffold reads
// the IDL files, WriteScaffold writes the project); any thread.
#ifndef VIREO_CODEGEN_SCAFFOLD_H_
#define VIREO_CODEGEN_SCAFFOLD_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "vireo/idl/model.h"

namespace vireo::codegen {

// One file of a scaffolded project.
struct ScaffoldFile {
  // Relative to the project's directory, '/'-separated: "main.cc",
  // "idl/shared.thrift".
  std::string path;
  std::string content;
};

struct ScaffoldOptions {
  // The -I directories `program` was loaded with. Written into the
  // project's CMakeLists.txt (made absolute) only when the IDL files cannot
  // be copied into the project and are referenced where they are. Default:
  // none.
  std::vector<std::string> include_dirs;
};

// The files of the project for `program`, resolved by the front end, in a
// fixed order (the IDL copies last). The IDL files are read from their
// paths (Program::path). An IDL file and what it includes are copied when
// every include is a relative path without "..": each copy then sits where
// its includer's copy finds it. Otherwise no IDL is copied, CMakeLists.txt
// names the files by absolute path, and README.md says so.
//
// InvalidArgument when the file declares no service; the read error when
// an IDL file cannot be read.
absl::StatusOr<std::vector<ScaffoldFile>> GenerateScaffold(const idl::Program& program,
                                                           const ScaffoldOptions& options);

// Writes `files` under `dir` (created if missing, with the folders the
// files need). Without `force`, AlreadyExists naming every file that exists
// already, and nothing is written; with it, those files are replaced. Each
// file is written through a temporary file and a rename. Files of `dir`
// not in `files` are left alone. The I/O error otherwise.
absl::Status WriteScaffold(const std::vector<ScaffoldFile>& files, const std::string& dir,
                           bool force);

}  // namespace vireo::codegen

#endif  // VIREO_CODEGEN_SCAFFOLD_H_
