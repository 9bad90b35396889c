// Biz status as values: the Status it travels in, the reply headers it
// is read from, and the JSON object its extra map is written as.
#include "vireo/core/biz_status.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace vireo {
namespace {

using internal::BizStatusFromHeaders;
using internal::BizStatusHeaders;
using internal::DecodeJsonStringMap;
using internal::EncodeJsonStringMap;
using Headers = codec::StringHeaders;
using StringMap = std::map<std::string, std::string>;

std::string Message(const absl::Status& s) { return std::string(s.message()); }

bool Contains(const absl::Status& s, const std::string& part) {
  return Message(s).find(part) != std::string::npos;
}

// ---- JSON ----

TEST(BizJson, EmptyMap) {
  EXPECT_EQ(EncodeJsonStringMap({}), "{}");
  absl::StatusOr<StringMap> m = DecodeJsonStringMap("{}");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(m->empty());
  m = DecodeJsonStringMap(" \t\r\n{ \n } \t");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(m->empty());
}

TEST(BizJson, EncodesCompactlyWithEscapes) {
  EXPECT_EQ(EncodeJsonStringMap({{"a", "1"}, {"b", ""}}), R"({"a":"1","b":""})");
  EXPECT_EQ(EncodeJsonStringMap({{"q\"\\/", "\b\f\n\r\t"}}), R"({"q\"\\/":"\b\f\n\r\t"})");
  EXPECT_EQ(EncodeJsonStringMap({{"c", std::string("\x00\x01\x1f\x7f", 4)}}),
            "{\"c\":\"\\u0000\\u0001\\u001f\x7f\"}");
  // UTF-8 passes through as bytes.
  EXPECT_EQ(EncodeJsonStringMap({{"k", "caf\xc3\xa9 \xf0\x9f\x98\x80"}}),
            "{\"k\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}");
}

TEST(BizJson, RoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  const StringMap maps[] = {
      {},
      {{"", ""}},
      {{"retry_after", "30"}, {"region", "eu-west"}},
      {{all, all}, {"x", "\"quoted\" and \\backslashed\\"}},
      {{"\xe4\xb8\xad\xe6\x96\x87", "\xf0\x9f\x98\x80"}, {"ctl", std::string(1, '\0')}},
  };
  for (const StringMap& m : maps) {
    const std::string json = EncodeJsonStringMap(m);
    absl::StatusOr<StringMap> back = DecodeJsonStringMap(json);
    ASSERT_TRUE(back.ok()) << json << ": " << back.status();
    EXPECT_EQ(*back, m) << json;
  }
}

TEST(BizJson, DecodesWhitespaceAndUnicodeEscapes) {
  absl::StatusOr<StringMap> m = DecodeJsonStringMap(
      " { \"a\" : \"\\u0041\\u00e9\\u4e2D\" ,\n\t\"b\":\"\\ud83d\\ude00\", \"c\" : \"\\/\" } ");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(*m, (StringMap{{"a", "A\xc3\xa9\xe4\xb8\xad"}, {"b", "\xf0\x9f\x98\x80"}, {"c", "/"}}));
  // U+0000 and the ends of the ranges.
  m = DecodeJsonStringMap(R"({"z":"\u0000\u007f\u0080\u07ff\u0800\uffff\udbff\udfff"})");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->at("z"), std::string("\x00\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf"
                                    "\xf4\x8f\xbf\xbf",
                                    16));
}

TEST(BizJson, EveryTruncationIsAnError) {
  const std::string json = EncodeJsonStringMap(
      {{"a", "x\"y\n\x01"}, {"\xc3\xa9", "\\"}, {"long", std::string(40, 'z')}});
  const std::string spaced = R"( { "k" : "\ud83d\ude00\u00e9" , "l" : "" })";
  for (const std::string& doc : {json, spaced}) {
    ASSERT_TRUE(DecodeJsonStringMap(doc).ok()) << doc;
    for (size_t n = 0; n < doc.size(); ++n) {
      // A prefix that only drops trailing spaces is still the document.
      if (doc.find_first_not_of(' ', n) == std::string::npos) continue;
      absl::StatusOr<StringMap> m = DecodeJsonStringMap(std::string_view(doc).substr(0, n));
      ASSERT_FALSE(m.ok()) << "prefix of " << n << " bytes parsed: " << doc.substr(0, n);
      EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_TRUE(Contains(m.status(), "offset")) << m.status();
    }
  }
}

