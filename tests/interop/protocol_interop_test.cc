// Vireo's Binary and Compact protocols against Apache Thrift's C++ library
// (libthrift 0.17: TBinaryProtocol and TCompactProtocol over TMemoryBuffer).
//
// For every case both sides write the same value through the same sequence
// of calls; the bytes must be equal, Vireo must read Apache's bytes and
// Apache must read Vireo's, and each must skip the other's.
//
// (libthrift 0.17 has no uuid type; uuid is covered by the unit tests.)
#include <thrift/TApplicationException.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "vireo/codec/application_exception.h"
#include "vireo/codec/binary_protocol.h"
#include "vireo/codec/compact_protocol.h"

namespace vireo::codec {
namespace {

namespace athrift = ::apache::thrift;
using athrift::protocol::TProtocol;
using athrift::transport::TMemoryBuffer;

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(kDigits[static_cast<uint8_t>(c) >> 4]);
    out.push_back(kDigits[static_cast<uint8_t>(c) & 15]);
  }
  return out;
}

athrift::protocol::TType ToApache(TType t) { return static_cast<athrift::protocol::TType>(t); }

// ---- Apache's protocols behind Vireo's method names ----

class ApacheWriter {
 public:
  explicit ApacheWriter(TProtocol* p) : p_(p) {}

  void WriteMessageBegin(std::string_view name, MessageType type, int32_t seq_id) {
    p_->writeMessageBegin(std::string(name), static_cast<athrift::protocol::TMessageType>(type),
                          seq_id);
  }
  void WriteMessageEnd() { p_->writeMessageEnd(); }
  void WriteStructBegin() { p_->writeStructBegin("S"); }
  void WriteStructEnd() { p_->writeStructEnd(); }
  void WriteFieldBegin(TType type, int16_t id) { p_->writeFieldBegin("f", ToApache(type), id); }
  void WriteFieldEnd() { p_->writeFieldEnd(); }
  void WriteFieldStop() { p_->writeFieldStop(); }
  void WriteListBegin(TType elem, uint32_t size) { p_->writeListBegin(ToApache(elem), size); }
  void WriteListEnd() { p_->writeListEnd(); }
  void WriteSetBegin(TType elem, uint32_t size) { p_->writeSetBegin(ToApache(elem), size); }
  void WriteSetEnd() { p_->writeSetEnd(); }
  void WriteMapBegin(TType key, TType value, uint32_t size) {
    p_->writeMapBegin(ToApache(key), ToApache(value), size);
  }
  void WriteMapEnd() { p_->writeMapEnd(); }
  void WriteBool(bool v) { p_->writeBool(v); }
  void WriteByte(int8_t v) { p_->writeByte(v); }
  void WriteI16(int16_t v) { p_->writeI16(v); }
  void WriteI32(int32_t v) { p_->writeI32(v); }
  void WriteI64(int64_t v) { p_->writeI64(v); }
  void WriteDouble(double v) { p_->writeDouble(v); }
  void WriteString(std::string_view v) { p_->writeString(std::string(v)); }
  void WriteBinary(std::string_view v) { p_->writeBinary(std::string(v)); }
  void WriteUuid(const std::array<uint8_t, 16>&) { ADD_FAILURE() << "libthrift 0.17 has no uuid"; }
  void Finish() {}

 private:
  TProtocol* p_;
};

class ApacheReader {
 public:
  explicit ApacheReader(TProtocol* p) : p_(p) {}

