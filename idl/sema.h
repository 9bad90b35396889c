// The semantic pass: completes and checks one parsed Program whose includes
// are already loaded and checked.
//
// It sets `program`, `cpp_name` and enum values' `parent`; resolves every
// named type (`Name` or `include.Name`), a service's base, and every const
// identifier (replaced by the value it names); and checks what Apache
// Thrift 0.17 checks (plus a few things it lets through that no generated
// code could honour). docs/idl.md lists every check and its message.
//
// Example:
//   if (!Analyze(program.get(), &diagnostics)) ...  // errors were reported
//
// Thread rules: a plain function; one thread per Diagnostics.
#ifndef VIREO_IDL_SEMA_H_
#define VIREO_IDL_SEMA_H_

#include <string_view>

#include "vireo/idl/frontend.h"
#include "vireo/idl/model.h"

namespace vireo::idl::internal {

// False when an error was reported; the Program is then only partly
// resolved and must not be handed out.
bool Analyze(Program* program, Diagnostics* diagnostics);

// The identifiers Apache Thrift 0.17 refuses as names ("reserved language
// keyword"), and the C++ keywords it accepts that generated code renames.
bool IsReservedWord(std::string_view name);
bool IsCppKeyword(std::string_view name);

}  // namespace vireo::idl::internal

#endif  // VIREO_IDL_SEMA_H_
