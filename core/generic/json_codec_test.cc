// The JSON codec against the generated codec of the same IDL: every type
// round trips typed -> Thrift -> JSON -> Thrift -> typed in both protocols,
// and every mapping rule and error of docs/generic.md holds.
#include "vireo/core/generic/json_codec.h"

#include <cmath>
#include <string>

#include "generic_test_types.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "vireo/codec/serialize.h"
#include "vireo/core/generic/schema.h"

namespace vireo::generic {
namespace {

using codec::ProtocolId;
using testing::HasSubstr;
using vireo::generictest::Color;
using vireo::generictest::Item;
using vireo::generictest::Point;

std::shared_ptr<const Schema> LoadSchema() {
  auto schema = Schema::Load({VIREO_GENERIC_TESTDATA "/generic_test.thrift"});
  EXPECT_TRUE(schema.ok()) << schema.status();
  return schema.ok() ? *schema : nullptr;
}

Item FullItem() {
  Item item;
  item.id = 9007199254740993;  // 2^53 + 1: not exact as a double
  item.name = "caf\xc3\xa9 \"quoted\"\n\ttab";
  item.price = 12.5;
  item.blob = std::string("\x00\x01\xfe\xff binary", 11);
  item.color = Color::BLUE;
  item.tags = {"a", "b", ""};
  item.codes = {3, -1, 2147483647};
  item.by_id = {{-5, "minus five"}, {int64_t{1} << 60, "big"}};
  item.by_color = {{Color::RED, Point{1, 2}}, {Color::GREEN, Point{-3, 4}}};
  item.shape.emplace().set_polygon({Point{0, 0}, Point{1, 1}});
  item.count = 42;
  item.flag = true;
  item.tiny = -128;
  item.small = 32767;
  item.paths = {{"home", {Point{5, 6}}}, {"empty", {}}};
  item.note = "a note";
  item.ratios = {{true, 0.25}, {false, -1e300}};
  return item;
}

class JsonCodec : public testing::TestWithParam<ProtocolId> {
 protected:
  void SetUp() override {
    schema_ = LoadSchema();
    ASSERT_NE(schema_, nullptr);
    item_ = schema_->FindStruct("Item");
    ASSERT_NE(item_, nullptr);
  }

  // typed -> Thrift -> JSON
  std::string ToJson(const Item& item, const JsonOptions& options = JsonOptions()) {
    transport::LinkBuffer buf;
    codec::Encode(item, GetParam(), buf);
    buf.Flush();
    std::string json;
    absl::Status s = ThriftToJson(*item_, buf, GetParam(), &json, options);
    EXPECT_TRUE(s.ok()) << s;
    return json;
  }

  // JSON -> Thrift -> typed
  absl::StatusOr<Item> FromJson(std::string_view json, const JsonOptions& options = JsonOptions()) {
    transport::LinkBuffer buf;
    if (absl::Status s = JsonToThrift(*item_, json, GetParam(), buf, options); !s.ok()) return s;
    buf.Flush();
    Item out;
    if (absl::Status s = codec::Decode(buf, GetParam(), &out); !s.ok()) return s;
    return out;
  }

