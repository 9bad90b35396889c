// The Apache Thrift side of recursive_interop_test: Apache's generated
// types for recursive_interop.thrift, reached through bytes and plain
// values only (Apache's types live in recursive_fixtures_apache.cc).
//
// Shapes are written as text: a list as its items "0 1 2", a tree as
// "item(child child ...)" with leaves as "item", a CoRec chain as its
// number of CoRec links.
#ifndef VIREO_TESTS_INTEROP_RECURSIVE_FIXTURES_H_
#define VIREO_TESTS_INTEROP_RECURSIVE_FIXTURES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/interop/complex_fixtures.h"

namespace vireo::interop {

// Apache's encoding of a RecList holding `items` in order.
std::string ApacheEncodeList(const std::vector<int16_t>& items, WireProtocol protocol);
// The items of the RecList Apache decodes from `bytes`, "0 1 2".
absl::StatusOr<std::string> ApacheListItems(std::string_view bytes, WireProtocol protocol);

// Apache's encoding of a tree `depth` levels deep where each node has
// `fanout` children and item = its preorder index.
std::string ApacheEncodeTree(int depth, int fanout, WireProtocol protocol);
// The shape of the RecTree Apache decodes from `bytes`.
absl::StatusOr<std::string> ApacheTreeShape(std::string_view bytes, WireProtocol protocol);

// Apache's encoding of a CoRec whose chain has `links` CoRec -> CoRec2 links.
std::string ApacheEncodeCoRec(int links, WireProtocol protocol);
// The number of links of the CoRec Apache decodes from `bytes`.
absl::StatusOr<int> ApacheCoRecLinks(std::string_view bytes, WireProtocol protocol);

}  // namespace vireo::interop

#endif  // VIREO_TESTS_INTEROP_RECURSIVE_FIXTURES_H_