TEST(BizJson, CorruptedBytesNeverCrash) {
  const std::string doc = EncodeJsonStringMap({{"a", "b\u00e9\n"}, {"k", "\\\""}});
  const char replacements[] = {'\0', '"', '\\', '{', '}', ':', ',', 'u', ' ', '\x80', '\xff'};
  for (size_t i = 0; i < doc.size(); ++i) {
    for (char c : replacements) {
      std::string bad = doc;
      bad[i] = c;
      absl::StatusOr<StringMap> m = DecodeJsonStringMap(bad);
      if (!m.ok()) {
        EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
      }
    }
  }
}

struct BadJson {
  std::string json;
  // A part of the error message.
  std::string says;
};

TEST(BizJson, RejectsWhatIsNotAnObjectOfStrings) {
  const BadJson cases[] = {
      {"", "expected '{'"},
      {"   ", "expected '{'"},
      {"[]", "expected '{'"},
      {"\"s\"", "expected '{'"},
      {"null", "expected '{'"},
      {"{\"a\":1}", "expected a string value"},
      {"{\"a\":true}", "expected a string value"},
      {"{\"a\":null}", "expected a string value"},
      {"{\"a\":{\"b\":\"c\"}}", "nested"},
      {"{\"a\":[\"b\"]}", "nested"},
      {"{a:\"b\"}", "expected a string key"},
      {"{1:\"b\"}", "expected a string key"},
      {"{\"a\" \"b\"}", "expected ':'"},
      {"{\"a\":\"b\" \"c\":\"d\"}", "expected ',' or '}'"},
      {"{\"a\":\"b\",}", "expected a string key"},
      {"{,}", "expected a string key"},
      {"{\"a\":\"b\"}}", "trailing"},
      {"{\"a\":\"b\"} x", "trailing"},
      {"{}{}", "trailing"},
      {"{\"a\":'b'}", "expected a string value"},
      {"{\"a\":\"b\nc\"}", "raw control byte"},
      {std::string("{\"a\":\"\x00\"}", 8), "raw control byte"},
      {"{\"a\":\"\\x41\"}", "unknown escape"},
      {"{\"a\":\"\\u12\"}", "four hex digits"},
      {"{\"a\":\"\\u12g4\"}", "four hex digits"},
      {"{\"a\":\"\\ud83d\"}", "high surrogate"},
      {"{\"a\":\"\\ud83dx\"}", "high surrogate"},
      {"{\"a\":\"\\ud83d\\u0041\"}", "high surrogate"},
      {"{\"a\":\"\\ud83d\\ud83d\"}", "high surrogate"},
      {"{\"a\":\"\\ude00\"}", "lone low surrogate"},
      {"{\"a\":\"b\",\"a\":\"c\"}", "duplicate key \"a\""},
      {"{\"a\":\"b\",\"\\u0061\":\"c\"}", "duplicate key"},
  };
  for (const BadJson& c : cases) {
    absl::StatusOr<StringMap> m = DecodeJsonStringMap(c.json);
    ASSERT_FALSE(m.ok()) << c.json;
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument) << c.json;
    EXPECT_TRUE(Contains(m.status(), c.says)) << c.json << " -> " << m.status();
    EXPECT_TRUE(Contains(m.status(), "JSON at offset ")) << m.status();
  }
}

TEST(BizJson, ErrorNamesTheOffset) {
  absl::StatusOr<StringMap> m = DecodeJsonStringMap(R"({"a":"b","c":5})");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(Message(m.status()), "JSON at offset 13: expected a string value") << m.status();
  m = DecodeJsonStringMap(R"({"a":"\q"})");
  EXPECT_EQ(Message(m.status()), "JSON at offset 6: unknown escape");
}