  std::shared_ptr<const Schema> schema_;
  const StructType* item_ = nullptr;
};

TEST_P(JsonCodec, EveryTypeRoundTripsThroughJson) {
  const Item item = FullItem();
  const std::string json = ToJson(item);
  absl::StatusOr<Item> back = FromJson(json);
  ASSERT_TRUE(back.ok()) << back.status() << "\n" << json;
  EXPECT_EQ(*back, item) << json;
}

TEST_P(JsonCodec, WritesTheDocumentedMapping) {
  const std::string json = ToJson(FullItem());
  EXPECT_THAT(json, HasSubstr(R"("id":9007199254740993)"));  // exact, a number
  EXPECT_THAT(json, HasSubstr(R"("name":"café \"quoted\"\n\ttab")"));
  EXPECT_THAT(json, HasSubstr(R"("blob":"AAH+/yBiaW5hcnk=")"));  // base64
  EXPECT_THAT(json, HasSubstr(R"("color":7)"));                  // enum: number
  EXPECT_THAT(json, HasSubstr(R"("codes":[)"));
  EXPECT_THAT(json, HasSubstr(R"("by_id":{"-5":"minus five","1152921504606846976":"big"})"));
  EXPECT_THAT(json, HasSubstr(R"("by_color":{"1":{"x":1,"y":2},"2":{"x":-3,"y":4}})"));
  EXPECT_THAT(json, HasSubstr(R"("shape":{"polygon":[{"x":0,"y":0},{"x":1,"y":1}]})"));
  EXPECT_THAT(json, HasSubstr(R"("ratios":{"false":-1e+300,"true":0.25})"));
  EXPECT_THAT(json, HasSubstr(R"("tiny":-128)"));

  JsonOptions options;
  options.i64_as_string = true;
  options.enum_as_name = true;
  const std::string named = ToJson(FullItem(), options);
  EXPECT_THAT(named, HasSubstr(R"("id":"9007199254740993")"));
  EXPECT_THAT(named, HasSubstr(R"("color":"BLUE")"));
  EXPECT_THAT(named, HasSubstr(R"("by_color":{"RED":{"x":1,"y":2},"GREEN":{"x":-3,"y":4}})"));
  // Still readable as input.
  absl::StatusOr<Item> back = FromJson(named);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, FullItem());
}

TEST_P(JsonCodec, ReadsNamesStringsAndDefaults) {
  absl::StatusOr<Item> item = FromJson(R"({
      "id": "9007199254740993", "color": "GREEN", "by_color": {"BLUE": {"x": 1, "y": 2}},
      "price": 3, "blob": "AAH-_w", "note": null, "shape": {"label": "l"}, "unknown": null})",
                                       [] {
                                         JsonOptions o;
                                         o.ignore_unknown_fields = true;
                                         return o;
                                       }());
  ASSERT_TRUE(item.ok()) << item.status();
  EXPECT_EQ(item->id, 9007199254740993);
  EXPECT_EQ(item->color, Color::GREEN);
  EXPECT_EQ(item->by_color.at(Color::BLUE), (Point{1, 2}));
  EXPECT_EQ(item->price, 3.0);
  EXPECT_EQ(item->blob.view(),
            std::string_view("\x00\x01\xfe\xff", 4));  // URL alphabet, no padding
  EXPECT_FALSE(item->note.has_value());                // null = absent
  EXPECT_EQ(item->count, 3);  // the IDL default, written for the absent field
  ASSERT_TRUE(item->shape.has_value());
  EXPECT_EQ(item->shape->label(), "l");

  // An empty request is an empty struct (defaults still written).
  absl::StatusOr<Item> empty = FromJson("  ");
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->count, 3);
}

TEST_P(JsonCodec, NonFiniteDoublesTravelAsStrings) {
  Item item;
  item.ratios = {{true, std::numeric_limits<double>::infinity()}, {false, std::nan("")}};
  const std::string json = ToJson(item);
  EXPECT_THAT(json, HasSubstr(R"("ratios":{"false":"NaN","true":"Infinity"})"));
  absl::StatusOr<Item> back = FromJson(json);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(std::isinf(back->ratios.at(true)));
  EXPECT_TRUE(std::isnan(back->ratios.at(false)));
}

