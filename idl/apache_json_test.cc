#include "vireo/idl/apache_json.h"

#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "vireo/idl/model.h"

namespace vireo::idl {
namespace {

TEST(JsonQuote, EscapesWhatJsonRequires) {
  EXPECT_EQ(JsonQuote(""), "\"\"");
  EXPECT_EQ(JsonQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonQuote("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(JsonQuote(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(JsonQuote(std::string("a\0b", 3)), "\"a\\u0000b\"");
}

TEST(JsonQuote, EscapesSlashLikeApache) { EXPECT_EQ(JsonQuote("a/b"), "\"a\\/b\""); }

TEST(JsonQuote, PassesUtf8Through) {
  EXPECT_EQ(JsonQuote("h\xc3\xa9llo \xe2\x9c\x93"), "\"h\xc3\xa9llo \xe2\x9c\x93\"");
  EXPECT_EQ(JsonQuote("\x7f"), "\"\x7f\"");
}

TEST(ApacheDouble, FifteenSignificantDigits) {
  EXPECT_EQ(ApacheDouble(0.1), "0.1");
  EXPECT_EQ(ApacheDouble(3), "3");
  EXPECT_EQ(ApacheDouble(-2500), "-2500");
  EXPECT_EQ(ApacheDouble(1e20), "1e+20");
  EXPECT_EQ(ApacheDouble(1.5e-7), "1.5e-07");
  EXPECT_EQ(ApacheDouble(1.2345678901234567), "1.23456789012346");
  EXPECT_EQ(ApacheDouble(1e10), "10000000000");
  EXPECT_EQ(ApacheDouble(6.02e23), "6.02e+23");
}

TEST(JsonDouble, InfinityStaysValidJson) {
  EXPECT_EQ(JsonDouble(HUGE_VAL), "1e999");
  EXPECT_EQ(JsonDouble(-HUGE_VAL), "-1e999");
  EXPECT_EQ(JsonDouble(std::nan("")), "null");
  EXPECT_EQ(JsonDouble(0.25), "0.25");
}

std::unique_ptr<Type> Base(BaseType base) {
  auto t = std::make_unique<Type>();
  t->kind = Type::Kind::kBase;
  t->base = base;
  return t;
}

std::unique_ptr<Type> Named(const Definition* def) {
  auto t = std::make_unique<Type>();
  t->kind = Type::Kind::kNamed;
  t->name = def->name;
  t->resolved = def;
  return t;
}

std::unique_ptr<Type> ListOf(std::unique_ptr<Type> elem) {
  auto t = std::make_unique<Type>();
  t->kind = Type::Kind::kList;
  t->elem = std::move(elem);
  return t;
}

ConstValue Int(int64_t v) {
  ConstValue c;
  c.kind = ConstValue::Kind::kInt;
  c.int_value = v;
  return c;
}

ConstValue Str(std::string s) {
  ConstValue c;
  c.kind = ConstValue::Kind::kString;
  c.string_value = std::move(s);
  return c;
}

Field MakeField(int16_t id, std::string name, std::unique_ptr<Type> type) {
  Field f;
  f.id = id;
  f.id_explicit = true;
  f.name = name;
  f.cpp_name = std::move(name);
  f.type = std::move(type);
  return f;
}

// Two files: `inc` declares an enum and an annotated struct; `main` uses
// them through a typedef chain, in a container and in a service.
class ApacheJsonModel : public ::testing::Test {
 protected:
  ApacheJsonModel() {
    inc_.name = "inc";
    inc_.path = "inc.thrift";
    auto color = std::make_unique<Enum>();
    color->name = "Color";
    color->program = &inc_;
    auto red = std::make_unique<EnumValue>();
    red->name = "RED";
    red->value = 1;
    red->parent = color.get();
    color->values.push_back(std::move(red));
    color_ = color.get();
    inc_.enums.push_back(std::move(color));

    auto point = std::make_unique<Struct>();
    point->name = "Point";
    point->program = &inc_;
    point->annotations.push_back({"kind", "geo", {}});
    point->fields.push_back(MakeField(1, "x", Base(BaseType::kDouble)));
    point_ = point.get();
    inc_.structs.push_back(std::move(point));

    main_.name = "main";
    main_.path = "main.thrift";
    main_.doc = "File \"doc\"\n";
    main_.includes.push_back({"inc.thrift", &inc_, {}});
    main_.namespaces = {{"py", "a"}, {"cpp", "x"}, {"cpp", "y"}};

    auto alias = std::make_unique<Typedef>();
    alias->name = "ColorAlias";
    alias->program = &main_;
    alias->type = Named(color_);
    auto alias2 = std::make_unique<Typedef>();
    alias2->name = "ColorAlias2";
    alias2->program = &main_;
    alias2->type = Named(alias.get());
    const Typedef* alias2_ptr = alias2.get();
    main_.typedefs.push_back(std::move(alias));
    main_.typedefs.push_back(std::move(alias2));

    auto s = std::make_unique<Struct>();
    s->name = "S";
    s->program = &main_;
    s->flavor = Struct::Flavor::kUnion;
    Field color_field = MakeField(1, "color", Named(alias2_ptr));
    color_field.requiredness = Requiredness::kOptional;
    ConstValue red_value = Int(1);
    red_value.enum_value = color_->values[0].get();
    color_field.default_value = red_value;
    color_field.annotations.push_back({"b", "2", {}});
    color_field.annotations.push_back({"a", "1", {}});
    color_field.annotations.push_back({"b", "3", {}});
    s->fields.push_back(std::move(color_field));
    Field points = MakeField(-1, "points", ListOf(Named(point_)));
    points.id_explicit = false;
    s->fields.push_back(std::move(points));
    main_.structs.push_back(std::move(s));

    auto c = std::make_unique<Const>();
    c->name = "NAMES";
    c->program = &main_;
    c->type = ListOf(Base(BaseType::kString));
    c->value.kind = ConstValue::Kind::kList;
    c->value.list.push_back(Str("a/b"));
    main_.consts.push_back(std::move(c));

    auto svc = std::make_unique<Service>();
    svc->name = "Svc";
    svc->program = &main_;
    Function f;
    f.name = "get";
    f.return_type = Named(point_);
    f.oneway = false;
    f.arguments.push_back(MakeField(1, "m", Base(BaseType::kI8)));
    svc->functions.push_back(std::move(f));
    main_.services.push_back(std::move(svc));
  }

  Program inc_;
  Program main_;
  const Enum* color_ = nullptr;
  const Struct* point_ = nullptr;
};

TEST_F(ApacheJsonModel, WritesApacheShape) {
  EXPECT_EQ(ToApacheJson(main_), R"({
  "name": "main",
  "doc": "File \"doc\"\n",
  "namespaces": {
    "cpp": "y",
    "py": "a"
  },
  "includes": [
    "inc"
  ],
  "enums": [],
  "typedefs": [
    {
      "name": "ColorAlias",
      "typeId": "i32"
    },
    {
      "name": "ColorAlias2",
      "typeId": "i32"
    }
  ],
  "structs": [
    {
      "name": "S",
      "isException": false,
      "isUnion": true,
      "fields": [
        {
          "key": 1,
          "name": "color",
          "typeId": "i32",
          "annotations": {
            "a": "1",
            "b": "3"
          },
          "required": "optional",
          "default": 1
        },
        {
          "key": -1,
          "name": "points",
          "typeId": "list",
          "type": {
            "typeId": "list",
            "elemTypeId": "struct",
            "elemType": {
              "typeId": "struct",
              "annotations": {
                "kind": "geo"
              },
              "class": "inc.Point"
            }
          },
          "required": "req_out"
        }
      ]
    }
  ],
  "constants": [
    {
      "name": "NAMES",
      "typeId": "list",
      "type": {
        "typeId": "list",
        "elemTypeId": "string"
      },
      "value": [
        "a\/b"
      ]
    }
  ],
  "services": [
    {
      "name": "Svc",
      "functions": [
        {
          "name": "get",
          "returnTypeId": "struct",
          "returnType": {
            "typeId": "struct",
            "annotations": {
              "kind": "geo"
            },
            "class": "inc.Point"
          },
          "oneway": false,
          "arguments": [
            {
              "key": 1,
              "name": "m",
              "typeId": "i8",
              "required": "req_out"
            }
          ],
          "exceptions": []
        }
      ]
    }
  ]
}
)");
}

TEST_F(ApacheJsonModel, ScopesOnlyForeignClasses) {
  const std::string inc = ToApacheJson(inc_);
  EXPECT_NE(inc.find("\"name\": \"Point\""), std::string::npos);
  EXPECT_EQ(inc.find("inc.Point"), std::string::npos);
  EXPECT_NE(inc.find("\"value\": 1"), std::string::npos);
}

}  // namespace
}  // namespace vireo::idl
