#include "vireo/idl/parser.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "vireo/idl/frontend.h"

namespace vireo::idl {
namespace {

// Parses and checks `text` as the file "t.thrift".
struct Loaded {
  explicit Loaded(std::string_view text, Frontend::Options options = {})
      : frontend(std::make_unique<Frontend>(options)) {
    program = frontend->LoadString("t.thrift", text);
  }
  // Every diagnostic of one severity as "line:col: message", one a line.
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

TEST(Parser, Headers) {
  Loaded l(R"(
cpp_include "<deque>"
namespace cpp a.b
namespace * all
namespace py x (py.opt = "1")
cpp_include 'x.h'
)");
  ASSERT_NE(l.program, nullptr) << l.errors();
  EXPECT_EQ(l.program->cpp_includes, (std::vector<std::string>{"<deque>", "x.h"}));
  ASSERT_EQ(l.program->namespaces.size(), 3u);
  EXPECT_EQ(l.program->Namespace("cpp"), "a.b");
  EXPECT_EQ(l.program->Namespace("java"), "all");
  EXPECT_EQ(l.program->Namespace("py"), "x");
  EXPECT_EQ(l.program->name, "t");
  EXPECT_EQ(l.program->path, "t.thrift");
}

TEST(Parser, HeaderAfterDefinitionIsAnError) {
  Loaded l("struct S {}\nnamespace cpp x\n");
  EXPECT_EQ(l.program, nullptr);
  EXPECT_EQ(l.errors(), "2:1: 'namespace' must come before every definition\n");
}

TEST(Parser, Typedefs) {
  Loaded l("typedef i64 Id (a = \"b\");\ntypedef list<Id> Ids,\ntypedef map<string, Ids> M");
  ASSERT_NE(l.program, nullptr) << l.errors();
  ASSERT_EQ(l.program->typedefs.size(), 3u);
  const Typedef& id = *l.program->typedefs[0];
  EXPECT_EQ(id.name, "Id");
  EXPECT_EQ(id.type->base, BaseType::kI64);
  ASSERT_EQ(id.annotations.size(), 1u);
  EXPECT_EQ(id.annotations[0].value, "b");
  const Type& m = *l.program->typedefs[2]->type;
  EXPECT_EQ(m.kind, Type::Kind::kMap);
  EXPECT_EQ(m.elem->base, BaseType::kString);
  EXPECT_EQ(m.value->kind, Type::Kind::kNamed);
  EXPECT_EQ(m.value->name, "Ids");
  EXPECT_EQ(m.value->resolved, l.program->typedefs[1].get());
}

TEST(Parser, EnumValues) {
  Loaded l(R"(enum E {
  A,
  B = 5 (x = "y");
  C
  D = -3,
  F = 0x10
  G
} (e.note = "n"))");
  ASSERT_NE(l.program, nullptr) << l.errors();
  const Enum& e = *l.program->enums[0];
  ASSERT_EQ(e.values.size(), 6u);
  int expected[] = {0, 5, 6, -3, 16, 17};
  int i = 0;
  for (int v : expected) EXPECT_EQ(e.values[i++]->value, v) << i;
  EXPECT_FALSE(e.values[0]->value_explicit);
  EXPECT_TRUE(e.values[1]->value_explicit);
  EXPECT_EQ(*FindAnnotation(e.values[1]->annotations, "x"), "y");
  EXPECT_EQ(*FindAnnotation(e.annotations, "e.note"), "n");
  EXPECT_EQ(e.values[2]->parent, &e);
}

TEST(Parser, EnumValueErrors) {
  EXPECT_EQ(Loaded("enum E { A = 2147483648 }").errors(),
            "1:14: value 2147483648 of enum value \"A\" does not fit in 32 bits\n");
  EXPECT_EQ(Loaded("enum E { A = 2147483647, B }").errors(),
            "1:26: enum value \"B\" overflows: the previous value is 2147483647\n");
  EXPECT_EQ(Loaded("enum E { A = B }").errors(),
            "1:14: expected an integer after '=', found identifier \"B\"\n");
}

TEST(Parser, ConstValues) {
  Loaded l(R"(
const i32 A = -0x10
const double B = 1.5e2;
const string C = 'q"uote'
const bool D = true
const list<i32> E = [1, 2; 3]
const map<string, list<i32>> F = {"k": [1], "l": [],}
const set<string> G = ["x"]
const double H = 3
)");
  ASSERT_NE(l.program, nullptr) << l.errors();
  const auto& c = l.program->consts;
  ASSERT_EQ(c.size(), 8u);
  EXPECT_EQ(c[0]->value.int_value, -16);
  EXPECT_DOUBLE_EQ(c[1]->value.double_value, 150);
  EXPECT_EQ(c[2]->value.string_value, "q\"uote");
  EXPECT_EQ(c[3]->value.kind, ConstValue::Kind::kInt);
  EXPECT_EQ(c[3]->value.int_value, 1);
  ASSERT_EQ(c[4]->value.list.size(), 3u);
  EXPECT_EQ(c[4]->value.list[2].int_value, 3);
  ASSERT_EQ(c[5]->value.map.size(), 2u);
  EXPECT_EQ(c[5]->value.map[0].first.string_value, "k");
  EXPECT_EQ(c[5]->value.map[1].second.list.size(), 0u);
  EXPECT_EQ(c[6]->value.list[0].string_value, "x");
  // An integer where a double is expected becomes a double.
  EXPECT_EQ(c[7]->value.kind, ConstValue::Kind::kDouble);
  EXPECT_DOUBLE_EQ(c[7]->value.double_value, 3);
}

TEST(Parser, StructsUnionsExceptions) {
  Loaded l(R"(
struct S {
  1: required i32 a = 7 (s.a = "1"),
  2: optional string b;
  3: list<i32> (cpp.template = "std::deque") c
  4: S & self_ref
} (final)
union U { 1: i32 x, 2: string y }
exception X { 1: string why }
)");
  ASSERT_NE(l.program, nullptr) << l.errors();
  ASSERT_EQ(l.program->structs.size(), 3u);
  const Struct& s = *l.program->structs[0];
  EXPECT_EQ(s.flavor, Struct::Flavor::kStruct);
  ASSERT_EQ(s.fields.size(), 4u);
  EXPECT_EQ(s.fields[0].id, 1);
  EXPECT_TRUE(s.fields[0].id_explicit);
  EXPECT_EQ(s.fields[0].requiredness, Requiredness::kRequired);
  EXPECT_EQ(s.fields[0].default_value->int_value, 7);
  EXPECT_EQ(*FindAnnotation(s.fields[0].annotations, "s.a"), "1");
  EXPECT_EQ(s.fields[1].requiredness, Requiredness::kOptional);
  EXPECT_EQ(s.fields[2].requiredness, Requiredness::kDefault);
  EXPECT_EQ(*FindAnnotation(s.fields[2].type->annotations, "cpp.template"), "std::deque");
  EXPECT_TRUE(s.fields[3].reference);
  EXPECT_EQ(*FindAnnotation(s.annotations, "final"), "1");
  EXPECT_EQ(l.program->structs[1]->flavor, Struct::Flavor::kUnion);
  EXPECT_EQ(l.program->structs[2]->flavor, Struct::Flavor::kException);
  EXPECT_EQ(l.program->definitions.size(), 3u);
}

TEST(Parser, AnnotationsOnBaseAndContainerTypes) {
  Loaded l(
      "struct S { 1: map<i32 (a=\"b\"), string (c = 'd')> (e=\"f\"; g) m }\n"
      "typedef string (foo = \"x\") Str");
  ASSERT_NE(l.program, nullptr) << l.errors();
  const Type& m = *l.program->structs[0]->fields[0].type;
  EXPECT_EQ(*FindAnnotation(m.elem->annotations, "a"), "b");
  EXPECT_EQ(*FindAnnotation(m.value->annotations, "c"), "d");
  EXPECT_EQ(*FindAnnotation(m.annotations, "e"), "f");
  EXPECT_EQ(*FindAnnotation(m.annotations, "g"), "1");
  EXPECT_EQ(*FindAnnotation(l.program->typedefs[0]->type->annotations, "foo"), "x");
}

TEST(Parser, DuplicateAnnotationKeepsTheLastValue) {
  Loaded l("struct S {} (a = \"1\", b = \"2\", a = \"3\")");
  ASSERT_NE(l.program, nullptr) << l.errors();
  const Annotations& a = l.program->structs[0]->annotations;
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].key, "a");
  EXPECT_EQ(a[0].value, "3");
}