TEST_P(JsonCodec, StringsEscapeAtEveryPositionOfTheScan) {
  // The writer scans 8 bytes at a time: put each character that needs a
  // look at every offset of strings up to 40 bytes.
  const std::string specials[] = {"\"",   "\\",       "\n",          std::string(1, '\0'),
                                  "\x1f", "\xc3\xa9", "\xe2\x82\xac"};
  for (const std::string& special : specials) {
    for (size_t len = 0; len <= 40; ++len) {
      for (size_t at = 0; at <= len; ++at) {
        Item item;
        item.name = std::string(at, 'a') + special + std::string(len - at, 'b');
        absl::StatusOr<Item> back = FromJson(ToJson(item));
        ASSERT_TRUE(back.ok()) << back.status();
        ASSERT_EQ(back->name, item.name) << len << " " << at;
      }
    }
  }
  // Bytes that are not UTF-8 are written as \u00XX (a Latin-1 reading).
  Item item;
  item.name = std::string("abcdefgh\xff\xfeij");
  EXPECT_THAT(ToJson(item), HasSubstr(R"("name":"abcdefgh\u00ff\u00feij")"));
}

struct BadCase {
  std::string json;
  std::string error;
};

TEST_P(JsonCodec, BadInputGetsAnErrorWithItsPath) {
  const BadCase cases[] = {
      {R"({"tiny": 128})", "tiny: 128 is out of range for i8"},
      {R"({"paths": {"home": [{"x": 1, "y": "two"}]}})",
       R"(paths["home"][0].y: expected i32, got "two")"},
      {R"({"paths": {"home": [{"x": 1, "y": true}]}})",
       R"(paths["home"][0].y: expected i32, got bool)"},
      {R"({"paths": {"home": [{"x": 1}]}})", R"(paths["home"][0].y: required field is missing)"},
      {R"({"tags": ["a", 1]})", "tags[1]: expected string, got number"},
      {R"({"price": "cheap"})", R"(price: expected double, got "cheap")"},
      {R"({"flag": 1})", "flag: expected bool, got number"},
      {R"({"color": "PURPLE"})", R"(color: "PURPLE" is not a value of enum Color)"},
      {R"({"blob": "***"})", "blob: expected base64 for binary"},
      {R"({"by_id": {"x": "y"}})", R"(by_id["x"]: expected i64, got "x")"},
      {R"({"shape": {"label": "a", "point": {"x": 1, "y": 2}}})",
       "shape.point: union Shape takes one field, this is the second"},
      {R"({"nmae": "typo"})", "nmae: unknown field (Item has no field of this name)"},
      {R"({"id": 1.5})", "id: expected i64, got 1.5"},
      {R"({"id": 18446744073709551615})", "id: 18446744073709551615 is out of range for i64"},
      {R"([1, 2])", "expected object for Item, got array"},
      {R"({"name": "unterminated)", "malformed JSON"},
      {R"({"name": "a",})", "malformed JSON"},
  };
  for (const BadCase& c : cases) {
    absl::StatusOr<Item> item = FromJson(c.json);
    ASSERT_FALSE(item.ok()) << c.json;
    EXPECT_EQ(item.status().code(), absl::StatusCode::kInvalidArgument) << item.status();
    EXPECT_THAT(item.status().message(), HasSubstr(c.error)) << c.json;
  }
}

TEST_P(JsonCodec, MapKeysWithoutAJsonFormFailClearly) {
  const StructType* odd = schema_->FindStruct("Odd");
  ASSERT_NE(odd, nullptr);
  transport::LinkBuffer buf;
  absl::Status s =
      JsonToThrift(*odd, R"({"by_point": {"{}": "x"}})", GetParam(), buf, JsonOptions());
  EXPECT_THAT(s.message(), HasSubstr("map keys of type Point have no JSON form"));

  vireo::generictest::Odd typed;
  typed.by_point[Point{1, 2}] = "p";
  transport::LinkBuffer wire;
  codec::Encode(typed, GetParam(), wire);
  wire.Flush();
  std::string json;
  s = ThriftToJson(*odd, wire, GetParam(), &json, JsonOptions());
  EXPECT_THAT(s.message(), HasSubstr("by_point[0]: map keys of type Point have no JSON form"));
}