  absl::Status ReadMessageBegin(MessageBegin* m) {
    return Call([&] {
      athrift::protocol::TMessageType t;
      p_->readMessageBegin(m->name, t, m->seq_id);
      m->type = static_cast<MessageType>(t);
    });
  }
  absl::Status ReadMessageEnd() {
    return Call([&] { p_->readMessageEnd(); });
  }
  absl::Status ReadStructBegin() {
    return Call([&] {
      std::string name;
      p_->readStructBegin(name);
    });
  }
  absl::Status ReadStructEnd() {
    return Call([&] { p_->readStructEnd(); });
  }
  absl::Status ReadFieldBegin(TType* type, int16_t* id) {
    return Call([&] {
      std::string name;
      athrift::protocol::TType t;
      p_->readFieldBegin(name, t, *id);
      *type = static_cast<TType>(t);
    });
  }
  absl::Status ReadFieldEnd() {
    return Call([&] { p_->readFieldEnd(); });
  }
  absl::Status ReadListBegin(TType* elem, uint32_t* size) {
    return Call([&] {
      athrift::protocol::TType t;
      p_->readListBegin(t, *size);
      *elem = static_cast<TType>(t);
    });
  }
  absl::Status ReadListEnd() {
    return Call([&] { p_->readListEnd(); });
  }
  absl::Status ReadSetBegin(TType* elem, uint32_t* size) {
    return Call([&] {
      athrift::protocol::TType t;
      p_->readSetBegin(t, *size);
      *elem = static_cast<TType>(t);
    });
  }
  absl::Status ReadSetEnd() {
    return Call([&] { p_->readSetEnd(); });
  }
  absl::Status ReadMapBegin(TType* key, TType* value, uint32_t* size) {
    return Call([&] {
      athrift::protocol::TType k;
      athrift::protocol::TType v;
      p_->readMapBegin(k, v, *size);
      *key = static_cast<TType>(k);
      *value = static_cast<TType>(v);
    });
  }
  absl::Status ReadMapEnd() {
    return Call([&] { p_->readMapEnd(); });
  }
  absl::Status ReadBool(bool* v) {
    return Call([&] { p_->readBool(*v); });
  }
  absl::Status ReadByte(int8_t* v) {
    return Call([&] { p_->readByte(*v); });
  }
  absl::Status ReadI16(int16_t* v) {
    return Call([&] { p_->readI16(*v); });
  }
  absl::Status ReadI32(int32_t* v) {
    return Call([&] { p_->readI32(*v); });
  }
  absl::Status ReadI64(int64_t* v) {
    return Call([&] { p_->readI64(*v); });
  }
  absl::Status ReadDouble(double* v) {
    return Call([&] { p_->readDouble(*v); });
  }
  absl::Status ReadString(std::string* v) {
    return Call([&] { p_->readString(*v); });
  }
  absl::Status ReadBinary(std::string* v) {
    return Call([&] { p_->readBinary(*v); });
  }
  absl::Status ReadUuid(std::array<uint8_t, 16>*) {
    return absl::UnimplementedError("libthrift 0.17 has no uuid");
  }
  absl::Status Skip(TType type) {
    return Call([&] { p_->skip(ToApache(type)); });
  }

 private:
  template <class F>
  absl::Status Call(F&& f) {
    try {
      f();
      return absl::OkStatus();
    } catch (const athrift::TException& e) {
      return absl::InternalError(e.what());
    }
  }

  TProtocol* p_;
};

// ---- Values of every type ----

struct Value {
  TType type = TType::kStop;
  int64_t i = 0;
  double d = 0;
  std::string s;
  TType elem = TType::kStop;  // list/set elements; map values
  TType key = TType::kStop;   // map keys
  std::vector<Value> items;   // list/set elements; map: key, value, key, ...
  std::vector<std::pair<int16_t, Value>> fields;
};

Value Scalar(TType t, int64_t i) {
  Value v;
  v.type = t;
  v.i = i;
  return v;
}
Value Bool(bool b) { return Scalar(TType::kBool, b); }
Value Byte(int8_t i) { return Scalar(TType::kByte, i); }
Value I16(int16_t i) { return Scalar(TType::kI16, i); }
Value I32(int32_t i) { return Scalar(TType::kI32, i); }
Value I64(int64_t i) { return Scalar(TType::kI64, i); }
Value Double(double d) {
  Value v;
  v.type = TType::kDouble;
  v.d = d;
  return v;
}
Value Str(std::string s) {
  Value v;
  v.type = TType::kString;
  v.s = std::move(s);
  return v;
}
Value Seq(TType type, TType elem, std::vector<Value> items) {
  Value v;
  v.type = type;
  v.elem = elem;
  v.items = std::move(items);
  return v;
}
Value List(TType elem, std::vector<Value> items) {
  return Seq(TType::kList, elem, std::move(items));
}
Value Set(TType elem, std::vector<Value> items) { return Seq(TType::kSet, elem, std::move(items)); }
Value Map(TType key, TType value, std::vector<Value> kvs) {
  Value v = Seq(TType::kMap, value, std::move(kvs));
  v.key = key;
  return v;
}
Value Struct(std::vector<std::pair<int16_t, Value>> fields) {
  Value v;
  v.type = TType::kStruct;
  v.fields = std::move(fields);
  return v;
}

