// How IDL types, names and constant values are spelled in generated C++.
//
// One place decides the spelling so that the types and the codec halves of
// the generator agree: `list<shared.Point> (cpp.template = "std::deque")`
// is `std::deque<::shared::Point>` everywhere it appears.
//
// Example:
//   std::string t = CppTypeName(*field.type, program);   // "std::vector<Point>"
//   std::string ns = CppNamespace(program);              // "bench"
//   std::string tt = TTypeExpr(*field.type);             // "vireo::codec::TType::kList"
//
// Mapping: bool/i8/i16/i32/i64/double -> bool/int8_t/int16_t/int32_t/int64_t/
// double; string -> std::string; binary -> vireo::codec::Bytes; uuid ->
// vireo::codec::Uuid; list/set/map -> std::vector/std::set/std::map; enums,
// structs and typedefs by their names. As in Apache Thrift's C++ generator,
// `cpp.type = "X"` on a base type, container or typedef replaces the whole
// C++ type by X, and `cpp.template = "T"` on a container replaces only the
// template name.
//
// Names of the file being generated are written unqualified unless the
// caller asks otherwise (inside a struct whose field shadows a type name);
// names from included files are always fully qualified (`::ns::Name`), so
// no namespace of the user's can capture them.
//
// Thread rules: pure functions of an immutable model; any thread.
#ifndef VIREO_CODEGEN_CPP_TYPES_H_
#define VIREO_CODEGEN_CPP_TYPES_H_

#include <set>
#include <string>
#include <string_view>

#include "vireo/idl/model.h"

namespace vireo::codegen {

// The C++ namespace of `program`: `namespace cpp a.b` gives "a::b", falling
// back to the `*` scope; "" when neither is declared (the global namespace).
std::string CppNamespace(const idl::Program& program);

// How code in `current` names definition `def`: `Name` when `def` is
// declared in `current` (and `qualify_local` is false), else `::ns::Name`
// (`::Name` for a file without a namespace).
std::string CppDefinitionName(const idl::Definition& def, const idl::Program& current,
                              bool qualify_local = false);

// The C++ type of a type expression used in `current`.
std::string CppTypeName(const idl::Type& type, const idl::Program& current,
                        bool qualify_local = false);

// The declared type of a struct member: the holder its indirection names
// (std::unique_ptr<T>, std::shared_ptr<T>, std::shared_ptr<const T>,
// vireo::codec::Box<T>) for a field held indirectly, else std::optional<T>
// for an `optional` field of a struct or exception, else T. (Union members
// live in a variant: CppHeldType.)
std::string CppFieldType(const idl::Field& field, const idl::Program& current,
                         bool qualify_local = false);

// What a union's variant holds for `field`: CppValueType in the holder
// field.indirection names (the value type itself for kValue).
std::string CppHeldType(const idl::Field& field, const idl::Program& current,
                        bool qualify_local = false);

// The C++ type of the value `field` holds: CppTypeName of its type, except
// that a field held indirectly names a typedef of a struct as the struct.
std::string CppValueType(const idl::Field& field, const idl::Program& current,
                         bool qualify_local = false);
// The type expression CppValueType spells.
const idl::Type& CppValueTypeOf(const idl::Field& field);

// The wire type of a type expression (typedefs followed, annotations
// ignored), as an enumerator name of vireo::codec::TType: "kI32", "kList".
std::string TTypeEnumerator(const idl::Type& type);
// The same as a full expression: "vireo::codec::TType::kI32".
std::string TTypeExpr(const idl::Type& type);

// True when the type is passed by value in generated setters: bool, the
// integers, double and enums (typedefs followed).
bool IsScalar(const idl::Type& type);

// Adds to `out` the standard headers (with angle brackets) that the
// cpp.template names in `type` need, e.g. "<unordered_map>", for the
// templates the standard library defines; user templates need a
// `cpp_include`.
void CollectTemplateIncludes(const idl::Type& type, std::set<std::string>* out);

// A C++ string literal (with quotes) holding exactly `bytes`: printable
// ASCII as is, everything else as three-digit octal escapes.
std::string CppStringLiteral(std::string_view bytes);

// A C++ expression of type CppTypeName(type, current, qualify_local) for
// the resolved constant `value`: literals for base types, enumerators,
// braced lists for containers, and an immediately invoked lambda for
// structs and unions, whose body lines are indented by `indent` + 2 spaces
// and whose closing line by `indent`. The front end has checked the value
// against the type.
std::string CppConstValue(const idl::ConstValue& value, const idl::Type& type,
                          const idl::Program& current, bool qualify_local = false, int indent = 0);

// The initializer of a struct member, with its leading " = " or as "{}":
// the IDL default if there is one; else 0, false or `{}` for numbers, bools
// and enums (so no member is left indeterminate); "" for the rest and for
// optional and indirect fields (which start empty).
std::string FieldInitializer(const idl::Field& field, const idl::Program& current,
                             bool qualify_local = false);

}  // namespace vireo::codegen

#endif  // VIREO_CODEGEN_CPP_TYPES_H_
