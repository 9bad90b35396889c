#include "vireo/idl/sema.h"

#include <functional>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "vireo/idl/frontend.h"

namespace vireo::idl {
namespace {

struct Loaded {
  explicit Loaded(std::string_view text) : frontend(std::make_unique<Frontend>()) {
    program = frontend->LoadString("t.thrift", text);
  }
  std::string Of(Diagnostic::Severity s) const {
    std::string out;
    for (const Diagnostic& d : frontend->diagnostics().all()) {
      if (d.severity != s) continue;
      out += std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + ": " + d.message + "\n";
    }
    return out;
  }
  std::string errors() const { return Of(Diagnostic::Severity::kError); }
  std::string warnings() const { return Of(Diagnostic::Severity::kWarning); }

  std::unique_ptr<Frontend> frontend;
  const Program* program = nullptr;
};

std::string ErrorsOf(std::string_view text) {
  Loaded l(text);
  EXPECT_EQ(l.program, nullptr) << text;
  return l.errors();
}

// Apache 0.17 rejects the words it reserves for its other languages;
// Kitex's thriftgo accepts them, and so do we: with a warning, and with a
// `_` where C++ cannot take the name.
TEST(Sema, ReservedWordsAreAcceptedWithAWarning) {
  Loaded l(
      "struct class { 1: i32 self }\n"
      "enum E { A, yield }\n"
      "service S { void from(1: i32 in, 2: i32 __FILE__) }");
  ASSERT_NE(l.program, nullptr) << l.errors();
  const Struct& c = *l.program->structs[0];
  EXPECT_EQ(c.cpp_name, "class_");
  EXPECT_EQ(c.fields[0].cpp_name, "self");
  EXPECT_EQ(l.program->enums[0]->values[1]->cpp_name, "yield");
  const Function& f = l.program->services[0]->functions[0];
  EXPECT_EQ(f.cpp_name, "from");
  EXPECT_EQ(f.arguments[0].cpp_name, "in");
  EXPECT_EQ(f.arguments[1].cpp_name, "__FILE___");
  EXPECT_EQ(l.warnings(),
            "1:8: \"class\" is reserved by Apache Thrift 0.17, whose compiler rejects it; "
            "accepted, and generated code names it \"class_\"\n"
            "1:16: \"self\" is reserved by Apache Thrift 0.17, whose compiler rejects it; "
            "accepted\n"
            "2:13: \"yield\" is reserved by Apache Thrift 0.17, whose compiler rejects it; "
            "accepted\n"
            "3:18: \"from\" is reserved by Apache Thrift 0.17, whose compiler rejects it; "
            "accepted\n"
            "3:23: \"in\" is reserved by Apache Thrift 0.17, whose compiler rejects it; "
            "accepted\n"
            "3:34: \"__FILE__\" is reserved by Apache Thrift 0.17, whose compiler rejects it; "
            "accepted, and generated code names it \"__FILE___\"\n");
  EXPECT_TRUE(internal::IsReservedWord("__NAMESPACE__"));
  EXPECT_FALSE(internal::IsReservedWord("int"));
  EXPECT_TRUE(internal::IsCppKeyword("delete"));
  EXPECT_FALSE(internal::IsCppKeyword("self"));
}

// Names that would not compile as C++ in generated code get a `_`: macros
// of the standard headers, and fields named like a generated member.
TEST(Sema, MacroAndGeneratedMemberNamesAreRenamed) {
  Loaded l(R"(enum Sentinel { NULL, EOF, OK }
exception Oops { 1: string what, 2: i32 size_t }
struct S { 1: i32 kFields, 2: string DebugString, 3: i32 errno }
union U { 1: i32 which, 2: i32 clear }
)");
  ASSERT_NE(l.program, nullptr) << l.errors();
  const auto& values = l.program->enums[0]->values;
  EXPECT_EQ(values[0]->cpp_name, "NULL_");
  EXPECT_EQ(values[1]->cpp_name, "EOF_");
  EXPECT_EQ(values[2]->cpp_name, "OK");
  const auto& structs = l.program->structs;
  EXPECT_EQ(structs[0]->fields[0].cpp_name, "what_");  // std::exception::what()
  EXPECT_EQ(structs[0]->fields[1].cpp_name, "size_t_");
  EXPECT_EQ(structs[1]->fields[0].cpp_name, "kFields_");
  EXPECT_EQ(structs[1]->fields[1].cpp_name, "DebugString_");
  EXPECT_EQ(structs[1]->fields[2].cpp_name, "errno_");
  EXPECT_EQ(structs[2]->fields[0].cpp_name, "which_");
  EXPECT_EQ(structs[2]->fields[1].cpp_name, "clear_");
  EXPECT_NE(l.warnings().find("1:17: \"NULL\" is a macro of the C and C++ standard headers; "
                              "generated code names it \"NULL_\""),
            std::string::npos)
      << l.warnings();
  EXPECT_NE(l.warnings().find("2:18: field \"what\" has the name of a member generated code "
                              "declares; generated code names it \"what_\""),
            std::string::npos)
      << l.warnings();
}

TEST(Sema, AFieldNamedLikeItsStructIsRenamed) {
  Loaded l("struct delegate { 1: string partial, 2: list<delegate> delegate }");
  ASSERT_NE(l.program, nullptr) << l.errors();
  EXPECT_EQ(l.program->structs[0]->fields[1].cpp_name, "delegate_");
  EXPECT_EQ(l.warnings(),
            "1:38: field \"delegate\" has the name of its struct, which C++ does not allow; "
            "generated code names it \"delegate_\"\n");
}

TEST(Sema, CppKeywordsAreRenamed) {
  Loaded l("struct S { 1: i32 int, 2: string auto }\nenum long { char }");
  ASSERT_NE(l.program, nullptr) << l.errors();
  const Struct& s = *l.program->structs[0];
  EXPECT_EQ(s.cpp_name, "S");
  EXPECT_EQ(s.fields[0].name, "int");
  EXPECT_EQ(s.fields[0].cpp_name, "int_");
  EXPECT_EQ(s.fields[1].cpp_name, "auto_");
  EXPECT_EQ(l.program->enums[0]->cpp_name, "long_");
  EXPECT_EQ(l.program->enums[0]->values[0]->cpp_name, "char_");
  EXPECT_EQ(l.warnings(),
            "1:12: \"int\" is a C++ keyword; generated code names it \"int_\"\n"
            "1:24: \"auto\" is a C++ keyword; generated code names it \"auto_\"\n"
            "2:6: \"long\" is a C++ keyword; generated code names it \"long_\"\n"
            "2:13: \"char\" is a C++ keyword; generated code names it \"char_\"\n");
}

TEST(Sema, EveryNameAndOwnerIsSet) {
  Loaded l(R"(
typedef i32 T
enum E { A }
const T C = 1
struct S { 1: T t }
exception X { 1: string m }
service V { void f(1: S s) throws (1: X x) }
)");
  ASSERT_NE(l.program, nullptr) << l.errors();
  for (const Definition* d : l.program->definitions) {
    EXPECT_EQ(d->program, l.program) << d->name;
    EXPECT_EQ(d->cpp_name, d->name);
  }
  const Function& f = l.program->services[0]->functions[0];
  EXPECT_EQ(f.cpp_name, "f");
  EXPECT_EQ(f.arguments[0].cpp_name, "s");
  EXPECT_EQ(f.exceptions[0].cpp_name, "x");
  EXPECT_EQ(l.program->structs[0]->fields[0].type->resolved, l.program->typedefs[0].get());
  EXPECT_EQ(&TrueType(*l.program->structs[0]->fields[0].type), l.program->typedefs[0]->type.get());
}

TEST(Sema, DuplicateDefinitions) {
  EXPECT_EQ(ErrorsOf("struct A {}\nservice A {}"),
            "2:9: \"A\" is already defined (at t.thrift:1:8)\n");
  EXPECT_EQ(ErrorsOf("const i32 A = 1\nconst i32 A = 2"),
            "2:11: \"A\" is already defined (at t.thrift:1:11)\n");
}

TEST(Sema, EnumRules) {
  EXPECT_EQ(ErrorsOf("enum E {\n  A,\n  A\n}"), "3:3: enum value \"E.A\" is already defined\n");
  // Equal values under different names are fine, as in Apache Thrift.
  Loaded l("enum E { A = 1, B = 1 }");
  EXPECT_NE(l.program, nullptr) << l.errors();
}

TEST(Sema, UnknownAndMisusedTypes) {
  EXPECT_EQ(ErrorsOf("struct S { 1: Missing m }"), "1:15: unknown type \"Missing\"\n");
  EXPECT_EQ(ErrorsOf("service V {}\nstruct S { 1: V v }"),
            "2:15: \"V\" is a service, not a type\n");
  EXPECT_EQ(ErrorsOf("const i32 C = 1\ntypedef C D"), "2:9: \"C\" is a constant, not a type\n");
  EXPECT_EQ(ErrorsOf("struct S { 1: list<map<i32, Nope>> m }"), "1:29: unknown type \"Nope\"\n");
}

TEST(Sema, TypedefCycles) {
  EXPECT_EQ(ErrorsOf("typedef B A\ntypedef A B"), "1:11: typedef cycle: A -> B -> A\n");
  EXPECT_EQ(ErrorsOf("typedef Self Self"), "1:14: typedef cycle: Self -> Self\n");
}

TEST(Sema, FieldDuplicates) {
  EXPECT_EQ(ErrorsOf("struct S {\n  1: i32 a,\n  1: i32 b\n}"),
            "3:3: field id 1 of \"b\" in struct \"S\" is already used by \"a\"\n");
  EXPECT_EQ(ErrorsOf("struct S {\n  1: i32 a,\n  2: i32 a\n}"),
            "3:3: field name \"a\" is already used in struct \"S\" (at t.thrift:2:3)\n");
  EXPECT_EQ(ErrorsOf("service V { void f(1: i32 a, 1: i32 b) }"),
            "1:30: field id 1 of \"b\" in the arguments of function \"f\" is already used by "
            "\"a\"\n");
}

TEST(Sema, UnionMembersAreOptional) {
  Loaded l("union U {\n  1: required i32 a,\n  2: i32 b\n}");
  ASSERT_NE(l.program, nullptr) << l.errors();
  for (const Field& f : l.program->structs[0]->fields) {
    EXPECT_EQ(f.requiredness, Requiredness::kOptional) << f.name;
  }
  EXPECT_EQ(l.warnings(),
            "2:3: union \"U\" field \"a\": union members are always optional; 'required' is "
            "ignored\n");
  EXPECT_EQ(ErrorsOf("union U { 1: i32 a = 1, 2: i32 b = 2 }"),
            "1:25: union \"U\" field \"b\" gives a second default value (the first is on \"a\")\n");
}

TEST(Sema, ServiceRules) {
  EXPECT_EQ(ErrorsOf("service T extends Q {}"),
            "1:9: service \"T\" extends \"Q\", which is not defined\n");
  EXPECT_EQ(ErrorsOf("struct S {}\nservice T extends S {}"),
            "2:9: service \"T\" extends \"S\", which is not a service\n");
  EXPECT_EQ(ErrorsOf("service T extends B {}\nservice B {}"),
            "1:9: service \"T\" extends \"B\", which is not defined before it\n");
  EXPECT_EQ(ErrorsOf("service S {\n  void f()\n  i32 f()\n}"),
            "3:7: function \"f\" is already defined in service \"S\"\n");
  EXPECT_EQ(ErrorsOf("service S { oneway i32 f() }"),
            "1:24: oneway function \"f\" must return void\n");
  EXPECT_EQ(ErrorsOf("exception X {}\nservice S { oneway void f() throws (1: X x) }"),
            "2:25: oneway function \"f\" cannot throw exceptions\n");
  EXPECT_EQ(ErrorsOf("struct NotAnError {}\nservice S { void f() throws (1: NotAnError e) }"),
            "2:33: \"e\" in the throws clause of \"f\" is not an exception\n");
  // An exception through a typedef is still an exception.
  Loaded ok("exception X {}\ntypedef X Y\nservice S { void f() throws (1: Y y) }");
  EXPECT_NE(ok.program, nullptr) << ok.errors();
}

TEST(Sema, ConstIdentifiersAreReplaced) {
  Loaded l(R"(
enum Status { UNKNOWN, ACTIVE = 3 }
typedef Status Alias
const i32 LIMIT = 10
const i64 BIG = LIMIT
const Status S1 = Status.ACTIVE
const Status S2 = 3
const Alias S3 = Alias.UNKNOWN
const list<Status> L = [Status.ACTIVE, 0]
const double D = LIMIT
struct P { 1: i32 x = LIMIT, 2: Status s = Status.ACTIVE, 3: list<i32> xs }
const P POINT = {"x": 1, "s": Status.UNKNOWN, "xs": [LIMIT]}
const map<string, P> BY_NAME = {"p": POINT}
)");
  ASSERT_NE(l.program, nullptr) << l.errors();
  const Enum& status = *l.program->enums[0];
  const auto& c = l.program->consts;
  EXPECT_EQ(c[1]->value.kind, ConstValue::Kind::kInt);
  EXPECT_EQ(c[1]->value.int_value, 10);
  EXPECT_EQ(c[2]->value.int_value, 3);
  EXPECT_EQ(c[2]->value.enum_value, status.values[1].get());
  EXPECT_EQ(c[3]->value.enum_value, status.values[1].get());  // 3 is ACTIVE
  EXPECT_EQ(c[4]->value.enum_value, status.values[0].get());
  EXPECT_EQ(c[5]->value.list[0].enum_value, status.values[1].get());
  EXPECT_EQ(c[5]->value.list[1].enum_value, status.values[0].get());
  EXPECT_EQ(c[6]->value.kind, ConstValue::Kind::kDouble);
  EXPECT_DOUBLE_EQ(c[6]->value.double_value, 10);
  const Struct& p = *l.program->structs[0];
  EXPECT_EQ(p.fields[0].default_value->int_value, 10);
  EXPECT_EQ(p.fields[1].default_value->enum_value, status.values[1].get());
  const ConstValue& point = c[7]->value;
  ASSERT_EQ(point.map.size(), 3u);
  EXPECT_EQ(point.map[2].second.list[0].int_value, 10);
  const ConstValue& by_name = c[8]->value;
  EXPECT_EQ(by_name.map[0].second.kind, ConstValue::Kind::kMap);
  EXPECT_EQ(by_name.map[0].second.map[0].second.int_value, 1);
  // No identifier is left anywhere.
  std::function<void(const ConstValue&)> no_ids = [&](const ConstValue& v) {
    EXPECT_NE(v.kind, ConstValue::Kind::kIdentifier);
    for (const ConstValue& e : v.list) no_ids(e);
    for (const auto& [k, val] : v.map) {
      no_ids(k);
      no_ids(val);
    }
  };
  for (const auto& k : c) no_ids(k->value);
}

TEST(Sema, ConstValueErrors) {
  EXPECT_EQ(ErrorsOf("const string X = 1"),
            "1:18: value of constant \"X\" must be a string, not an integer\n");
  EXPECT_EQ(ErrorsOf("const i32 X = \"a\""),
            "1:15: value of constant \"X\" must be an i32, not a string\n");
  EXPECT_EQ(ErrorsOf("const i8 X = 300"),
            "1:14: value 300 of constant \"X\" is out of range for i8 (-128..127)\n");
  EXPECT_EQ(ErrorsOf("const i16 X = -32769"),
            "1:15: value -32769 of constant \"X\" is out of range for i16 (-32768..32767)\n");
  EXPECT_EQ(ErrorsOf("const i32 X = 2147483648"),
            "1:15: value 2147483648 of constant \"X\" is out of range for i32 "
            "(-2147483648..2147483647)\n");
  EXPECT_EQ(ErrorsOf("const bool X = 2"),
            "1:16: value 2 of constant \"X\" is out of range for bool (0..1)\n");
  EXPECT_EQ(ErrorsOf("const i32 X = 1.5"),
            "1:15: value of constant \"X\" must be an i32, not a floating-point number\n");
  EXPECT_EQ(ErrorsOf("const list<i32> X = [1, \"a\"]"),
            "1:25: value of constant \"X\"<elem> must be an i32, not a string\n");
  EXPECT_EQ(ErrorsOf("const map<string, i32> X = {\"a\": 1, 2: 3}"),
            "1:37: value of constant \"X\"<key> must be a string, not an integer\n");
  EXPECT_EQ(ErrorsOf("const set<i32> X = {1: 2}"),
            "1:20: value of constant \"X\" must be a set [...], not a map\n");
  EXPECT_EQ(ErrorsOf("struct P { 1: i32 x }\nconst P X = {\"x\": 1, \"y\": 2}"),
            "2:22: \"P\" has no field \"y\" (in constant \"X\")\n");
  EXPECT_EQ(ErrorsOf("struct P { 1: i32 x }\nconst P X = {x: 1}"),
            "2:14: keys of a struct literal must be field names in quotes (in constant "
            "\"X\")\n");
  EXPECT_EQ(ErrorsOf("struct S { 1: i32 a = \"x\" }"),
            "1:23: value of \"a\" must be an i32, not a string\n");
}

TEST(Sema, EnumConstErrors) {
  EXPECT_EQ(ErrorsOf("enum E { A }\nconst E X = B"),
            "2:13: no constant or enum value named \"B\" (an enum value is written "
            "Enum.VALUE)\n");
  EXPECT_EQ(ErrorsOf("enum E { A }\nconst E X = E.B"),
            "2:13: \"B\" is not a value of enum \"E\"\n");
  EXPECT_EQ(ErrorsOf("enum E { A }\nconst E X = 7"),
            "2:13: enum \"E\" has no value 7 (for constant \"X\")\n");
  // (F.A would be read as E.A, as Apache reads it: E has an A.)
  EXPECT_EQ(ErrorsOf("enum E { A }\nenum F { B }\nconst E X = F.B"),
            "3:13: value of constant \"X\" must be a value of enum \"E\", not of \"F\"\n");
  EXPECT_EQ(ErrorsOf("enum E { A }\nconst E X = \"A\""),
            "2:13: value of constant \"X\" must be a value of enum \"E\", not a string\n");
}

TEST(Sema, ConstantsMustBeDefinedFirst) {
  EXPECT_EQ(ErrorsOf("const i32 B = A\nconst i32 A = 1"),
            "1:15: constant \"A\" is used in constant \"B\" before it is defined\n");
  EXPECT_EQ(ErrorsOf("struct S { 1: E e = E.A }\nenum E { A }"),
            "1:21: \"E.A\" is used in \"e\" before enum \"E\" is defined\n");
}

// As Apache 0.17 (its own EnumTest.thrift relies on it): a dotted name
// given where an enum is expected is read as a value of that enum by the
// part after the last dot, whatever the part before names.
TEST(Sema, AnEnumValueMayBeSpelledThroughAnotherName) {
  Loaded l(R"(enum MyEnum1 { ME1_0, ME1_1, ME2_2 = 7 }
enum MyEnum2 { ME2_0, ME2_1, ME2_2 }
struct S { 1: MyEnum2 me2_2 = MyEnum1.ME2_2 }
const MyEnum2 B = Nope.ME2_1
const i32 I = MyEnum1.ME2_2
const map<MyEnum2, MyEnum1> M = {MyEnum1.ME2_2: MyEnum2.ME2_2}
const MyEnum2 Same = MyEnum2.ME2_2
)");
  ASSERT_NE(l.program, nullptr) << l.errors();
  const ConstValue& d = *l.program->structs[0]->fields[0].default_value;
  EXPECT_EQ(d.int_value, 2);
  ASSERT_NE(d.enum_value, nullptr);
  EXPECT_EQ(d.enum_value->parent->name, "MyEnum2");
  const auto& c = l.program->consts;
  EXPECT_EQ(c[0]->value.int_value, 1);
  EXPECT_EQ(c[1]->value.int_value, 7);  // an i32: the name's own value
  ASSERT_EQ(c[2]->value.map.size(), 1u);
  EXPECT_EQ(c[2]->value.map[0].first.int_value, 2);
  EXPECT_EQ(c[2]->value.map[0].second.int_value, 7);
  EXPECT_EQ(c[3]->value.int_value, 2);
  EXPECT_EQ(l.warnings(),
            "3:31: \"MyEnum1.ME2_2\" is given for \"me2_2\" of enum \"MyEnum2\", but "
            "\"MyEnum1\" names enum \"MyEnum1\"; read as MyEnum2.ME2_2 (= 2), as Apache Thrift "
            "0.17 reads it\n"
            "4:19: \"Nope.ME2_1\" is given for constant \"B\" of enum \"MyEnum2\", but \"Nope\" "
            "names nothing; read as MyEnum2.ME2_1 (= 1), as Apache Thrift 0.17 reads it\n"
            "6:34: \"MyEnum1.ME2_2\" is given for constant \"M\"<key> of enum \"MyEnum2\", but "
            "\"MyEnum1\" names enum \"MyEnum1\"; read as MyEnum2.ME2_2 (= 2), as Apache Thrift "
            "0.17 reads it\n"
            "6:49: \"MyEnum2.ME2_2\" is given for constant \"M\"<val> of enum \"MyEnum1\", but "
            "\"MyEnum2\" names enum \"MyEnum2\"; read as MyEnum1.ME2_2 (= 7), as Apache Thrift "
            "0.17 reads it\n");
  // A name the expected enum lacks is an error, as in Apache.
  EXPECT_EQ(ErrorsOf("enum E1 { A }\nenum E2 { B }\nconst E2 X = E1.A"),
            "3:14: value of constant \"X\" must be a value of enum \"E2\", not of \"E1\"\n");
}

TEST(Sema, EmptyBracesAreEmptyContainersOfAnyKind) {
  Loaded l(R"(struct S {
  1: optional set<binary> bin_set = {}
  2: list<i32> l = {}
  3: map<i32, i32> m = []
  4: set<string> s = []
}
const list<i32> L = {}
)");
  ASSERT_NE(l.program, nullptr) << l.errors();
  EXPECT_EQ(l.warnings(), "");
  // Only empty ones: a map literal is no list.
  EXPECT_EQ(ErrorsOf("const list<i32> L = {1: 2}"),
            "1:21: value of constant \"L\" must be a list [...], not a map\n");
  EXPECT_EQ(ErrorsOf("const map<i32, i32> M = [1]"),
            "1:25: value of constant \"M\" must be a map {...}, not a list\n");
}

using Indirection = Field::Indirection;

TEST(Sema, ReferencesChooseTheirHolder) {
  Loaded l(R"(struct Node {
  1: Node & link
  2: Node a (cpp.ref = "true")
  3: Node b (cpp2.ref = "true")
  4: Node c (cpp.ref_type = "unique")
  5: Node d (cpp.ref_type = "shared")
  6: Node e (cpp2.ref_type = "shared_const")
  7: list<Node> children
  8: i32 plain
}
union U { 1: Node & n, 2: i32 x }
service S { void f(1: Node & n) }
)");
  ASSERT_NE(l.program, nullptr) << l.errors();
  const auto& f = l.program->structs[0]->fields;
  EXPECT_EQ(f[0].indirection, Indirection::kUnique);
  EXPECT_EQ(f[1].indirection, Indirection::kUnique);
  EXPECT_EQ(f[2].indirection, Indirection::kUnique);
  EXPECT_EQ(f[3].indirection, Indirection::kUnique);
  EXPECT_EQ(f[4].indirection, Indirection::kShared);
  EXPECT_EQ(f[5].indirection, Indirection::kSharedConst);
  EXPECT_EQ(f[6].indirection, Indirection::kValue);
  EXPECT_EQ(f[7].indirection, Indirection::kValue);
  // A union's variant must stay copyable: its references are boxes.
  EXPECT_EQ(l.program->structs[1]->fields[0].indirection, Indirection::kBox);
  // Arguments are passed by reference already.
  EXPECT_EQ(l.program->services[0]->functions[0].arguments[0].indirection, Indirection::kValue);
  EXPECT_EQ(l.warnings(), "");  // references break every cycle here