uint64_t Bits(double d) {
  uint64_t u;
  std::memcpy(&u, &d, sizeof(u));
  return u;
}

template <class W>
void WriteValue(W& w, const Value& v) {
  switch (v.type) {
    case TType::kBool:
      w.WriteBool(v.i != 0);
      break;
    case TType::kByte:
      w.WriteByte(static_cast<int8_t>(v.i));
      break;
    case TType::kI16:
      w.WriteI16(static_cast<int16_t>(v.i));
      break;
    case TType::kI32:
      w.WriteI32(static_cast<int32_t>(v.i));
      break;
    case TType::kI64:
      w.WriteI64(v.i);
      break;
    case TType::kDouble:
      w.WriteDouble(v.d);
      break;
    case TType::kString:
      w.WriteBinary(v.s);
      break;
    case TType::kStruct:
      w.WriteStructBegin();
      for (const auto& [id, f] : v.fields) {
        w.WriteFieldBegin(f.type, id);
        WriteValue(w, f);
        w.WriteFieldEnd();
      }
      w.WriteFieldStop();
      w.WriteStructEnd();
      break;
    case TType::kList:
      w.WriteListBegin(v.elem, static_cast<uint32_t>(v.items.size()));
      for (const Value& e : v.items) WriteValue(w, e);
      w.WriteListEnd();
      break;
    case TType::kSet:
      w.WriteSetBegin(v.elem, static_cast<uint32_t>(v.items.size()));
      for (const Value& e : v.items) WriteValue(w, e);
      w.WriteSetEnd();
      break;
    case TType::kMap:
      w.WriteMapBegin(v.key, v.elem, static_cast<uint32_t>(v.items.size() / 2));
      for (const Value& e : v.items) WriteValue(w, e);
      w.WriteMapEnd();
      break;
    default:
      FAIL() << "cannot write type " << static_cast<int>(v.type);
  }
}

template <class R>
void ExpectValue(R& r, const Value& v) {
  switch (v.type) {
    case TType::kBool: {
      bool b = !v.i;
      ASSERT_EQ(r.ReadBool(&b), absl::OkStatus());
      EXPECT_EQ(b, v.i != 0);
      break;
    }
    case TType::kByte: {
      int8_t x = 0;
      ASSERT_EQ(r.ReadByte(&x), absl::OkStatus());
      EXPECT_EQ(x, v.i);
      break;
    }
    case TType::kI16: {
      int16_t x = 0;
      ASSERT_EQ(r.ReadI16(&x), absl::OkStatus());
      EXPECT_EQ(x, v.i);
      break;
    }
    case TType::kI32: {
      int32_t x = 0;
      ASSERT_EQ(r.ReadI32(&x), absl::OkStatus());
      EXPECT_EQ(x, v.i);
      break;
    }
    case TType::kI64: {
      int64_t x = 0;
      ASSERT_EQ(r.ReadI64(&x), absl::OkStatus());
      EXPECT_EQ(x, v.i);
      break;
    }
    case TType::kDouble: {
      double x = 0;
      ASSERT_EQ(r.ReadDouble(&x), absl::OkStatus());
      EXPECT_EQ(Bits(x), Bits(v.d));
      break;
    }
    case TType::kString: {
      std::string x = "junk";
      ASSERT_EQ(r.ReadString(&x), absl::OkStatus());
      EXPECT_EQ(x, v.s);
      break;
    }
    case TType::kStruct: {
      ASSERT_EQ(r.ReadStructBegin(), absl::OkStatus());
      for (const auto& [id, f] : v.fields) {
        TType t;
        int16_t got_id;
        ASSERT_EQ(r.ReadFieldBegin(&t, &got_id), absl::OkStatus());
        ASSERT_EQ(t, f.type) << "field " << id;
        ASSERT_EQ(got_id, id);
        ExpectValue(r, f);
        ASSERT_EQ(r.ReadFieldEnd(), absl::OkStatus());
      }
      TType t;
      int16_t id;
      ASSERT_EQ(r.ReadFieldBegin(&t, &id), absl::OkStatus());
      ASSERT_EQ(t, TType::kStop);
      ASSERT_EQ(r.ReadStructEnd(), absl::OkStatus());
      break;
    }
    case TType::kList:
    case TType::kSet: {
      TType e;
      uint32_t n;
      ASSERT_EQ(v.type == TType::kList ? r.ReadListBegin(&e, &n) : r.ReadSetBegin(&e, &n),
                absl::OkStatus());
      ASSERT_EQ(e, v.elem);
      ASSERT_EQ(n, v.items.size());
      for (const Value& item : v.items) ExpectValue(r, item);
      ASSERT_EQ(v.type == TType::kList ? r.ReadListEnd() : r.ReadSetEnd(), absl::OkStatus());
      break;
    }
    case TType::kMap: {
      TType k;
      TType val;
      uint32_t n;
      ASSERT_EQ(r.ReadMapBegin(&k, &val, &n), absl::OkStatus());
      ASSERT_EQ(n, v.items.size() / 2);
      if (n > 0) {
        ASSERT_EQ(k, v.key);
        ASSERT_EQ(val, v.elem);
      }
      for (const Value& item : v.items) ExpectValue(r, item);
      ASSERT_EQ(r.ReadMapEnd(), absl::OkStatus());
      break;
    }
    default:
      FAIL() << "cannot read type " << static_cast<int>(v.type);
  }
}