TEST(BizJson, MaxEntriesIsEnforced) {
  StringMap three{{"a", "1"}, {"b", "2"}, {"c", "3"}};
  const std::string json = EncodeJsonStringMap(three);
  EXPECT_TRUE(DecodeJsonStringMap(json, 3).ok());
  absl::StatusOr<StringMap> m = DecodeJsonStringMap(json, 2);
  ASSERT_FALSE(m.ok());
  EXPECT_TRUE(Contains(m.status(), "more than 2 entries")) << m.status();
  EXPECT_FALSE(DecodeJsonStringMap(json, 0).ok());
  EXPECT_TRUE(DecodeJsonStringMap("{}", 0).ok());

  // The default bound: 1024.
  StringMap many;
  for (int i = 0; i < 1025; ++i) many[std::to_string(i)] = "v";
  EXPECT_FALSE(DecodeJsonStringMap(EncodeJsonStringMap(many)).ok());
  many.erase("0");
  EXPECT_TRUE(DecodeJsonStringMap(EncodeJsonStringMap(many)).ok());
}

// ---- Status ----

TEST(BizStatus, StatusRoundTrip) {
  std::string every_byte;
  for (int c = 0; c < 256; ++c) every_byte += static_cast<char>(c);
  const BizStatus cases[] = {
      {1003, "quota used up", {{"retry_after", "30"}}},
      {-1, "", {}},
      {INT32_MIN, "a:b:c", {{"", ""}}},
      {INT32_MAX, "12:{\"x\":\"y\"}", {{"k", every_byte}}},
      {7, every_byte, {{"a", "1"}, {"b", "2"}}},
  };
  for (const BizStatus& biz : cases) {
    const absl::Status s = BizStatusToStatus(biz);
    EXPECT_EQ(s.code(), absl::StatusCode::kUnknown);
    EXPECT_EQ(Message(s), "biz status " + std::to_string(biz.code) + ": " + biz.message);
    std::optional<BizStatus> back = GetBizStatus(s);
    ASSERT_TRUE(back.has_value()) << s;
    EXPECT_EQ(*back, biz);
    // A copy keeps it.
    const absl::Status copy = s;
    EXPECT_EQ(GetBizStatus(copy), biz);
  }
}

TEST(BizStatus, OtherStatusesCarryNone) {
  EXPECT_FALSE(GetBizStatus(absl::OkStatus()).has_value());
  EXPECT_FALSE(GetBizStatus(absl::UnknownError("biz status 1: x")).has_value());
  EXPECT_FALSE(GetBizStatus(absl::InternalError("boom")).has_value());
}

TEST(BizStatus, ErrorHoldsItsStatus) {
  const BizError e(42, "nope", {{"k", "v"}});
  EXPECT_EQ(e.status(), (BizStatus{42, "nope", {{"k", "v"}}}));
  EXPECT_STREQ(e.what(), "nope");
  const BizError from(BizStatus{1, "m", {}});
  EXPECT_EQ(from.status().code, 1);
}

// ---- Headers ----

TEST(BizHeaders, WritesKitexKeys) {
  EXPECT_EQ(BizStatusHeaders({1003, "quota", {{"retry_after", "30"}}}),
            (Headers{{"biz-status", "1003"},
                     {"biz-message", "quota"},
                     {"biz-extra", R"({"retry_after":"30"})"}}));
  // No extra: no biz-extra key.
  EXPECT_EQ(BizStatusHeaders({-5, "", {}}), (Headers{{"biz-status", "-5"}, {"biz-message", ""}}));
}

TEST(BizHeaders, RoundTrip) {
  const BizStatus biz{1003, "quota used up", {{"retry_after", "30"}, {"q", "\"\n"}}};
  Headers h{{"served-by", "x"}};
  for (auto& kv : BizStatusHeaders(biz)) h.push_back(kv);
  std::optional<absl::Status> s = BizStatusFromHeaders(h, "127.0.0.1:9 echo");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(Message(*s), "127.0.0.1:9 echo: biz status 1003: quota used up");
  EXPECT_EQ(GetBizStatus(*s), biz);
  // No prefix: the message of BizStatusToStatus.
  s = BizStatusFromHeaders(h, "");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(Message(*s), "biz status 1003: quota used up");
}