  EXPECT_EQ(ErrorsOf("struct N { 1: N n (cpp.ref_type = \"weak\") }"),
            "1:12: cpp.ref_type of field \"n\" is \"weak\"; it must be \"unique\", \"shared\" "
            "or \"shared_const\"\n");
}

TEST(Sema, ByValueCyclesAreBrokenByBoxingOneField) {
  Loaded l(R"(struct delegate { 1: string partial, 2: delegate link }
exception CoError { 1: CoError2 other }
exception CoError2 { 1: CoError other }
struct A { 1: B b }
struct B { 1: optional C c }
struct C { 1: AA a, 2: A again }
typedef A AA
union U { 1: i32 x, 2: U me }
struct Tree { 1: list<Tree> children, 2: map<string, Tree> named }
)");
  ASSERT_NE(l.program, nullptr) << l.errors();
  auto field = [&](size_t s, size_t f) { return l.program->structs[s]->fields[f].indirection; };
  EXPECT_EQ(field(0, 1), Indirection::kBox);
  EXPECT_EQ(field(1, 0), Indirection::kValue);
  EXPECT_EQ(field(2, 0), Indirection::kBox);
  EXPECT_EQ(field(3, 0), Indirection::kValue);
  EXPECT_EQ(field(4, 0), Indirection::kValue);
  // C closes two cycles, through the typedef and directly.
  EXPECT_EQ(field(5, 0), Indirection::kBox);
  EXPECT_EQ(field(5, 1), Indirection::kBox);
  EXPECT_EQ(field(6, 1), Indirection::kBox);
  // Containers hold their elements on the heap already.
  EXPECT_EQ(field(7, 0), Indirection::kValue);
  EXPECT_EQ(field(7, 1), Indirection::kValue);
  const std::string box =
      "; generated code holds it in a vireo::codec::Box (a heap value that copies deeply and "
      "compares by value; empty = absent)\n";
  EXPECT_EQ(l.warnings(),
            "1:38: field \"delegate.link\" closes a by-value cycle (delegate.link -> delegate)" +
                box + "3:22: field \"CoError2.other\" closes a by-value cycle (CoError.other -> "
                "CoError2.other -> CoError)" + box +
                "6:12: field \"C.a\" closes a by-value cycle (A.b -> B.c -> C.a -> AA -> A)" +
                box + "6:21: field \"C.again\" closes a by-value cycle (A.b -> B.c -> C.again -> A)" +
                box + "8:21: field \"U.me\" closes a by-value cycle (U.me -> U)" + box);
}

TEST(Sema, LongTypedefChainsResolve) {
  std::string text = "typedef i32 T0\n";
  for (int i = 1; i <= 5000; ++i) {
    text += "typedef T" + std::to_string(i - 1) + " T" + std::to_string(i) + "\n";
  }
  text += "struct S { 1: T5000 x = 7 }\n";
  Loaded l(text);
  ASSERT_NE(l.program, nullptr) << l.errors();
  const Type& t = TrueType(*l.program->structs[0]->fields[0].type);
  EXPECT_EQ(t.kind, Type::Kind::kBase);
  EXPECT_EQ(t.base, BaseType::kI32);
  // Closing the chain into a loop is found, however long the loop.
  Loaded cyc("typedef T5000 T0\n" + text.substr(text.find('\n') + 1));
  EXPECT_EQ(cyc.program, nullptr);
  EXPECT_NE(cyc.errors().find("typedef cycle: T0 -> T5000 -> T4999"), std::string::npos);
}

}  // namespace
}  // namespace vireo::idl