// ---- The two sides of each protocol ----

struct Binary {
  using Reader = BinaryReader;
  using Writer = BinaryWriter;
  static std::shared_ptr<TProtocol> Apache(std::shared_ptr<TMemoryBuffer> t) {
    return std::make_shared<athrift::protocol::TBinaryProtocol>(std::move(t));
  }
};

struct Compact {
  using Reader = CompactReader;
  using Writer = CompactWriter;
  static std::shared_ptr<TProtocol> Apache(std::shared_ptr<TMemoryBuffer> t) {
    return std::make_shared<athrift::protocol::TCompactProtocol>(std::move(t));
  }
};

template <class P, class F>
std::string VireoWrites(F&& write) {
  transport::LinkBuffer buf;
  {
    typename P::Writer w(buf);
    write(w);
    w.Finish();
  }
  buf.Flush();
  return *buf.ReadString(buf.Len());
}

template <class P, class F>
std::string ApacheWrites(F&& write) {
  auto transport = std::make_shared<TMemoryBuffer>();
  std::shared_ptr<TProtocol> proto = P::Apache(transport);
  ApacheWriter w(proto.get());
  write(w);
  return transport->getBufferAsString();
}

std::shared_ptr<TMemoryBuffer> ApacheInput(const std::string& bytes) {
  return std::make_shared<TMemoryBuffer>(
      reinterpret_cast<uint8_t*>(const_cast<char*>(bytes.data())),
      static_cast<uint32_t>(bytes.size()), TMemoryBuffer::COPY);
}

transport::LinkBuffer VireoInput(const std::string& bytes, bool one_byte_blocks) {
  transport::LinkBuffer out;
  if (!one_byte_blocks) {
    out.Write(bytes);
  } else {
    for (char c : bytes) {
      transport::LinkBuffer piece;
      piece.Write(std::string_view(&c, 1));
      out.Append(std::move(piece));
    }
  }
  out.Flush();
  return out;
}

// The whole check for one value: same bytes, each reads and skips the
// other's.
template <class P>
void ExpectInterop(const Value& v) {
  const std::string ours = VireoWrites<P>([&](auto& w) { WriteValue(w, v); });
  const std::string theirs = ApacheWrites<P>([&](auto& w) { WriteValue(w, v); });
  ASSERT_EQ(Hex(ours), Hex(theirs)) << "Vireo's bytes first, Apache's second";

  for (bool one_byte_blocks : {false, true}) {
    transport::LinkBuffer buf = VireoInput(theirs, one_byte_blocks);
    typename P::Reader r(buf, Limits());
    ExpectValue(r, v);
    EXPECT_EQ(r.input().remaining(), 0u);
  }
  {
    transport::LinkBuffer buf = VireoInput(theirs, false);
    typename P::Reader r(buf, Limits());
    ASSERT_EQ(r.Skip(v.type), absl::OkStatus());
    EXPECT_EQ(r.input().remaining(), 0u);
  }
  {
    auto in = ApacheInput(ours);
    std::shared_ptr<TProtocol> proto = P::Apache(in);
    ApacheReader r(proto.get());
    ExpectValue(r, v);
    EXPECT_EQ(in->available_read(), 0u);
  }
  {
    auto in = ApacheInput(ours);
    std::shared_ptr<TProtocol> proto = P::Apache(in);
    ApacheReader r(proto.get());
    ASSERT_EQ(r.Skip(v.type), absl::OkStatus());
    EXPECT_EQ(in->available_read(), 0u);
  }
}

