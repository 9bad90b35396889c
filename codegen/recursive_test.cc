// The code vireo-gen writes for testdata/recursive.thrift: references
// (std::unique_ptr, std::shared_ptr), by-value cycles held in boxes,
// real-world defaults and names, and the calling forms of a generated
// client, over a real server on loopback.

#include <concepts>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "recursive_rpc.h"
#include "recursive_types.h"
#include "vireo/codec/box.h"
#include "vireo/codec/serialize.h"
#include "vireo/core/client.h"
#include "vireo/core/server.h"
#include "vireo/core/task.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::rectest {
namespace {

using codec::Box;
using codec::ProtocolId;
using payload::Payload;

// ---- what each field is held by ----

static_assert(std::is_same_v<decltype(RecList::nextitem), std::unique_ptr<RecList>>);
static_assert(std::is_same_v<decltype(RecTree::shared), std::shared_ptr<Payload>>);
static_assert(std::is_same_v<decltype(RecTree::frozen), std::shared_ptr<const Payload>>);
static_assert(std::is_same_v<decltype(RecTree::maybe), std::unique_ptr<Payload>>);
static_assert(std::is_same_v<decltype(CoRec::other), std::unique_ptr<CoRec2>>);
static_assert(std::is_same_v<decltype(CoRec2::other), CoRec>);
static_assert(std::is_same_v<decltype(delegate::delegate_), Box<delegate>>);
static_assert(std::is_same_v<decltype(CoError::other), CoError2>);
static_assert(std::is_same_v<decltype(CoError2::other), Box<CoError>>);
static_assert(std::is_same_v<decltype(Storage::owner), Box<Table>>);
static_assert(std::is_same_v<decltype(Partition::storage), std::optional<Storage>>);
// Structs with a std::unique_ptr copy what it points at.
static_assert(std::is_copy_constructible_v<RecList> && std::is_copy_assignable_v<RecList>);
static_assert(std::is_nothrow_move_constructible_v<RecList>);

template <class T>
T RoundTrip(const T& value, ProtocolId protocol) {
  transport::LinkBuffer buf;
  codec::Encode(value, protocol, buf);
  buf.Flush();
  T out;
  absl::Status s = codec::Decode(buf, protocol, &out);
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(buf.Len(), 0u);
  return out;
}

RecList MakeList(int n) {
  RecList head;
  RecList* at = &head;
  for (int i = 0; i < n; ++i) {
    at->item = static_cast<int16_t>(i);
    if (i + 1 < n) {
      at->nextitem = std::make_unique<RecList>();
      at = at->nextitem.get();
    }
  }
  return head;
}

class Recursive : public ::testing::TestWithParam<ProtocolId> {
 protected:
  ProtocolId p() const { return GetParam(); }
};
INSTANTIATE_TEST_SUITE_P(Protocols, Recursive,
                         ::testing::Values(ProtocolId::kBinary, ProtocolId::kCompact),
                         [](const auto& info) {
                           return info.param == ProtocolId::kBinary ? "Binary" : "Compact";
                         });

TEST_P(Recursive, LinkedListRoundTripsAndANullPointerIsAbsent) {
  const RecList list = MakeList(5);
  const RecList back = RoundTrip(list, p());
  EXPECT_EQ(back, list);
  int n = 0;
  for (const RecList* at = &back; at != nullptr; at = at->nextitem.get()) {
    EXPECT_EQ(at->item, n++);
  }
  EXPECT_EQ(n, 5);
  // The last node's null pointer was not written: one field fewer.
  RecList one;
  one.item = 9;
  EXPECT_EQ(codec::EncodedSize(one, p()), codec::EncodedSize(RoundTrip(one, p()), p()));
  EXPECT_EQ(RoundTrip(one, p()).nextitem, nullptr);
}

TEST_P(Recursive, DecodingIntoAReusedListDropsWhatTheInputLacks) {
  RecList target = MakeList(4);
  const RecList shorter = MakeList(2);
  transport::LinkBuffer buf;
  codec::Encode(shorter, p(), buf);
  buf.Flush();
  ASSERT_TRUE(codec::Decode(buf, p(), &target).ok());
  EXPECT_EQ(target, shorter);
  EXPECT_EQ(target.nextitem->nextitem, nullptr);
}

TEST(Recursive, CopiesAreDeepAndCompareByValue) {
  const RecList list = MakeList(3);
  RecList copy = list;
  EXPECT_EQ(copy, list);
  EXPECT_NE(copy.nextitem.get(), list.nextitem.get());
  copy.nextitem->nextitem->item = 42;
  EXPECT_NE(copy, list);
  copy = list;
  EXPECT_EQ(copy, list);
  RecList empty;
  EXPECT_NE(empty, list);
}

TEST_P(Recursive, SharedReferencesRoundTripAndDecodingNeverWritesThroughASharedValue) {
  RecTree tree;
  tree.item = 1;
  tree.shared = std::make_shared<Payload>();
  tree.shared->label = "shared";
  tree.frozen = std::make_shared<const Payload>(Payload{"frozen", {1, 2}});
  tree.children.resize(2);
  tree.children[1].item = 7;
  tree.children[1].maybe = std::make_unique<Payload>();
  tree.children[1].maybe->values = {3};
  const RecTree back = RoundTrip(tree, p());
  EXPECT_EQ(back, tree);
  ASSERT_NE(back.frozen, nullptr);
  EXPECT_EQ(back.frozen->values, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(back.children[0].maybe, nullptr);

  // A value shared with someone else is replaced, not overwritten.
  RecTree target = tree;
  std::shared_ptr<Payload> held = target.shared;
  std::shared_ptr<const Payload> frozen = target.frozen;
  RecTree other = tree;
  other.shared = std::make_shared<Payload>(Payload{"new", {}});
  other.frozen = std::make_shared<const Payload>(Payload{"new frozen", {}});
  transport::LinkBuffer buf;
  codec::Encode(other, p(), buf);
  buf.Flush();
  ASSERT_TRUE(codec::Decode(buf, p(), &target).ok());
  EXPECT_EQ(target, other);
  EXPECT_EQ(held->label, "shared");
  EXPECT_EQ(frozen->label, "frozen");
}

TEST_P(Recursive, BoxedCyclesRoundTripCopyDeeplyAndCompareByValue) {
  delegate d;
  d.partial = "a";
  d.delegate_.emplace().partial = "b";
  d.delegate_->delegate_.emplace().partial = "c";
  const delegate back = RoundTrip(d, p());
  EXPECT_EQ(back, d);
  ASSERT_TRUE(back.delegate_.has_value());
  ASSERT_TRUE(back.delegate_->delegate_.has_value());
  EXPECT_EQ(back.delegate_->delegate_->partial, "c");
  EXPECT_FALSE(back.delegate_->delegate_->delegate_.has_value());
  delegate copy = d;
  copy.delegate_->partial = "changed";
  EXPECT_EQ(d.delegate_->partial, "b");
  EXPECT_NE(copy, d);
  EXPECT_TRUE(d < copy || copy < d);  // boxes order by value

  // Through an optional field and a typedef.
  Table t;
  t.name = "t";
  t.partition.storage.emplace().size = 3;
  t.partition.storage->owner.emplace().name = "inner";
  EXPECT_EQ(RoundTrip(t, p()), t);

  CoRec co;
  co.other = std::make_unique<CoRec2>();
  co.other->other.other = std::make_unique<CoRec2>();
  EXPECT_EQ(RoundTrip(co, p()), co);
}

TEST_P(Recursive, UnionsReachTheirBoxedMembersLikeTheOthers) {
  Expr e;
  e.mutable_negate().mutable_negate().set_literal(5);
  const Expr back = RoundTrip(e, p());
  ASSERT_TRUE(back.has_negate());
  ASSERT_TRUE(back.negate().has_negate());
  EXPECT_EQ(back.negate().negate().literal(), 5);
  EXPECT_EQ(back, e);
  Expr items;
  items.set_items(MakeList(2));
  EXPECT_EQ(RoundTrip(items, p()).items().nextitem->item, 1);
  Expr copy = e;
  copy.mutable_negate().set_literal(1);
  EXPECT_NE(copy, e);
  EXPECT_EQ(e.negate().negate().literal(), 5);
}

TEST(Recursive, DebugStringsFollowPointersAndBoxes) {
  delegate d;
  d.partial = "a";
  d.delegate_.emplace().partial = "b";
  EXPECT_EQ(d.DebugString(),
            "delegate(partial=\"a\", delegate=delegate(partial=\"b\", delegate=<null>))");
  RecList l = MakeList(2);
  EXPECT_EQ(l.DebugString(), "RecList(nextitem=RecList(nextitem=<null>, item=1), item=0)");
}

TEST(Recursive, RealWorldDefaults) {
  Defaults d;
  EXPECT_FALSE(d.bin_set.has_value());  // optional: starts empty
  EXPECT_TRUE(d.empty_list.empty());
  EXPECT_TRUE(d.empty_map.empty());
  EXPECT_EQ(d.me2_2, MyEnum2::ME2_2);  // MyEnum1.ME2_2, read as MyEnum2's
  EXPECT_EQ(d.self, 3);
  EXPECT_EQ(d.delete_, "gone");
}

TEST(Recursive, ExceptionsInACycleCopyAndCompare) {
  CoError e;
  e.message = "outer";
  e.other.other.emplace().message = "inner";
  CoError copy = e;
  EXPECT_EQ(copy, e);
  copy.other.other->message = "x";
  EXPECT_NE(copy, e);
  EXPECT_EQ(RoundTrip(e, ProtocolId::kBinary), e);
}

// ---- the generated service, over a real server ----

using LongClient = AVeryLongServiceNameForTabletLocationsAndMetadataOfTheWholeInstanceAcrossEveryRegionClient;
using LongHandler =
    AVeryLongServiceNameForTabletLocationsAndMetadataOfTheWholeInstanceAcrossEveryRegionHandler;

class Handler : public LongHandler {
 public:
  // Returns the list with every item + `self`; self < 0 throws.
  RecList getRootTabletLocationForTheWholeInstanceIncludingEveryReplicaAndEveryRegionInOneCall(
      CallContext& /*ctx*/, const RecList& head, int32_t self) override {
    if (self < 0) {
      CoError e;
      e.message = "negative";
      e.other.other.emplace().message = "nested";
      throw e;
    }
    RecList out = head;
    for (RecList* at = &out; at != nullptr; at = at->nextitem.get()) {
      at->item = static_cast<int16_t>(at->item + self);
    }
    return out;
  }
  delegate echoTheDelegateBackUnchangedSoThatRecursiveBoxedValuesTravelInBothDirectionsOfACall(
      CallContext& /*ctx*/, const delegate& value) override {
    return value;
  }
};

// Whether `c.getRoot...(args...)` compiles for the given arguments.
template <class... A>
concept Callable = requires(LongClient& c, A&&... a) {
  c.getRootTabletLocationForTheWholeInstanceIncludingEveryReplicaAndEveryRegionInOneCall(
      std::forward<A>(a)...);
};
using Reply = absl::StatusOr<RecList>;

// `m(req, {})` once picked the decode-into form with a null pointer; each
// form a user is likely to spell now means what it reads as, or does not
// compile.
static_assert(std::is_same_v<decltype(std::declval<LongClient&>()
                                          .getRootTabletLocationForTheWholeInstanceIncludingEveryReplicaAndEveryRegionInOneCall(
                                              std::declval<const RecList&>(), 1, {})),
                             Reply>);
static_assert(std::is_same_v<decltype(std::declval<LongClient&>()
                                          .getRootTabletLocationForTheWholeInstanceIncludingEveryReplicaAndEveryRegionInOneCall(
                                              std::declval<const RecList&>(), 1)),
                             Reply>);
static_assert(Callable<const RecList&, int, const CallOptions&>);
static_assert(Callable<const RecList&, int, RecList*>);
static_assert(Callable<const RecList&, int, RecList*, const CallOptions&>);
static_assert(Callable<const RecList&, int, void (*)(Reply)>);
static_assert(!Callable<const RecList&, int, std::nullptr_t>);
static_assert(!Callable<const RecList&, int, int*>);
static_assert(!Callable<const RecList&, int, void (*)(int*)>);

class RecursiveRpc : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.address = "127.0.0.1:0";
    server_ = std::make_unique<Server>(options);
    server_->AddService(&handler_);
    ASSERT_TRUE(server_->Start().ok());
    ClientOptions copts;
    copts.service =
        "AVeryLongServiceNameForTabletLocationsAndMetadataOfTheWholeInstanceAcrossEveryRegion";
    copts.targets = {"127.0.0.1:" + std::to_string(server_->port())};
    client_ = std::make_shared<Client>(copts);
  }
  void TearDown() override {
    client_.reset();
    server_->Stop();
  }