TEST_P(JsonCodec, LimitsHaveDefaultsAndOptions) {
  JsonOptions options;
  options.max_json_bytes = 16;
  absl::StatusOr<Item> big = FromJson(R"({"name": "more than sixteen bytes"})", options);
  EXPECT_EQ(big.status().code(), absl::StatusCode::kResourceExhausted) << big.status();

  options = JsonOptions();
  options.max_depth = 2;
  absl::StatusOr<Item> deep = FromJson(R"({"paths": {"a": [{"x": 1, "y": 2}]}})", options);
  EXPECT_EQ(deep.status().code(), absl::StatusCode::kResourceExhausted) << deep.status();
  EXPECT_THAT(deep.status().message(), HasSubstr("max_depth (2)"));

  // Decoding: a truncated struct is the codec's error, not a crash.
  transport::LinkBuffer buf;
  codec::Encode(FullItem(), GetParam(), buf);
  buf.Flush();
  std::string bytes = *buf.ReadString(buf.Len());
  for (size_t cut : {size_t{1}, bytes.size() / 3, bytes.size() - 1}) {
    transport::LinkBuffer part;
    part.Write(bytes.substr(0, cut));
    part.Flush();
    std::string json;
    EXPECT_FALSE(ThriftToJson(*item_, part, GetParam(), &json, JsonOptions()).ok()) << cut;
  }
}

TEST_P(JsonCodec, PrettyOutputIsTheSameDocument) {
  JsonOptions options;
  options.pretty = true;
  const std::string pretty = ToJson(FullItem(), options);
  EXPECT_THAT(pretty, HasSubstr("{\n  \"id\": 9007199254740993,\n"));
  absl::StatusOr<Item> back = FromJson(pretty);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, FullItem());
}

INSTANTIATE_TEST_SUITE_P(Protocols, JsonCodec,
                         testing::Values(ProtocolId::kBinary, ProtocolId::kCompact),
                         [](const auto& info) {
                           return std::string(info.param == ProtocolId::kBinary ? "Binary"
                                                                                : "Compact");
                         });

TEST(Schema, FindsServicesMethodsAndStructs) {
  auto schema = LoadSchema();
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->services().size(), 2u);
  const ServiceSchema* store = schema->FindService("generic_test.Store");
  ASSERT_NE(store, nullptr);
  ASSERT_EQ(store->methods.size(), 5u);  // ping from Base, then its own four
  EXPECT_EQ(store->methods[0]->name, "ping");
  const MethodSchema* get = schema->FindMethod("Store", "get");
  ASSERT_NE(get, nullptr);
  EXPECT_FALSE(get->returns_void);
  EXPECT_EQ(get->args->fields.size(), 2u);
  EXPECT_EQ(get->result->fields.size(), 2u);  // success, nf
  EXPECT_TRUE(schema->FindMethod("Store", "touch")->oneway);
  EXPECT_EQ(schema->FindMethod("Store", "nope"), nullptr);
  EXPECT_EQ(schema->FindMethod("", "get"), nullptr);  // two services: which?
  const std::string listing = schema->Describe();
  EXPECT_THAT(listing, HasSubstr("service generic_test.Store extends Base\n"));
  EXPECT_THAT(listing,
              HasSubstr("Item Store.get(1: i64 id, 2: string region) throws (1: NotFound nf)"));
  EXPECT_THAT(listing, HasSubstr("oneway void Store.touch(1: i64 id)"));

  auto bad = Schema::LoadString("bad.thrift", "struct { 1: i32 }");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("bad.thrift:1:"));
  EXPECT_FALSE(Schema::Load({"/nonexistent/x.thrift"}).ok());
}

