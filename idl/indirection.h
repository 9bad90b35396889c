// How generated code holds each field of a program's structs, unions and
// exceptions (Field::indirection): by value, through a pointer the IDL asks
// for, or in a box that breaks a by-value cycle.
//
// References: `1: Node & next`, `(cpp.ref = "true")` and `(cpp2.ref =
// "true")` make a field a std::unique_ptr; `cpp.ref_type` / `cpp2.ref_type`
// choose "unique", "shared" (std::shared_ptr<T>) or "shared_const"
// (std::shared_ptr<const T>). In a union, whose members live in a
// std::variant that must stay copyable, any reference is a box instead.
// Arguments and throws-clause fields are passed by reference already; a
// reference marker there is ignored.
//
// Cycles: a struct that reaches itself through by-value members (its own
// fields, optional fields, union members and typedefs naming structs, not
// container elements or references) could not be a C++ type. Each such
// cycle is broken by boxing one field: the last field on the cycle as a
// depth-first walk in declaration order first closes it (for `struct A {
// 1: B b }` and `struct B { 1: A a }`, that is B.a), with a warning naming
// it and the cycle. Go and Java hold every struct field by reference, so
// IDLs written for them have such cycles; Apache's C++ output does not
// compile for them.
//
// Example:
//   if (!AssignIndirections(program.get(), &diagnostics)) ...  // reported
//
// Thread rules: a plain function; one thread per Diagnostics.
#ifndef VIREO_IDL_INDIRECTION_H_
#define VIREO_IDL_INDIRECTION_H_

#include "vireo/idl/frontend.h"
#include "vireo/idl/model.h"

namespace vireo::idl::internal {

// Sets Field::indirection on every field of `program`'s structs; reports
// an unknown ref_type as an error (false) and every boxed field as a
// warning. Runs after the program's types are resolved.
bool AssignIndirections(Program* program, Diagnostics* diagnostics);

}  // namespace vireo::idl::internal

#endif  // VIREO_IDL_INDIRECTION_H_
