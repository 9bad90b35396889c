// The Apache Thrift side of the Complex round trips: Apache's generated
// types for bench/idl/complex.thrift (`thrift --gen cpp`), used only here.
// Their namespace is renamed at compile time (codegen.cmake), so that their
// symbols cannot collide with those of Vireo's generated types in the same
// binary; the wire format does not know namespaces.
#include <thrift/TApplicationException.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <exception>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "complex_types.h"
#include "tests/interop/complex_fixtures.h"

namespace vireo::interop {
namespace {

namespace athrift = ::apache::thrift;
using athrift::protocol::TProtocol;
using athrift::transport::TMemoryBuffer;

// Apache marks a set optional field with its __isset flag; default fields
// are written whatever their flags say.
struct ApacheApi {
  using Complex = ::bench::Complex;
  using Item = ::bench::Item;
  using Point = ::bench::Point;

  static void SetBinary(std::string& field, std::string bytes) { field = std::move(bytes); }
  static void SetStatus(Complex& c, int32_t v) { c.status = static_cast<::bench::Status::type>(v); }
  static void SetNote(Complex& c, std::string v) { c.__set_note(std::move(v)); }
  static void SetLabels(Item& it, std::map<std::string, std::string> labels) {
    it.__set_labels(std::move(labels));
  }
  static void SetIntValue(Complex& c, int64_t v) {
    c.value.__set_int_value(v);
    c.__isset.value = true;
  }
  static void SetStrValue(Complex& c, std::string v) {
    c.value.__set_str_value(std::move(v));
    c.__isset.value = true;
  }
  static void SetListValue(Complex& c, std::vector<std::string> v) {
    c.value.__set_list_value(std::move(v));
    c.__isset.value = true;
  }
  static std::string SameOptionals(const Complex& a, const Complex& b) {
    if (a.__isset.note != b.__isset.note || (a.__isset.note && a.note != b.note)) return "note";
    if (a.__isset.value != b.__isset.value || (a.__isset.value && a.value != b.value)) {
      return "value";
    }
    return "";
  }
};

std::unique_ptr<TProtocol> MakeProtocol(WireProtocol protocol,
                                        std::shared_ptr<TMemoryBuffer> transport) {
  if (protocol == WireProtocol::kBinary) {
    return std::make_unique<athrift::protocol::TBinaryProtocol>(std::move(transport));
  }
  return std::make_unique<athrift::protocol::TCompactProtocol>(std::move(transport));
}

::bench::Complex Fixture(int which) {
  ::bench::Complex c;
  FillComplex<ApacheApi>(which, c);
  return c;
}

}  // namespace

std::string ApacheEncodeComplex(int which, WireProtocol protocol) {
  auto transport = std::make_shared<TMemoryBuffer>();
  std::unique_ptr<TProtocol> proto = MakeProtocol(protocol, transport);
  Fixture(which).write(proto.get());
  return transport->getBufferAsString();
}

absl::Status ApacheDecodeAndCompare(int which, WireProtocol protocol, std::string_view bytes) {
  std::string copy(bytes);  // TMemoryBuffer observes mutable memory
  auto transport =
      std::make_shared<TMemoryBuffer>(reinterpret_cast<uint8_t*>(copy.data()),
                                      static_cast<uint32_t>(copy.size()), TMemoryBuffer::OBSERVE);
  std::unique_ptr<TProtocol> proto = MakeProtocol(protocol, transport);
  ::bench::Complex decoded;
  try {
    decoded.read(proto.get());
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(std::string("Apache's Complex::read threw: ") + e.what());
  }
  if (transport->available_read() != 0) {
    return absl::InvalidArgumentError("Apache's Complex::read left " +
                                      std::to_string(transport->available_read()) +
                                      " bytes unread");
  }
  const ::bench::Complex expected = Fixture(which);
  if (!(decoded == expected)) {
    std::string field = FirstDifference<ApacheApi>(decoded, expected);
    return absl::InvalidArgumentError("Apache decoded a Complex that differs from fixture " +
                                      std::string(ComplexFixtureName(which)) + " in field " +
                                      (field.empty() ? std::string("(unknown)") : field));
  }
  return absl::OkStatus();
}

}  // namespace vireo::interop
