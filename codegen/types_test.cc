// The C++ types vireo-gen writes for testdata/types_test.thrift (and the
// types_shared.thrift it includes), checked by using them.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "gtest/gtest.h"
#include "types_test_types.h"
#include "vireo/codec/bytes.h"
#include "vireo/codec/generated.h"

namespace vireo::gentest {
namespace {

using codec::TType;
using shared::Coord;

// ---- type mapping ----

static_assert(std::is_same_v<Millis, int64_t>);
static_assert(std::is_same_v<Counts, std::map<std::string, int32_t>>);
static_assert(std::is_same_v<IntDeque, std::deque<int32_t>>);  // cpp.template
static_assert(std::is_same_v<Wide, long>);                     // cpp.type on a typedef
static_assert(std::is_same_v<shared::Path, std::vector<Coord>>);
static_assert(std::is_same_v<decltype(Defaults::count), int32_t>);
static_assert(std::is_same_v<decltype(Defaults::maybe), std::optional<int32_t>>);
static_assert(std::is_same_v<decltype(Defaults::must), std::string>);  // required: plain
static_assert(std::is_same_v<decltype(Defaults::raw), codec::Bytes>);
static_assert(std::is_same_v<decltype(Defaults::tiny), int8_t>);
static_assert(std::is_same_v<decltype(Defaults::ms), Millis>);
static_assert(std::is_same_v<decltype(Defaults::color), shared::Color>);
static_assert(std::is_same_v<decltype(Holder::by_id), std::unordered_map<int32_t, std::string>>);
static_assert(std::is_same_v<decltype(Holder::deque), IntDeque>);
static_assert(std::is_same_v<decltype(Holder::wide), long long>);  // cpp.type on a base type
static_assert(std::is_same_v<decltype(Holder::levels), std::set<Level>>);
static_assert(std::is_same_v<decltype(Holder::id), codec::Uuid>);
static_assert(std::is_same_v<decltype(Holder::blobs), std::vector<codec::Bytes>>);
static_assert(
    std::is_same_v<decltype(Holder::nested), std::map<std::string, std::vector<int32_t>>>);
static_assert(std::is_same_v<decltype(Holder::coords), std::vector<Coord>>);  // included file
static_assert(std::is_same_v<decltype(Holder::maybe_choice), std::optional<Choice>>);
static_assert(std::is_same_v<decltype(Holder::oops), Oops>);
static_assert(std::is_same_v<decltype(Node::children), std::vector<Node>>);
static_assert(std::is_same_v<decltype(Shadow::template_), int32_t>);  // keyword renamed
static_assert(std::is_base_of_v<std::exception, Oops>);
static_assert(std::is_same_v<std::underlying_type_t<Level>, int32_t>);
static_assert(std::is_same_v<std::underlying_type_t<Choice::Which>, int16_t>);

// ---- enums ----

static_assert(EnumName(Level::HIGH) == "HIGH");  // constexpr
static_assert(static_cast<int32_t>(Level::MID) == 2);

TEST(GeneratedEnum, NamesAndValues) {
  EXPECT_EQ(static_cast<int32_t>(Level::LOW), 1);
  EXPECT_EQ(static_cast<int32_t>(Level::HIGH), 10);
  EXPECT_EQ(EnumName(Level::LOW), "LOW");
  EXPECT_EQ(EnumName(Level::MID), "MID");
  EXPECT_EQ(EnumName(static_cast<Level>(99)), "");
  EXPECT_EQ(EnumName(shared::Color::BLUE), "BLUE");
  ASSERT_EQ(kLevelValues.size(), 3u);
  EXPECT_EQ(kLevelValues[0], Level::LOW);
  EXPECT_EQ(kLevelValues[1], Level::MID);
  EXPECT_EQ(kLevelValues[2], Level::HIGH);
}

TEST(GeneratedEnum, FromName) {
  Level level = Level::LOW;
  EXPECT_TRUE(EnumFromName("HIGH", &level));
  EXPECT_EQ(level, Level::HIGH);
  EXPECT_FALSE(EnumFromName("high", &level));
  EXPECT_FALSE(EnumFromName("", &level));
  EXPECT_EQ(level, Level::HIGH) << "a failed lookup must leave the value alone";
  shared::Color color = shared::Color::RED;
  EXPECT_TRUE(EnumFromName("GREEN", &color));
  EXPECT_EQ(color, shared::Color::GREEN);
}

TEST(GeneratedEnum, PrintsNameOrNumber) {
  std::ostringstream os;
  os << Level::MID << " " << static_cast<Level>(-5);
  EXPECT_EQ(os.str(), "MID -5");
}

// ---- constants ----

static_assert(ANSWER == 42);
static_assert(HALF == 0.5);
static_assert(YES);
static_assert(DEFAULT_LEVEL == Level::MID);
static_assert(TIMEOUT == 42);

TEST(GeneratedConst, Values) {
  EXPECT_EQ(GREETING, "hi \"you\"");
  EXPECT_EQ(PRIMES, (std::vector<int32_t>{2, 3, 5, 7}));
  EXPECT_EQ(TAGS, (std::set<std::string>{"x", "y"}));
  EXPECT_EQ(WEIGHTS, (std::map<std::string, int32_t>{{"a", 1}, {"b", 2}}));
  EXPECT_EQ(ORIGIN.x, 1);
  EXPECT_EQ(ORIGIN.y, -2);
  ASSERT_EQ(CORNERS.size(), 2u);
  EXPECT_EQ(CORNERS[1], (Coord{5, 5}));
}

// ---- structs and defaults ----

TEST(GeneratedStruct, Defaults) {
  Defaults d;
  EXPECT_EQ(d.count, 7);
  EXPECT_EQ(d.name, "none");
  EXPECT_EQ(d.level, Level::HIGH);
  EXPECT_EQ(d.numbers, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(d.weights, (std::map<std::string, int32_t>{{"k", 9}}));
  EXPECT_TRUE(d.flag);
  EXPECT_EQ(d.ratio, 0.25);
  EXPECT_EQ(d.big, 5000000000);
  EXPECT_FALSE(d.maybe.has_value());
  EXPECT_EQ(d.must, "");
  EXPECT_EQ(d.where, (Coord{3, 4}));
  EXPECT_EQ(d.raw, "ab");
  EXPECT_EQ(d.tiny, 0);
  EXPECT_EQ(d.color, shared::Color::BLUE);
  EXPECT_EQ(d.ms, 100);
  EXPECT_EQ(d.greeting, "hi \"you\"");
  EXPECT_EQ(static_cast<int32_t>(d.no_default), 0);
  EXPECT_EQ(d.no_ratio, 0.0);
  EXPECT_FALSE(d.note.has_value());
  EXPECT_EQ(d.negative, -3);

  Inner inner;
  EXPECT_EQ(inner.v, 1);
  Outer outer;
  EXPECT_EQ(outer.inner.v, 1);
  EXPECT_FALSE(outer.maybe_inner.has_value());
  Holder h;
  EXPECT_EQ(h.wide, 0);
  EXPECT_EQ(h.narrow, 0);
  EXPECT_EQ(h.id, codec::Uuid{});
  EXPECT_EQ(h.choice.which(), Choice::Which::kNone);
}

TEST(GeneratedStruct, EqualityComparesEveryField) {
  Defaults a;
  Defaults b;
  EXPECT_EQ(a, b);
  b.maybe = 0;
  EXPECT_NE(a, b) << "a set optional differs from an unset one, even at 0";
  a.maybe = 0;
  EXPECT_EQ(a, b);
  b.raw = "ac";
  EXPECT_NE(a, b);
  b.raw = "ab";
  b.where.y = 5;
  EXPECT_NE(a, b);

  Holder h1;
  Holder h2;
  h2.nested["x"].push_back(1);
  EXPECT_NE(h1, h2);
  h1.nested["x"] = {1};
  EXPECT_EQ(h1, h2);
  h2.choice.set_number(1);
  EXPECT_NE(h1, h2);
}

TEST(GeneratedStruct, DesignatedInitializers) {
  Coord c{.x = 3, .y = 4};
  EXPECT_EQ(c.x, 3);
  Inner i{.v = 9};
  EXPECT_EQ(i.v, 9);
}

TEST(GeneratedStruct, RecursiveThroughList) {
  Node root;
  root.name = "root";
  root.children.push_back(Node{"leaf", {}});
  root.children[0].children.push_back(Node{"deeper", {}});
  Node copy = root;
  EXPECT_EQ(copy, root);
  copy.children[0].children[0].name = "other";
  EXPECT_NE(copy, root);
  EXPECT_EQ(root.DebugString(),
            "Node(name=\"root\", children=[Node(name=\"leaf\", children=[Node(name=\"deeper\", "
            "children=[])])])");
}

TEST(GeneratedStruct, OrderedFieldByFieldForSetsAndMapKeys) {
  std::set<Coord> coords = {Coord{1, 2}, Coord{0, 5}, Coord{1, 1}};
  ASSERT_EQ(coords.size(), 3u);
  EXPECT_EQ(*coords.begin(), (Coord{0, 5}));
  EXPECT_EQ(*coords.rbegin(), (Coord{1, 2}));
  EXPECT_LT((Node{"a", {}}), (Node{"b", {}}));
  EXPECT_LT((Node{"a", {}}), (Node{"a", {Node{}}}));
  Choice number;
  number.set_number(100);
  Choice text;
  text.set_text("");
  EXPECT_LT(number, text) << "unions order by field position first";
}

TEST(GeneratedStruct, MemberNamedLikeAType) {
  Shadow s;
  s.Level = Level::HIGH;
  s.template_ = 3;
  EXPECT_EQ(s.other, Level::LOW);
  EXPECT_EQ(s.DebugString(), "Shadow(Level=HIGH, other=LOW, template=3)");
}

// ---- unions ----

TEST(GeneratedUnion, StartsEmpty) {
  Choice c;
  EXPECT_EQ(c.which(), Choice::Which::kNone);
  EXPECT_FALSE(c.has_number());
  EXPECT_FALSE(c.has_text());
  EXPECT_EQ(c.DebugString(), "Choice()");
}

TEST(GeneratedUnion, SetAndSwitch) {
  Choice c;
  c.set_number(5);
  EXPECT_TRUE(c.has_number());
  EXPECT_EQ(c.which(), Choice::Which::number);
  EXPECT_EQ(static_cast<int16_t>(c.which()), 1);
  EXPECT_EQ(c.number(), 5);

  c.set_text("hello");
  EXPECT_FALSE(c.has_number());
  EXPECT_EQ(c.which(), Choice::Which::text);
  EXPECT_EQ(static_cast<int16_t>(Choice::Which::text), 2);
  EXPECT_EQ(c.text(), "hello");

  std::string s = "moved";
  c.set_text(std::move(s));
  EXPECT_EQ(c.text(), "moved");

  c.set_point(Coord{1, 2});
  EXPECT_EQ(c.which(), Choice::Which::point);
  EXPECT_EQ(c.point().y, 2);

  c.clear();
  EXPECT_EQ(c.which(), Choice::Which::kNone);
}

TEST(GeneratedUnion, MutableKeepsTheCurrentValueAndCapacity) {
  Choice c;
  c.set_text(std::string(100, 'x'));
  const char* storage = c.text().data();
  std::string& t = c.mutable_text();
  EXPECT_EQ(t, std::string(100, 'x')) << "mutable_ of the set field keeps its value";
  EXPECT_EQ(t.data(), storage);
  t.clear();
  t.append(50, 'y');
  EXPECT_EQ(c.text().data(), storage) << "capacity reused";

  // Switching field value-initialises the new one.
  std::vector<std::string>& words = c.mutable_words();
  EXPECT_TRUE(words.empty());
  EXPECT_EQ(c.which(), Choice::Which::words);
  words.push_back("a");
  EXPECT_EQ(c.words().size(), 1u);
  EXPECT_EQ(c.mutable_number(), 0);
  EXPECT_EQ(c.which(), Choice::Which::number);
}

TEST(GeneratedUnion, Equality) {
  Choice a;
  Choice b;
  EXPECT_EQ(a, b);
  a.set_number(0);
  EXPECT_NE(a, b) << "a set field differs from nothing set";
  b.set_number(0);
  EXPECT_EQ(a, b);
  b.set_text("0");
  EXPECT_NE(a, b);
}

TEST(GeneratedUnion, Prints) {
  Choice c;
  c.set_text("a\"b");
  EXPECT_EQ(c.DebugString(), "Choice(text=\"a\\\"b\")");
  c.set_words({"x", "y"});
  EXPECT_EQ(c.DebugString(), "Choice(words=[\"x\", \"y\"])");
  c.set_point(Coord{7, 8});
  std::ostringstream os;
  os << c;
  EXPECT_EQ(os.str(), "Choice(point=Coord(x=7, y=8))");
}

// ---- exceptions ----

TEST(GeneratedException, ThrowAndCatch) {
  try {
    throw Oops{"disk full", 507};
  } catch (const Oops& e) {
    EXPECT_EQ(e.reason, "disk full");
    EXPECT_EQ(e.code, 507);
  }
  try {
    Oops oops;
    oops.reason = "bad";
    throw oops;
  } catch (const std::exception& e) {
    EXPECT_STREQ(e.what(), "Oops(reason=\"bad\", code=500)");
  }
}

TEST(GeneratedException, ConstructorTakesEveryFieldInOrder) {
  DetailedFailure f("why", 7, std::string("more"), {"a", "b"}, Level::LOW);
  EXPECT_EQ(f.failure_reason, "why");
  EXPECT_EQ(f.failure_code, 7);
  EXPECT_EQ(f.failure_detail, "more");
  EXPECT_EQ(f.failure_context, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(f.failure_level, Level::LOW);
  DetailedFailure g;
  EXPECT_EQ(g.failure_level, Level::HIGH);
  EXPECT_FALSE(g.failure_detail.has_value());
  EXPECT_NE(f, g);
  g = f;
  EXPECT_EQ(f, g);
  EXPECT_EQ(Bare(), Bare());
  EXPECT_STREQ(Bare().what(), "Bare()");
}

TEST(GeneratedException, IsAValue) {
  Oops a;
  EXPECT_EQ(a.code, 500);
  Oops b = a;
  EXPECT_EQ(a, b);
  b.reason = "x";
  EXPECT_NE(a, b);
  static_cast<void>(b.what());  // the cached text takes no part in equality
  Oops c = b;
  EXPECT_EQ(b, c);

  Holder h;
  h.oops.reason = "inside";
  Holder copy = h;
  EXPECT_EQ(copy.oops.reason, "inside");
  EXPECT_EQ(copy, h);
}

// ---- printer ----

TEST(GeneratedPrinter, EveryKindOfValue) {
  Defaults d;
  d.must = "m\n";
  d.maybe = 3;
  EXPECT_EQ(d.DebugString(),
            "Defaults(count=7, name=\"none\", level=HIGH, numbers=[1, 2, 3], weights={\"k\": 9}, "
            "flag=true, ratio=0.25, big=5000000000, maybe=3, must=\"m\\n\", "
            "where=Coord(x=3, y=4), raw=0x6162, tiny=0, color=BLUE, ms=100, "
            "greeting=\"hi \\\"you\\\"\", no_default=0, no_ratio=0, note=<null>, negative=-3)");
  std::ostringstream os;
  os << d;
  EXPECT_EQ(os.str(), d.DebugString());
}

TEST(GeneratedPrinter, ContainersUuidAndBinary) {
  Holder h;
  h.levels = {Level::LOW, Level::HIGH};
  h.id[0] = 0xab;
  h.id[15] = 0x01;
  h.blob = std::string(100, '\x01');
  h.coords = {Coord{1, 2}};
  h.deque = {4, 5};
  h.maybe_choice.emplace().set_number(1);
  std::string s = h.DebugString();
  EXPECT_NE(s.find("levels={LOW, HIGH}"), std::string::npos) << s;
  EXPECT_NE(s.find("id=ab000000-0000-0000-0000-000000000001"), std::string::npos) << s;
  std::string hex;
  for (int i = 0; i < 64; ++i) hex += "01";
  EXPECT_NE(s.find("blob=0x" + hex + "...(100 bytes)"), std::string::npos)
      << "binary prints as hex, cut after 64 bytes: " << s;
  EXPECT_NE(s.find("coords=[Coord(x=1, y=2)]"), std::string::npos) << s;
  EXPECT_NE(s.find("deque=[4, 5]"), std::string::npos) << s;
  EXPECT_NE(s.find("maybe_choice=Choice(number=1)"), std::string::npos) << s;
  EXPECT_NE(s.find("choice=Choice()"), std::string::npos) << s;
  EXPECT_EQ(Empty().DebugString(), "Empty()");
}

// ---- run-time field info ----

TEST(GeneratedFields, DescribeTheIdl) {
  static_assert(Defaults::kFields.size() == 20);
  static_assert(Empty::kFields.size() == 0);
  const auto& f = Defaults::kFields;
  EXPECT_EQ(f[0].id, 1);
  EXPECT_EQ(f[0].name, "count");
  EXPECT_EQ(f[0].type, TType::kI32);
  EXPECT_FALSE(f[0].optional);
  EXPECT_FALSE(f[0].required);
  EXPECT_EQ(f[3].type, TType::kList);
  EXPECT_EQ(f[4].type, TType::kMap);
  EXPECT_EQ(f[2].type, TType::kI32) << "enums travel as i32";
  EXPECT_EQ(f[10].type, TType::kStruct);
  EXPECT_EQ(f[11].type, TType::kString) << "binary travels as string";
  EXPECT_EQ(f[12].type, TType::kByte);
  EXPECT_EQ(f[14].type, TType::kI64) << "typedefs are followed";
  EXPECT_EQ(f[8].name, "maybe");
  EXPECT_TRUE(f[8].optional);
  EXPECT_FALSE(f[8].required);
  EXPECT_EQ(f[9].name, "must");
  EXPECT_TRUE(f[9].required);
  EXPECT_FALSE(f[9].optional);

  EXPECT_EQ(Holder::kFields[2].type, TType::kList);
  EXPECT_EQ(Holder::kFields[7].type, TType::kSet);
  EXPECT_EQ(Holder::kFields[11].type, TType::kUuid);
  EXPECT_EQ(Shadow::kFields[2].name, "template") << "the IDL name, not the C++ one";

  ASSERT_EQ(Choice::kFields.size(), 4u);
  for (const auto& info : Choice::kFields) {
    EXPECT_TRUE(info.optional) << info.name;
    EXPECT_FALSE(info.required) << info.name;
  }
  EXPECT_EQ(Choice::kFields[3].id, 4);
  EXPECT_EQ(Choice::kFields[3].type, TType::kStruct);
}

}  // namespace
}  // namespace vireo::gentest