template <class P>
class ProtocolInterop : public ::testing::Test {};

class ProtocolNames {
 public:
  template <class T>
  static std::string GetName(int) {
    return std::is_same_v<T, Binary> ? "Binary" : "Compact";
  }
};

using Protocols = ::testing::Types<Binary, Compact>;
TYPED_TEST_SUITE(ProtocolInterop, Protocols, ProtocolNames);

constexpr int32_t kI32Min = std::numeric_limits<int32_t>::min();
constexpr int32_t kI32Max = std::numeric_limits<int32_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();

std::string AllBytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

std::vector<Value> EdgePrimitives() {
  return {
      Bool(true),
      Bool(false),
      Byte(0),
      Byte(-1),
      Byte(127),
      Byte(-128),
      I16(0),
      I16(-1),
      I16(1),
      I16(63),
      I16(-64),
      I16(64),
      I16(32767),
      I16(-32768),
      I32(0),
      I32(-1),
      I32(1),
      I32(63),
      I32(64),
      I32(-65),
      I32(8191),
      I32(8192),
      I32(1 << 20),
      I32(-(1 << 27)),
      I32(kI32Max),
      I32(kI32Min),
      I64(0),
      I64(-1),
      I64(1),
      I64(int64_t{1} << 35),
      I64(-(int64_t{1} << 49)),
      I64(int64_t{1} << 56),
      I64(-(int64_t{1} << 62)),
      I64(kI64Max),
      I64(kI64Min),
      Double(0.0),
      Double(-0.0),
      Double(1.0),
      Double(-2.5),
      Double(std::numeric_limits<double>::quiet_NaN()),
      Double(std::numeric_limits<double>::infinity()),
      Double(-std::numeric_limits<double>::infinity()),
      Double(std::numeric_limits<double>::denorm_min()),
      Double(std::numeric_limits<double>::max()),
      Double(std::numeric_limits<double>::lowest()),
      Str(""),
      Str("x"),
      Str(std::string(127, 'a')),
      Str(std::string(128, 'b')),
      Str(std::string(16384, 'c')),
      Str(std::string(100000, 'd')),
      Str(AllBytes()),
      Str("\xe4\xbd\xa0\xe5\xa5\xbd, UTF-8"),
  };
}

TYPED_TEST(ProtocolInterop, EveryPrimitiveAtItsEdges) {
  for (const Value& v : EdgePrimitives()) {
    SCOPED_TRACE(testing::Message() << TTypeName(v.type) << " " << v.i << " " << v.d
                                    << " (string of " << v.s.size() << ")");
    ExpectInterop<TypeParam>(v);
    ExpectInterop<TypeParam>(Struct({{1, v}}));
    ExpectInterop<TypeParam>(List(v.type, {v, v, v}));
    if (this->HasFatalFailure()) return;
  }
}