TEST(Parser, Services) {
  Loaded l(R"(
exception E {}
service Base {}
service S extends Base {
  void a(),
  oneway void b(1: i32 x);
  i32 c(1: i32 x, 2: string y) throws (1: E e) (c.note = "x")
  list<i32> d()
} (svc = "1")
)");
  ASSERT_NE(l.program, nullptr) << l.errors();
  const Service& s = *l.program->services[1];
  EXPECT_EQ(s.extends_name, "Base");
  EXPECT_EQ(s.extends, l.program->services[0].get());
  ASSERT_EQ(s.functions.size(), 4u);
  EXPECT_EQ(s.functions[0].return_type->kind, Type::Kind::kBase);
  EXPECT_EQ(s.functions[0].return_type->base, BaseType::kVoid);
  EXPECT_TRUE(s.functions[1].oneway);
  EXPECT_EQ(s.functions[2].arguments.size(), 2u);
  ASSERT_EQ(s.functions[2].exceptions.size(), 1u);
  EXPECT_EQ(s.functions[2].exceptions[0].type->resolved, l.program->structs[0].get());
  EXPECT_EQ(*FindAnnotation(s.functions[2].annotations, "c.note"), "x");
  EXPECT_EQ(s.functions[3].return_type->kind, Type::Kind::kList);
  EXPECT_EQ(*FindAnnotation(s.annotations, "svc"), "1");
}