  Handler handler_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<Client> client_;
};

TEST_F(RecursiveRpc, EveryCallingFormDoesWhatItSpells) {
  LongClient c(client_);
  const RecList head = MakeList(3);
  RecList want = MakeList(3);
  for (RecList* at = &want; at != nullptr; at = at->nextitem.get()) at->item += 10;

  Reply blocking =
      c.getRootTabletLocationForTheWholeInstanceIncludingEveryReplicaAndEveryRegionInOneCall(head,
                                                                                            10);
  ASSERT_TRUE(blocking.ok()) << blocking.status();
  EXPECT_EQ(*blocking, want);

  Reply braced =
      c.getRootTabletLocationForTheWholeInstanceIncludingEveryReplicaAndEveryRegionInOneCall(
          head, 10, {});
  ASSERT_TRUE(braced.ok()) << braced.status();
  EXPECT_EQ(*braced, want);

  CallOptions opts;
  opts.timeout = absl::Seconds(10);
  Reply with_options =
      c.getRootTabletLocationForTheWholeInstanceIncludingEveryReplicaAndEveryRegionInOneCall(
          head, 10, opts);
  EXPECT_TRUE(with_options.ok()) << with_options.status();

  RecList into = MakeList(7);
  absl::Status s =
      c.getRootTabletLocationForTheWholeInstanceIncludingEveryReplicaAndEveryRegionInOneCall(
          head, 10, &into);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(into, want);

  std::optional<Reply> called;
  absl::Notification done;
  c.getRootTabletLocationForTheWholeInstanceIncludingEveryReplicaAndEveryRegionInOneCall(
      head, 10, [&](Reply r) {
        called.emplace(std::move(r));
        done.Notify();
      });
  done.WaitForNotification();
  ASSERT_TRUE(called->ok()) << called->status();
  EXPECT_EQ(**called, want);

  Reply coroutine = BlockOn(
      c.co_getRootTabletLocationForTheWholeInstanceIncludingEveryReplicaAndEveryRegionInOneCall(
          head, 10, {}));
  ASSERT_TRUE(coroutine.ok()) << coroutine.status();
  EXPECT_EQ(*coroutine, want);
}