TEST(BizHeaders, AbsentOrZeroIsNone) {
  EXPECT_FALSE(BizStatusFromHeaders({}, "p").has_value());
  EXPECT_FALSE(BizStatusFromHeaders({{"biz-message", "m"}, {"biz-extra", "junk"}}, "p"));
  EXPECT_FALSE(BizStatusFromHeaders({{"biz-status", "0"}, {"biz-message", "m"}}, "p"));
  // Zero is zero however written; the extra is not read then.
  EXPECT_FALSE(BizStatusFromHeaders({{"biz-status", "-0"}, {"biz-extra", "junk"}}, "p"));
  EXPECT_FALSE(BizStatusFromHeaders({{"biz-status", "000"}}, "p"));
}

TEST(BizHeaders, MessageAndExtraAreOptional) {
  std::optional<absl::Status> s = BizStatusFromHeaders({{"biz-status", "12"}}, "p");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(GetBizStatus(*s), (BizStatus{12, "", {}}));
  // An empty biz-extra is no extra.
  s = BizStatusFromHeaders({{"biz-status", "12"}, {"biz-extra", ""}}, "p");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(GetBizStatus(*s), (BizStatus{12, "", {}}));
}

TEST(BizHeaders, Int32Bounds) {
  std::optional<absl::Status> s = BizStatusFromHeaders({{"biz-status", "2147483647"}}, "p");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(GetBizStatus(*s)->code, INT32_MAX);
  s = BizStatusFromHeaders({{"biz-status", "-2147483648"}}, "p");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(GetBizStatus(*s)->code, INT32_MIN);
  for (const char* bad : {"2147483648", "-2147483649", "99999999999999999999999"}) {
    s = BizStatusFromHeaders({{"biz-status", bad}}, "p");
    ASSERT_TRUE(s.has_value()) << bad;
    EXPECT_EQ(s->code(), absl::StatusCode::kInternal) << bad;
    EXPECT_FALSE(GetBizStatus(*s).has_value());
  }
}

TEST(BizHeaders, MalformedStatusIsInternalNamingTheKey) {
  for (const char* bad : {"abc", "", " 1", "1 ", "+1", "1.5", "0x10", "-", "1e3", "١"}) {
    std::optional<absl::Status> s = BizStatusFromHeaders({{"biz-status", bad}}, "peer echo");
    ASSERT_TRUE(s.has_value()) << bad;
    EXPECT_EQ(s->code(), absl::StatusCode::kInternal) << bad;
    EXPECT_TRUE(Contains(*s, "peer echo: malformed biz-status header")) << *s;
    EXPECT_FALSE(GetBizStatus(*s).has_value());
  }
  std::optional<absl::Status> s = BizStatusFromHeaders({{"biz-status", "abc"}}, "p");
  EXPECT_EQ(Message(*s), "p: malformed biz-status header \"abc\": not a decimal int32");
  // A long or binary value is quoted escaped and cut short.
  s = BizStatusFromHeaders({{"biz-status", std::string(1000, '\x01')}}, "");
  EXPECT_LT(Message(*s).size(), 400u) << *s;
  EXPECT_TRUE(Contains(*s, "\\x01...")) << *s;
}

TEST(BizHeaders, MalformedExtraIsInternalNamingTheKey) {
  for (const char* bad : {"abc", "{\"a\":1}", "{\"a\":{}}", "[\"a\"]", "{\"a\":\"b\"", "{"}) {
    std::optional<absl::Status> s =
        BizStatusFromHeaders({{"biz-status", "5"}, {"biz-extra", bad}}, "peer echo");
    ASSERT_TRUE(s.has_value()) << bad;
    EXPECT_EQ(s->code(), absl::StatusCode::kInternal) << bad;
    EXPECT_TRUE(Contains(*s, "peer echo: malformed biz-extra header")) << *s;
    EXPECT_TRUE(Contains(*s, "JSON at offset")) << *s;
    EXPECT_FALSE(GetBizStatus(*s).has_value());
  }
}

TEST(BizHeaders, FirstOfARepeatedKeyWins) {
  std::optional<absl::Status> s = BizStatusFromHeaders(
      {{"biz-status", "1"}, {"biz-message", "first"}, {"biz-status", "2"}, {"biz-message", "x"}},
      "p");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(GetBizStatus(*s), (BizStatus{1, "first", {}}));
}

}  // namespace
}  // namespace vireo