TEST(Parser, AutomaticFieldIds) {
  Loaded l("struct S {\n  i32 a,\n  0: i32 b,\n  5: i32 c,\n  string d\n}");
  ASSERT_NE(l.program, nullptr) << l.errors();
  const auto& f = l.program->structs[0]->fields;
  EXPECT_EQ(f[0].id, -1);
  EXPECT_FALSE(f[0].id_explicit);
  EXPECT_EQ(f[1].id, -2);
  EXPECT_FALSE(f[1].id_explicit);
  EXPECT_EQ(f[2].id, 5);
  EXPECT_EQ(f[3].id, -3);
  EXPECT_EQ(l.warnings(),
            "2:3: field \"a\" has no id; it gets -1, which may break compatibility\n"
            "3:3: field id 0 of \"b\" is not positive; it gets -2 instead\n"
            "5:3: field \"d\" has no id; it gets -3, which may break compatibility\n");
}

TEST(Parser, FieldIdOutOfRange) {
  EXPECT_EQ(Loaded("struct S { 40000: i32 big }").errors(),
            "1:12: field id 40000 of \"big\" is out of range (1..32767)\n");
}

TEST(Parser, DeprecatedButAccepted) {
  Loaded l(R"(
struct S xsd_all {
  1: byte a xsd_optional xsd_nillable xsd_attrs { 1: i32 q },
  2: list<i8> cpp_type "std::vector<int8_t>" b,
  3: map cpp_type "M" <i32, i32> c,
  4: byte d,
}
service V { async void f(1: optional i32 x) }
)");
  ASSERT_NE(l.program, nullptr) << l.errors();
  EXPECT_EQ(l.warnings(),
            "3:6: \"byte\" is an alias of \"i8\"; write \"i8\" to make its signedness plain\n"
            "4:6: consider the more efficient \"binary\" instead of \"list<byte>\"\n"
            "8:13: \"async\" is deprecated: it is called \"oneway\" now\n"
            "8:29: 'optional' is ignored in argument lists\n");
  const auto& f = l.program->structs[0]->fields;
  EXPECT_EQ(f[0].type->base, BaseType::kI8);
  EXPECT_EQ(*FindAnnotation(f[1].type->annotations, "cpp_type"), "std::vector<int8_t>");
  EXPECT_EQ(*FindAnnotation(f[2].type->annotations, "cpp_type"), "M");
  EXPECT_TRUE(l.program->services[0]->functions[0].oneway);
  EXPECT_EQ(l.program->services[0]->functions[0].arguments[0].requiredness, Requiredness::kDefault);
}

TEST(Parser, UuidIsABaseType) {
  Loaded l("struct S { 1: uuid id, 2: i32 uuid }");
  ASSERT_NE(l.program, nullptr) << l.errors();
  EXPECT_EQ(l.program->structs[0]->fields[0].type->base, BaseType::kUuid);
  EXPECT_EQ(l.program->structs[0]->fields[1].name, "uuid");
}

TEST(Parser, SyntaxErrors) {
  EXPECT_EQ(Loaded("struct {}").errors(), "1:8: expected a struct name, found '{'\n");
  EXPECT_EQ(Loaded("struct S { 1: i32 struct }").errors(),
            "1:19: expected a field name, found keyword 'struct' (Thrift keywords cannot be "
            "used as names)\n");
  EXPECT_EQ(Loaded("struct S { 1: i32 a.b }").errors(),
            "1:19: a field name \"a.b\" must not contain a dot\n");
  EXPECT_EQ(Loaded("struct S { 1: void v }").errors(),
            "1:15: expected a type, found keyword 'void'\n");
  EXPECT_EQ(Loaded("struct S { 1: i32 a").errors(), "1:20: expected '}', found end of file\n");
  EXPECT_EQ(Loaded("typedef map<i32> M").errors(),
            "1:16: expected ',' between the key and value types of a map, found '>'\n");
  EXPECT_EQ(Loaded("const i32 X = ").errors(),
            "1:15: expected a constant value, found end of file\n");
  EXPECT_EQ(Loaded("struct S {} (a = 1)").errors(),
            "1:18: expected a quoted annotation value after '=', found integer 1\n");
  EXPECT_EQ(Loaded("foo").errors(),
            "1:1: expected a definition (typedef, enum, const, struct, union, exception, "
            "service), found identifier \"foo\"\n");
  EXPECT_EQ(Loaded("service S { void f() throws }").errors(),
            "1:29: expected '(' after 'throws', found '}'\n");
  EXPECT_EQ(Loaded("struct S { Foo (a = \"b\") x }").errors(),
            "1:16: expected a field name, found '('\n");
}