TEST(Schema, WideStructsAndSparseIds) {
  // 70 fields (presence past a 64-bit mask) with ids spread over more than
  // the dense table covers.
  std::string idl = "struct Wide {\n";
  for (int i = 1; i <= 70; ++i) {
    idl += std::to_string(i == 70 ? 9000 : i) + ": " + (i == 70 ? "required " : "") + "i32 f" +
           std::to_string(i) + ",\n";
  }
  idl += "}\n";
  auto schema = Schema::LoadString("wide.thrift", idl);
  ASSERT_TRUE(schema.ok()) << schema.status();
  const StructType* wide = (*schema)->FindStruct("Wide");
  ASSERT_NE(wide, nullptr);
  EXPECT_TRUE(wide->dense.empty());
  for (ProtocolId p : {ProtocolId::kBinary, ProtocolId::kCompact}) {
    transport::LinkBuffer buf;
    absl::Status s = JsonToThrift(*wide, R"({"f1": 1, "f69": 69})", p, buf, JsonOptions());
    EXPECT_THAT(s.message(), HasSubstr("f70: required field is missing"));
    transport::LinkBuffer ok;
    ASSERT_TRUE(
        JsonToThrift(*wide, R"({"f1": 1, "f69": 69, "f70": 70})", p, ok, JsonOptions()).ok());
    ok.Flush();
    std::string json;
    ASSERT_TRUE(ThriftToJson(*wide, ok, p, &json, JsonOptions()).ok());
    EXPECT_EQ(json, R"({"f1":1,"f69":69,"f70":70})");
  }
}

TEST(Results, ValuesExceptionsAndVoid) {
  auto schema = LoadSchema();
  ASSERT_NE(schema, nullptr);
  const MethodSchema* get = schema->FindMethod("Store", "get");
  const MethodSchema* clear = schema->FindMethod("Store", "clear");
  for (ProtocolId p : {ProtocolId::kBinary, ProtocolId::kCompact}) {
    transport::LinkBuffer buf;
    ASSERT_TRUE(
        EncodeResult(*get, GenericReply{R"({"id": 1, "name": "n"})", ""}, p, buf, JsonOptions())
            .ok());
    buf.Flush();
    GenericReply reply;
    ASSERT_TRUE(DecodeResult(*get, buf, p, &reply, JsonOptions()).ok());
    EXPECT_EQ(reply.exception, "");
    EXPECT_THAT(reply.json, HasSubstr(R"("id":1,"name":"n")"));
    EXPECT_THAT(reply.json, HasSubstr(R"("count":3)"));

    transport::LinkBuffer ex;
    ASSERT_TRUE(EncodeResult(*get, GenericReply{R"({"message": "gone", "id": 7})", "NotFound"}, p,
                             ex, JsonOptions())
                    .ok());
    ex.Flush();
    ASSERT_TRUE(DecodeResult(*get, ex, p, &reply, JsonOptions()).ok());
    EXPECT_EQ(reply.exception, "NotFound");
    EXPECT_EQ(reply.json, R"({"message":"gone","id":7})");

    transport::LinkBuffer v;
    ASSERT_TRUE(EncodeResult(*clear, GenericReply{}, p, v, JsonOptions()).ok());
    v.Flush();
    ASSERT_TRUE(DecodeResult(*clear, v, p, &reply, JsonOptions()).ok());
    EXPECT_EQ(reply.json, "null");

    transport::LinkBuffer bad;
    EXPECT_THAT(EncodeResult(*get, GenericReply{"{}", "Oops"}, p, bad, JsonOptions()).message(),
                HasSubstr("does not declare exception Oops"));
    EXPECT_THAT(EncodeResult(*get, GenericReply{"null", ""}, p, bad, JsonOptions()).message(),
                HasSubstr("the reply is null"));
    EXPECT_THAT(
        EncodeResult(*get, GenericReply{R"({"id": "x"})", ""}, p, bad, JsonOptions()).message(),
        HasSubstr("success.id: expected i64"));

    // A non-void reply with neither value nor exception.
    transport::LinkBuffer none;
    ASSERT_TRUE(EncodeResult(*clear, GenericReply{}, p, none, JsonOptions()).ok());
    none.Flush();
    absl::Status s = DecodeResult(*get, none, p, &reply, JsonOptions());
    EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
    EXPECT_THAT(s.message(), HasSubstr("MISSING_RESULT"));
  }
}

}  // namespace
}  // namespace vireo::generic