TEST_F(RecursiveRpc, ALazyCoroutineCallOwnsItsArguments) {
  LongClient c(client_);
  // Made, and its arguments' temporaries destroyed, before it first runs:
  // under ASan a task that kept references to them would read freed memory.
  auto task =
      c.co_getRootTabletLocationForTheWholeInstanceIncludingEveryReplicaAndEveryRegionInOneCall(
          MakeList(60), 1);
  auto echo =
      c.co_echoTheDelegateBackUnchangedSoThatRecursiveBoxedValuesTravelInBothDirectionsOfACall(
          [] {
            delegate d;
            d.partial = std::string(1000, 'x');
            d.delegate_.emplace().partial = "inner";
            return d;
          }());
  Reply r = BlockOn(std::move(task));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->item, 1);
  absl::StatusOr<delegate> d = BlockOn(std::move(echo));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->partial, std::string(1000, 'x'));
  ASSERT_TRUE(d->delegate_.has_value());
  EXPECT_EQ(d->delegate_->partial, "inner");
}

TEST_F(RecursiveRpc, ARecursiveExceptionTravelsWhole) {
  LongClient c(client_);
  Reply r = c.getRootTabletLocationForTheWholeInstanceIncludingEveryReplicaAndEveryRegionInOneCall(
      MakeList(1), -1);
  ASSERT_FALSE(r.ok());
  std::optional<CoError> e = IdlException<CoError>(r.status());
  ASSERT_TRUE(e.has_value()) << r.status();
  EXPECT_EQ(e->message, "negative");
  ASSERT_TRUE(e->other.other.has_value());
  EXPECT_EQ(e->other.other->message, "nested");
}

}  // namespace
}  // namespace vireo::rectest