TYPED_TEST(ProtocolInterop, EveryContainerShape) {
  std::vector<Value> fifteen;
  for (int i = 0; i < 15; ++i) fifteen.push_back(I32(i - 7));
  std::vector<Value> fourteen(fifteen.begin(), fifteen.end() - 1);
  std::vector<Value> thousand;
  for (int i = 0; i < 1000; ++i) thousand.push_back(I64(int64_t{i} * 1000003 - 500000000));
  std::vector<Value> big_map;
  for (int i = 0; i < 300; ++i) {
    big_map.push_back(Str("key" + std::to_string(i)));
    big_map.push_back(Double(i * 0.5));
  }
  const std::vector<std::pair<std::string, Value>> cases = {
      {"empty list", List(TType::kI32, {})},
      {"empty set", Set(TType::kString, {})},
      {"empty map", Map(TType::kString, TType::kI64, {})},
      {"empty list of structs", List(TType::kStruct, {})},
      {"empty list of lists", List(TType::kList, {})},
      {"list<i32> of 14 (short header)", List(TType::kI32, fourteen)},
      {"list<i32> of 15 (long header)", List(TType::kI32, fifteen)},
      {"list<i64> of 1000", List(TType::kI64, thousand)},
      {"list<bool>", List(TType::kBool, {Bool(true), Bool(false), Bool(false), Bool(true)})},
      {"list<byte>", List(TType::kByte, {Byte(1), Byte(-1), Byte(0)})},
      {"list<i16>", List(TType::kI16, {I16(-32768), I16(32767)})},
      {"list<double>", List(TType::kDouble, {Double(0.1), Double(-1e-300)})},
      {"list<string>", List(TType::kString, {Str(""), Str("a"), Str(std::string(300, 'z'))})},
      {"set<i64>", Set(TType::kI64, {I64(kI64Min), I64(0), I64(kI64Max)})},
      {"set<bool>", Set(TType::kBool, {Bool(false), Bool(true)})},
      {"set<string>", Set(TType::kString, {Str("x"), Str("y")})},
      {"map<string,string>",
       Map(TType::kString, TType::kString, {Str("k"), Str("v"), Str(""), Str("")})},
      {"map<i32,bool>", Map(TType::kI32, TType::kBool, {I32(1), Bool(true), I32(-1), Bool(false)})},
      {"map<bool,byte>", Map(TType::kBool, TType::kByte, {Bool(true), Byte(3)})},
      {"map<i16,double>", Map(TType::kI16, TType::kDouble, {I16(7), Double(7.5)})},
      {"map<string,double> of 300", Map(TType::kString, TType::kDouble, big_map)},
      {"map<i64,struct>",
       Map(TType::kI64, TType::kStruct, {I64(1), Struct({{1, Str("one")}}), I64(2), Struct({})})},
      {"list<list<i32>>", List(TType::kList, {List(TType::kI32, {I32(1)}), List(TType::kI32, {}),
                                              List(TType::kI32, fifteen)})},
      {"list<set<string>>", List(TType::kSet, {Set(TType::kString, {Str("s")})})},
      {"list<map<string,i32>>",
       List(TType::kMap, {Map(TType::kString, TType::kI32, {Str("a"), I32(1)}),
                          Map(TType::kString, TType::kI32, {})})},
      {"map<string,list<i64>>",
       Map(TType::kString, TType::kList, {Str("a"), List(TType::kI64, {I64(1), I64(2)})})},
      {"map<set<i32>,map<i32,i32>>",
       Map(TType::kSet, TType::kMap,
           {Set(TType::kI32, {I32(1)}), Map(TType::kI32, TType::kI32, {I32(2), I32(3)})})},
      {"list<struct>",
       List(TType::kStruct, {Struct({{1, Bool(true)}, {2, List(TType::kBool, {Bool(false)})}}),
                             Struct({{3, Bool(false)}})})},
  };
  for (const auto& [name, v] : cases) {
    SCOPED_TRACE(name);
    ExpectInterop<TypeParam>(v);
    ExpectInterop<TypeParam>(Struct({{1, v}, {2, I32(9)}}));
  }
}

Value StructOfEveryType() {
  return Struct({
      {1, Bool(true)},
      {2, Byte(-7)},
      {3, I16(-300)},
      {4, I32(123456)},
      {5, I64(-1234567890123)},
      {6, Double(3.25)},
      {7, Str("string")},
      {8, Str(std::string("\0\x01\xfe\xff", 4))},
      {9, List(TType::kI64, {I64(1), I64(2)})},
      {10, Set(TType::kI32, {I32(3)})},
      {11, Map(TType::kString, TType::kString, {Str("k"), Str("v")})},
      {12, Struct({{1, I32(1)}, {2, Struct({{1, Bool(false)}})}, {3, I32(3)}})},
      {13, Bool(false)},
  });
}