TEST(Parser, NestingIsLimited) {
  Frontend::Options options;
  options.max_nesting_depth = 8;
  auto nested_type = [](int n) {
    std::string t = "i32";
    for (int i = 0; i < n; ++i) t = "list<" + t + ">";
    return "typedef " + t + " T";
  };
  EXPECT_NE(Loaded(nested_type(8), options).program, nullptr);
  EXPECT_EQ(Loaded(nested_type(9), options).errors(), "1:54: types nest deeper than 8 levels\n");
  auto nested_value = [](int n) {
    return "const list<i32> X = " + std::string(n, '[') + std::string(n, ']');
  };
  EXPECT_EQ(Loaded(nested_value(10), options).errors(),
            "1:30: constant values nest deeper than 8 levels\n");
  // A very deep input fails cleanly with the default limit, without
  // exhausting the stack.
  Loaded deep(nested_value(100000));
  EXPECT_EQ(deep.program, nullptr);
  EXPECT_EQ(deep.errors(), "1:86: constant values nest deeper than 64 levels\n");
  Loaded deep_attrs("struct S { 1: i32 a " + std::string(200, ' ') + [] {
    std::string s;
    for (int i = 0; i < 100; ++i) s += "xsd_attrs { 1: i32 a ";
    return s;
  }());
  EXPECT_EQ(deep_attrs.program, nullptr);
  EXPECT_NE(deep_attrs.errors().find("xsd_attrs blocks nest deeper than 64 levels"),
            std::string::npos);
}

// Which doc comment documents what, and which is the program's: the cases
// were checked against `thrift --gen json` (0.17).
TEST(Parser, DocComments) {
  struct Case {
    const char* text;
    const char* program_doc;
    const char* first_doc;  // of the first definition
  };
  const Case cases[] = {
      {"/** d */\nstruct S {}", "", "d\n"},
      {"/** d */\nnamespace cpp x\nstruct S {}", "d\n", ""},
      {"/** d1 */\n/** d2 */\nstruct S {}", "d1\n", "d2\n"},
      {"namespace cpp x\n/** d1 */\n\nstruct S {}", "d1\n", "d1\n"},
      {"/** d1 */\nconst i32 X = 1\n/** d2 */\nstruct S {}", "d1\n", "d1\n"},
      {"/** d1 */\nconst i32 X = 1,\n/** d2 */\nstruct S {}", "", "d1\n"},
      {"/** d */\nstruct S {\n  /** f */\n  1: i32 x\n}", "d\n", "d\n"},
      {"include \"missing_is_fine_here.thrift\"", "", ""},
      {"/** only */", "only\n", ""},
      {"/**   */\nstruct S {}", "", ""},
  };
  for (const Case& c : cases) {
    std::string text = c.text;
    if (text.rfind("include", 0) == 0) continue;  // needs a file; see frontend_test
    Loaded l(text);
    ASSERT_NE(l.program, nullptr) << text << "\n" << l.errors();
    EXPECT_EQ(l.program->doc, c.program_doc) << text;
    if (!l.program->definitions.empty()) {
      EXPECT_EQ(l.program->definitions[0]->doc, c.first_doc) << text;
    }
  }
}

TEST(Parser, DocCommentsOnMembers) {
  Loaded l(R"(/**
 * The file.
 */
namespace cpp x

/**
 * A struct.
 *   Indented.
 */
struct S {
  /** a */ 1: i32 a, /** b */
  2: i32 b
  /** orphan */
}
enum E {
  /** v */
  A,
  B
}
service Q {
  /** f */
  void f(/** arg */ 1: i32 x)
}
)");
  ASSERT_NE(l.program, nullptr) << l.errors();
  EXPECT_EQ(l.program->doc, "The file.\n");
  const Struct& s = *l.program->structs[0];
  EXPECT_EQ(s.doc, "A struct.\n  Indented.\n");
  EXPECT_EQ(s.fields[0].doc, "a\n");
  EXPECT_EQ(s.fields[1].doc, "b\n");
  // A comment no definition claimed goes to the next definition.
  EXPECT_EQ(l.program->enums[0]->doc, "orphan\n");
  EXPECT_EQ(l.program->enums[0]->values[0]->doc, "v\n");
  EXPECT_EQ(l.program->enums[0]->values[1]->doc, "");
  EXPECT_EQ(l.program->services[0]->functions[0].doc, "f\n");
  EXPECT_EQ(l.program->services[0]->functions[0].arguments[0].doc, "arg\n");
}

}  // namespace
}  // namespace vireo::idl
