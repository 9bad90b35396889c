// The RPC half of vireo-gen's output: `<name>_rpc.h` and `<name>_rpc.cc`,
// the server interfaces and client stubs of a file's services.
//
// Per service S and method m it writes the argument and result structs
// Apache Thrift names `S_m_args` and `S_m_result` (ordinary generated
// structs, with the same codec as the file's types), an encode-only view
// `S_m_pargs` through which the client encodes the caller's arguments
// without copying them, the handler base class `SHandler` (a
// vireo::Service: core/service.h) and the typed client `SClient` (over a
// vireo::Client: core/client.h). docs/codegen.md shows the generated API.
//
// The pair is written for every file, also one that declares no service,
// so that a build can name its outputs before reading the IDL.
//
// Example:
//   absl::StatusOr<GeneratedFiles> rpc = GenerateRpc(*program);
//   if (!rpc.ok()) { ... }   // e.g. a user type named like `Echo_echo_args`
//   WriteFile(dir + "/" + rpc->header_name, rpc->header);
//
// Thread rules: pure functions of an immutable model; any thread.
#ifndef VIREO_CODEGEN_RPC_GEN_H_
#define VIREO_CODEGEN_RPC_GEN_H_

#include "absl/status/statusor.h"
#include "vireo/codegen/generator.h"
#include "vireo/idl/model.h"

namespace vireo::codegen {

// Generates `<name>_rpc.h/.cc` for `program`. Fails with InvalidArgument,
// naming the file, line and column, when a generated name would collide
// with a definition of the file (a struct named `S_m_args`, `SHandler`,
// `SClient`, ...) or a method declares an exception named `success` (the
// result struct's field for the return value).
absl::StatusOr<GeneratedFiles> GenerateRpc(const idl::Program& program);

}  // namespace vireo::codegen

#endif  // VIREO_CODEGEN_RPC_GEN_H_