TYPED_TEST(ProtocolInterop, StructsWithFieldsOfEveryType) {
  ExpectInterop<TypeParam>(StructOfEveryType());
  ExpectInterop<TypeParam>(Struct({}));
  ExpectInterop<TypeParam>(
      List(TType::kStruct, {StructOfEveryType(), Struct({}), StructOfEveryType()}));
  // Fields in any order and with any ids.
  ExpectInterop<TypeParam>(Struct({{100, I32(1)},
                                   {3, I64(2)},
                                   {-1, Str("neg")},
                                   {32767, Double(1)},
                                   {-32768, Byte(2)},
                                   {0, Struct({{5, I16(5)}, {4, I16(4)}})},
                                   {1, Bool(true)}}));
  // Deep nesting within the default limit.
  Value deep = Struct({{1, I32(0)}});
  for (int i = 0; i < 60; ++i) deep = Struct({{static_cast<int16_t>(i % 20 + 1), deep}});
  ExpectInterop<TypeParam>(deep);
}

TYPED_TEST(ProtocolInterop, BoolFieldsAtEveryFieldIdDelta) {
  // In Compact a bool field's value rides in its header, whose form depends
  // on the delta from the previous field id.
  std::vector<std::pair<int16_t, Value>> fields;
  int16_t id = 0;
  bool v = true;
  for (int delta : {1, 2, 14, 15, 16, 17, 100, -1, -20, 0}) {
    id = static_cast<int16_t>(id + delta);
    if (delta == 0) id = -5;
    fields.push_back({id, Bool(v)});
    v = !v;
  }
  for (int16_t edge : {32767, -32768, 15, 30, 31, 46}) {
    fields.push_back({edge, Bool(v)});
    v = !v;
  }
  ExpectInterop<TypeParam>(Struct(fields));
  // Bools between other fields, and in nested structs that start over.
  ExpectInterop<TypeParam>(Struct({{1, Bool(true)},
                                   {2, I32(1)},
                                   {3, Struct({{1, Bool(false)}, {20, Bool(true)}})},
                                   {4, Bool(false)},
                                   {19, Bool(true)},
                                   {20, List(TType::kBool, {Bool(true)})},
                                   {21, Bool(true)}}));
}

TYPED_TEST(ProtocolInterop, MessageHeadersOfEveryType) {
  using P = TypeParam;
  const std::vector<MessageType> types = {MessageType::kCall, MessageType::kReply,
                                          MessageType::kException, MessageType::kOneway};
  const std::vector<int32_t> seq_ids = {0, 1, -1, 127, 128, 300, kI32Max, kI32Min};
  const std::vector<std::string> names = {"", "echo", "a.b:c", std::string(200, 'm')};
  const Value body = Struct({{1, Str("payload")}, {2, Bool(true)}});
  for (MessageType type : types) {
    for (int32_t seq_id : seq_ids) {
      for (const std::string& name : names) {
        SCOPED_TRACE(testing::Message() << "type " << static_cast<int>(type) << " seq " << seq_id
                                        << " name of " << name.size());
        auto write = [&](auto& w) {
          w.WriteMessageBegin(name, type, seq_id);
          WriteValue(w, body);
          w.WriteMessageEnd();
        };
        const std::string ours = VireoWrites<P>(write);
        const std::string theirs = ApacheWrites<P>(write);
        ASSERT_EQ(Hex(ours), Hex(theirs));
        auto expect = [&](auto& r) {
          MessageBegin m;
          ASSERT_EQ(r.ReadMessageBegin(&m), absl::OkStatus());
          EXPECT_EQ(m.name, name);
          EXPECT_EQ(m.type, type);
          EXPECT_EQ(m.seq_id, seq_id);
          ExpectValue(r, body);
          ASSERT_EQ(r.ReadMessageEnd(), absl::OkStatus());
        };
        transport::LinkBuffer buf = VireoInput(theirs, false);
        typename P::Reader ours_reader(buf, Limits());
        expect(ours_reader);
        EXPECT_EQ(ours_reader.input().remaining(), 0u);
        auto in = ApacheInput(ours);
        std::shared_ptr<TProtocol> proto = P::Apache(in);
        ApacheReader theirs_reader(proto.get());
        expect(theirs_reader);
        EXPECT_EQ(in->available_read(), 0u);
      }
    }
  }
}

