// Apache Thrift's side of recursive_interop_test (see recursive_fixtures.h).
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "recursive_interop_types.h"
#include "tests/interop/recursive_fixtures.h"

namespace vireo::interop {
namespace {

namespace athrift = ::apache::thrift;
using athrift::protocol::TProtocol;
using athrift::transport::TMemoryBuffer;

std::unique_ptr<TProtocol> MakeProtocol(WireProtocol protocol,
                                        std::shared_ptr<TMemoryBuffer> transport) {
  if (protocol == WireProtocol::kBinary) {
    return std::make_unique<athrift::protocol::TBinaryProtocol>(std::move(transport));
  }
  return std::make_unique<athrift::protocol::TCompactProtocol>(std::move(transport));
}

template <class T>
std::string Encode(const T& value, WireProtocol protocol) {
  auto transport = std::make_shared<TMemoryBuffer>();
  std::unique_ptr<TProtocol> proto = MakeProtocol(protocol, transport);
  value.write(proto.get());
  return transport->getBufferAsString();
}

template <class T>
absl::Status Decode(std::string_view bytes, WireProtocol protocol, T* out) {
  std::string copy(bytes);  // TMemoryBuffer observes mutable memory
  auto transport =
      std::make_shared<TMemoryBuffer>(reinterpret_cast<uint8_t*>(copy.data()),
                                      static_cast<uint32_t>(copy.size()), TMemoryBuffer::OBSERVE);
  std::unique_ptr<TProtocol> proto = MakeProtocol(protocol, transport);
  try {
    out->read(proto.get());
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(std::string("Apache's read threw: ") + e.what());
  }
  if (transport->available_read() != 0) {
    return absl::InvalidArgumentError("Apache's read left " +
                                      std::to_string(transport->available_read()) +
                                      " bytes unread");
  }
  return absl::OkStatus();
}

void FillTree(int depth, int fanout, int* next, ::recinterop::RecTree* t) {
  t->item = static_cast<int16_t>((*next)++);
  if (depth <= 1) return;
  t->children.resize(static_cast<size_t>(fanout));
  for (auto& c : t->children) FillTree(depth - 1, fanout, next, &c);
}

std::string Shape(const ::recinterop::RecTree& t) {
  std::string out = std::to_string(t.item);
  if (t.children.empty()) return out;
  out += "(";
  for (size_t i = 0; i < t.children.size(); ++i) {
    if (i > 0) out += " ";
    out += Shape(t.children[i]);
  }
  return out + ")";
}

}  // namespace

std::string ApacheEncodeList(const std::vector<int16_t>& items, WireProtocol protocol) {
  ::recinterop::RecList head;
  ::recinterop::RecList* at = &head;
  for (size_t i = 0; i < items.size(); ++i) {
    at->item = items[i];
    if (i + 1 < items.size()) {
      at->nextitem = std::make_shared<::recinterop::RecList>();
      at = at->nextitem.get();
    }
  }
  return Encode(head, protocol);
}

absl::StatusOr<std::string> ApacheListItems(std::string_view bytes, WireProtocol protocol) {
  ::recinterop::RecList list;
  if (absl::Status s = Decode(bytes, protocol, &list); !s.ok()) return s;
  std::string out;
  for (const ::recinterop::RecList* at = &list; at != nullptr; at = at->nextitem.get()) {
    if (!out.empty()) out += " ";
    out += std::to_string(at->item);
  }
  return out;
}

std::string ApacheEncodeTree(int depth, int fanout, WireProtocol protocol) {
  ::recinterop::RecTree t;
  int next = 0;
  FillTree(depth, fanout, &next, &t);
  return Encode(t, protocol);
}

absl::StatusOr<std::string> ApacheTreeShape(std::string_view bytes, WireProtocol protocol) {
  ::recinterop::RecTree t;
  if (absl::Status s = Decode(bytes, protocol, &t); !s.ok()) return s;
  return Shape(t);
}

std::string ApacheEncodeCoRec(int links, WireProtocol protocol) {
  ::recinterop::CoRec head;
  ::recinterop::CoRec* at = &head;
  for (int i = 0; i < links; ++i) {
    at->other = std::make_shared<::recinterop::CoRec2>();
    at = &at->other->other;
  }
  return Encode(head, protocol);
}

absl::StatusOr<int> ApacheCoRecLinks(std::string_view bytes, WireProtocol protocol) {
  ::recinterop::CoRec c;
  if (absl::Status s = Decode(bytes, protocol, &c); !s.ok()) return s;
  int links = 0;
  for (const ::recinterop::CoRec* at = &c; at->other != nullptr; at = &at->other->other) ++links;
  return links;
}

}  // namespace vireo::interop
