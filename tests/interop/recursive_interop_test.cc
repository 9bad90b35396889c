// Recursive types through references (recursive_interop.thrift) between
// Vireo's generated code and Apache Thrift's (libthrift 0.17), Binary and
// Compact: Apache reads what Vireo writes and Vireo reads what Apache
// writes, to the same list, tree and chain.
//
// The bytes differ on purpose: Apache writes a null reference as an empty
// struct, Vireo leaves the field out; each reads the other's form as null.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "recursive_interop_types.h"
#include "tests/interop/recursive_fixtures.h"
#include "vireo/codec/serialize.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::interop {

void PrintTo(WireProtocol p, std::ostream* os) {
  *os << (p == WireProtocol::kBinary ? "Binary" : "Compact");
}

namespace {

using ::recinterop::CoRec;
using ::recinterop::CoRec2;
using ::recinterop::RecList;
using ::recinterop::RecTree;

class RecursiveInterop : public ::testing::TestWithParam<WireProtocol> {
 protected:
  codec::ProtocolId id() const {
    return GetParam() == WireProtocol::kBinary ? codec::ProtocolId::kBinary
                                               : codec::ProtocolId::kCompact;
  }
  template <class T>
  std::string Encode(const T& value) const {
    transport::LinkBuffer buf;
    codec::Encode(value, id(), buf);
    buf.Flush();
    return buf.ReadableCopy();
  }
  template <class T>
  absl::Status Decode(const std::string& bytes, T* out) const {
    transport::LinkBuffer buf;
    buf.Write(bytes);
    buf.Flush();
    absl::Status s = codec::Decode(buf, id(), out);
    if (s.ok() && buf.Len() != 0) return absl::InternalError("bytes left over");
    return s;
  }
};
INSTANTIATE_TEST_SUITE_P(Protocols, RecursiveInterop,
                         ::testing::Values(WireProtocol::kBinary, WireProtocol::kCompact));

RecList List(const std::vector<int16_t>& items) {
  RecList head;
  RecList* at = &head;
  for (size_t i = 0; i < items.size(); ++i) {
    at->item = items[i];
    if (i + 1 < items.size()) {
      at->nextitem = std::make_unique<RecList>();
      at = at->nextitem.get();
    }
  }
  return head;
}

void FillTree(int depth, int fanout, int* next, RecTree* t) {
  t->item = static_cast<int16_t>((*next)++);
  if (depth <= 1) return;
  t->children.resize(static_cast<size_t>(fanout));
  for (auto& c : t->children) FillTree(depth - 1, fanout, next, &c);
}

CoRec Chain(int links) {
  CoRec head;
  CoRec* at = &head;
  for (int i = 0; i < links; ++i) {
    at->other = std::make_unique<CoRec2>();
    at = &at->other->other;
  }
  return head;
}

TEST_P(RecursiveInterop, LinkedLists) {
  for (const std::vector<int16_t>& items :
       {std::vector<int16_t>{7}, std::vector<int16_t>{0, 1, 2}, std::vector<int16_t>(50, 3)}) {
    const RecList list = List(items);
    std::string want;
    for (int16_t i : items) want += (want.empty() ? "" : " ") + std::to_string(i);
    absl::StatusOr<std::string> apache_sees = ApacheListItems(Encode(list), GetParam());
    ASSERT_TRUE(apache_sees.ok()) << apache_sees.status();
    EXPECT_EQ(*apache_sees, want);

    RecList from_apache;
    ASSERT_TRUE(Decode(ApacheEncodeList(items, GetParam()), &from_apache).ok());
    EXPECT_EQ(from_apache, list);  // Apache's empty tail struct reads as null
    // Decoding into an object that held a longer list drops the rest.
    RecList reused = List(std::vector<int16_t>(60, 1));
    ASSERT_TRUE(Decode(ApacheEncodeList(items, GetParam()), &reused).ok());
    EXPECT_EQ(reused, list);
  }
}

TEST_P(RecursiveInterop, Trees) {
  RecTree tree;
  int next = 0;
  FillTree(4, 3, &next, &tree);
  const std::string apache = ApacheEncodeTree(4, 3, GetParam());
  EXPECT_EQ(Encode(tree), apache);  // no references: the same bytes
  absl::StatusOr<std::string> apache_sees = ApacheTreeShape(Encode(tree), GetParam());
  ASSERT_TRUE(apache_sees.ok()) << apache_sees.status();
  EXPECT_EQ(apache_sees->substr(0, 12), "0(1(2(3 4 5)");
  RecTree from_apache;
  ASSERT_TRUE(Decode(apache, &from_apache).ok());
  EXPECT_EQ(from_apache, tree);
}

TEST_P(RecursiveInterop, MutuallyRecursiveStructs) {
  for (int links : {0, 1, 5}) {
    const CoRec chain = Chain(links);
    absl::StatusOr<int> apache_sees = ApacheCoRecLinks(Encode(chain), GetParam());
    ASSERT_TRUE(apache_sees.ok()) << apache_sees.status();
    EXPECT_EQ(*apache_sees, links);
    CoRec from_apache;
    ASSERT_TRUE(Decode(ApacheEncodeCoRec(links, GetParam()), &from_apache).ok());
    EXPECT_EQ(from_apache, chain) << links << " links";
  }
}

}  // namespace
}  // namespace vireo::interop