TYPED_TEST(ProtocolInterop, ApplicationExceptions) {
  using P = TypeParam;
  for (int t = 0; t <= 10; ++t) {
    SCOPED_TRACE(t);
    const std::string message = t == 0 ? "" : "went wrong #" + std::to_string(t);
    const TApplicationException ours_x{static_cast<TApplicationException::Type>(t), message};
    const athrift::TApplicationException theirs_x(
        static_cast<athrift::TApplicationException::TApplicationExceptionType>(t), message);

    const std::string ours = VireoWrites<P>([&](auto& w) {
      w.WriteMessageBegin("m", MessageType::kException, 5);
      ours_x.Write(w);
      w.WriteMessageEnd();
    });
    auto out = std::make_shared<TMemoryBuffer>();
    std::shared_ptr<TProtocol> oprot = P::Apache(out);
    oprot->writeMessageBegin("m", athrift::protocol::T_EXCEPTION, 5);
    theirs_x.write(oprot.get());
    oprot->writeMessageEnd();
    const std::string theirs = out->getBufferAsString();
    ASSERT_EQ(Hex(ours), Hex(theirs));

    // Vireo reads Apache's.
    transport::LinkBuffer buf = VireoInput(theirs, false);
    typename P::Reader r(buf, Limits());
    MessageBegin m;
    ASSERT_EQ(r.ReadMessageBegin(&m), absl::OkStatus());
    EXPECT_EQ(m.type, MessageType::kException);
    TApplicationException got;
    ASSERT_EQ(got.Read(r), absl::OkStatus());
    EXPECT_EQ(static_cast<int>(got.type), t);
    EXPECT_EQ(got.message, message);

    // Apache reads Vireo's.
    auto in = ApacheInput(ours);
    std::shared_ptr<TProtocol> iprot = P::Apache(in);
    std::string name;
    athrift::protocol::TMessageType type;
    int32_t seq_id;
    iprot->readMessageBegin(name, type, seq_id);
    EXPECT_EQ(type, athrift::protocol::T_EXCEPTION);
    athrift::TApplicationException theirs_got;
    theirs_got.read(iprot.get());
    EXPECT_EQ(static_cast<int>(theirs_got.getType()), t);
    if (!message.empty()) {
      EXPECT_EQ(std::string(theirs_got.what()), message);
    }
  }
}

// Binary's old header form: Apache writes it with strict_write off, Vireo
// reads it; Apache reading with strict_read on accepts Vireo's header.
TEST(BinaryInterop, NonStrictHeadersBothWays) {
  auto out = std::make_shared<TMemoryBuffer>();
  athrift::protocol::TBinaryProtocol old_writer(out, 0, 0, /*strict_read=*/false,
                                                /*strict_write=*/false);
  old_writer.writeMessageBegin("legacy", athrift::protocol::T_CALL, 77);
  old_writer.writeStructBegin("S");
  old_writer.writeFieldStop();
  old_writer.writeStructEnd();
  old_writer.writeMessageEnd();
  const std::string theirs = out->getBufferAsString();
  ASSERT_EQ(static_cast<uint8_t>(theirs[0]), 0) << "the old form starts with the name length";
  {
    transport::LinkBuffer buf = VireoInput(theirs, true);
    BinaryReader r(buf, Limits());
    MessageBegin m;
    ASSERT_EQ(r.ReadMessageBegin(&m), absl::OkStatus());
    EXPECT_EQ(m.name, "legacy");
    EXPECT_EQ(m.type, MessageType::kCall);
    EXPECT_EQ(m.seq_id, 77);
    ASSERT_EQ(r.Skip(TType::kStruct), absl::OkStatus());
    EXPECT_EQ(r.input().remaining(), 0u);
  }
  {
    transport::LinkBuffer buf = VireoInput(theirs, false);
    BinaryReader r(buf, Limits(), /*strict_read=*/true);
    MessageBegin m;
    EXPECT_EQ(r.ReadMessageBegin(&m).code(), absl::StatusCode::kInvalidArgument);
  }
  const std::string ours = VireoWrites<Binary>(
      [](BinaryWriter& w) { w.WriteMessageBegin("strict", MessageType::kOneway, -9); });
  auto in = ApacheInput(ours);
  athrift::protocol::TBinaryProtocol strict_reader(in, 0, 0, /*strict_read=*/true,
                                                   /*strict_write=*/true);
  std::string name;
  athrift::protocol::TMessageType type;
  int32_t seq_id;
  strict_reader.readMessageBegin(name, type, seq_id);
  EXPECT_EQ(name, "strict");
  EXPECT_EQ(type, athrift::protocol::T_ONEWAY);
  EXPECT_EQ(seq_id, -9);
}

}  // namespace
}  // namespace vireo::codec
