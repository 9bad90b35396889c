#include "vireo/codec/compact_protocol.h"

#include "absl/strings/str_cat.h"
#include "vireo/codec/internal/wire.h"

namespace vireo::codec {
namespace {

using internal::AbslView;
using internal::CompactFixedSize;
using internal::CompactMinSize;
using internal::IsMessageType;

// Nibble -> TType for values; false for 0, 14 and 15.
bool TypeOfNibble(uint8_t nibble, TType* type) {
  *type = internal::CompactTypeOf(nibble);
  return *type != TType::kStop;
}

constexpr uint8_t kProtocolId = internal::kCompactProtocolId;
constexpr uint8_t kVersion = internal::kCompactVersion;
constexpr uint8_t kVersionMask = 0x1f;
constexpr int kTypeShift = 5;

// Compact's type nibbles.
constexpr uint8_t kCtBoolTrue = 1;
constexpr uint8_t kCtBoolFalse = 2;

}  // namespace

// ---- CompactReader ----

absl::Status CompactReader::Truncated(std::string_view what) const {
  return TruncatedError(kName, what);
}

absl::Status CompactReader::EnterContainer() {
  if (ABSL_PREDICT_FALSE(depth_ >= limits_.max_depth)) {
    return LimitError("max_depth", "nesting depth", uint64_t{depth_} + 1, limits_.max_depth);
  }
  ++depth_;
  return absl::OkStatus();
}

absl::Status CompactReader::ReadVarintSlow(std::string_view what, int max_bytes, uint64_t* v) {
  *v = 0;
  const int last_bits = max_bytes == 5 ? 4 : 1;  // payload bits the last byte may carry
  uint64_t result = 0;
  const std::string_view run = in_.Contiguous();
  if (run.size() >= static_cast<size_t>(max_bytes)) {
    for (int i = 0; i < max_bytes; ++i) {
      const auto b = static_cast<uint8_t>(run[i]);
      result |= uint64_t{b & 0x7fu} << (7 * i);
      if (b < 0x80) {
        if (ABSL_PREDICT_FALSE(i == max_bytes - 1 && (b >> last_bits) != 0)) break;
        in_.Advance(static_cast<size_t>(i) + 1);
        *v = result;
        return absl::OkStatus();
      }
    }
  } else {
    // Near a block edge or the end: byte by byte.
    for (int i = 0; i < max_bytes; ++i) {
      uint8_t b;
      if (ABSL_PREDICT_FALSE(!in_.ReadByte(&b))) return Truncated(what);
      result |= uint64_t{b & 0x7fu} << (7 * i);
      if (b < 0x80) {
        if (ABSL_PREDICT_FALSE(i == max_bytes - 1 && (b >> last_bits) != 0)) break;
        *v = result;
        return absl::OkStatus();
      }
    }
  }
  return MalformedError(kName, absl::StrCat(AbslView(what), ": varint too long (over ",
                                            max_bytes == 5 ? 32 : 64, " bits)"));
}

absl::Status CompactReader::ReadLength(std::string_view what, uint32_t* n) {
  uint32_t u;
  VIREO_RETURN_IF_ERROR(ReadVarint32(what, &u));
  if (ABSL_PREDICT_FALSE(static_cast<int32_t>(u) < 0)) {
    return MalformedError(
        kName, absl::StrCat("negative ", AbslView(what), " length ", static_cast<int32_t>(u)));
  }
  if (ABSL_PREDICT_FALSE(u > limits_.max_string_size)) {
    return LimitError("max_string_size", absl::StrCat(AbslView(what), " length"), u,
                      limits_.max_string_size);
  }
  if (ABSL_PREDICT_FALSE(u > in_.remaining())) {
    return Truncated(
        absl::StrCat(AbslView(what), " of ", u, " bytes, ", in_.remaining(), " remain"));
  }
  *n = u;
  return absl::OkStatus();
}

absl::Status CompactReader::ReadMessageBegin(MessageBegin* out) {
  uint8_t id;
  if (ABSL_PREDICT_FALSE(!in_.ReadByte(&id))) return Truncated("message header");
  if (ABSL_PREDICT_FALSE(id != kProtocolId)) {
    return MalformedError(kName, absl::StrCat("bad protocol id 0x", absl::Hex(id, absl::kZeroPad2),
                                              " in message header (want 0x82)"));
  }
  uint8_t version_and_type;
  if (ABSL_PREDICT_FALSE(!in_.ReadByte(&version_and_type))) return Truncated("message header");
  const uint8_t version = version_and_type & kVersionMask;
  if (ABSL_PREDICT_FALSE(version != kVersion)) {
    return MalformedError(kName,
                          absl::StrCat("bad version ", version, " in message header (want 1)"));
  }
  const uint32_t type = version_and_type >> kTypeShift;
  if (ABSL_PREDICT_FALSE(!IsMessageType(type))) {
    return MalformedError(kName, absl::StrCat("invalid message type ", type));
  }
  uint32_t seq;
  VIREO_RETURN_IF_ERROR(ReadVarint32("sequence id", &seq));
  uint32_t n;
  VIREO_RETURN_IF_ERROR(ReadLength("message name", &n));
  if (ABSL_PREDICT_FALSE(!in_.ReadString(n, &out->name))) return Truncated("message name");
  out->type = static_cast<MessageType>(type);
  out->seq_id = static_cast<int32_t>(seq);
  return absl::OkStatus();
}

absl::Status CompactReader::ReadStructBegin() {
  VIREO_RETURN_IF_ERROR(EnterContainer());
  field_ids_.Push(last_field_id_);
  last_field_id_ = 0;
  return absl::OkStatus();
}

absl::Status CompactReader::ReadStructEnd() {
  LeaveContainer();
  last_field_id_ = field_ids_.Pop();
  return absl::OkStatus();
}

absl::Status CompactReader::ReadFieldBegin(TType* type, int16_t* id) {
  bool_pending_ = false;
  uint8_t b;
  if (ABSL_PREDICT_FALSE(!in_.ReadByte(&b))) return Truncated("field header");
  const uint8_t nibble = b & 0x0f;
  if (nibble == 0) {
    *type = TType::kStop;
    *id = 0;
    return absl::OkStatus();
  }
  TType t;
  if (ABSL_PREDICT_FALSE(!TypeOfNibble(nibble, &t))) {
    return MalformedError(kName, absl::StrCat("invalid type nibble ", nibble, " in field header"));
  }
  const uint8_t delta = b >> 4;
  int16_t field_id;
  if (delta != 0) {
    field_id = static_cast<int16_t>(last_field_id_ + delta);
  } else {
    uint32_t u;
    VIREO_RETURN_IF_ERROR(ReadVarint32("field id", &u));
    const int32_t wide = internal::ZigzagDecode32(u);
    if (ABSL_PREDICT_FALSE(wide < INT16_MIN || wide > INT16_MAX)) {
      return MalformedError(kName, absl::StrCat("field id ", wide, " out of the i16 range"));
    }
    field_id = static_cast<int16_t>(wide);
  }
  if (t == TType::kBool) {
    bool_pending_ = true;
    bool_value_ = nibble == kCtBoolTrue;
  }
  last_field_id_ = field_id;
  *type = t;
  *id = field_id;
  return absl::OkStatus();
}

absl::Status CompactReader::CheckContainer(std::string_view what, uint32_t size,
                                           uint64_t min_elem) {
  if (ABSL_PREDICT_FALSE(static_cast<int32_t>(size) < 0)) {
    return MalformedError(
        kName, absl::StrCat("negative ", AbslView(what), " size ", static_cast<int32_t>(size)));
  }
  if (ABSL_PREDICT_FALSE(size > limits_.max_container_size)) {
    return LimitError("max_container_size", absl::StrCat(AbslView(what), " size"), size,
                      limits_.max_container_size);
  }
  // size < 2^31 and min_elem <= 32: the product fits.
  if (ABSL_PREDICT_FALSE(size * min_elem > in_.remaining())) {
    return Truncated(absl::StrCat(AbslView(what), " of ", size, " elements needs at least ",
                                  size * min_elem, " bytes, ", in_.remaining(), " remain"));
  }
  return EnterContainer();
}

absl::Status CompactReader::ReadCollectionHeader(std::string_view what, TType* elem,
                                                 uint32_t* size) {
  uint8_t b;
  if (ABSL_PREDICT_FALSE(!in_.ReadByte(&b))) {
    return Truncated(absl::StrCat(AbslView(what), " header"));
  }
  const uint8_t nibble = b & 0x0f;
  TType t;
  if (ABSL_PREDICT_FALSE(!TypeOfNibble(nibble, &t))) {
    return MalformedError(
        kName, absl::StrCat("invalid type nibble ", nibble, " in ", AbslView(what), " header"));
  }
  uint32_t n = b >> 4;
  if (n == 15) VIREO_RETURN_IF_ERROR(ReadVarint32(what, &n));
  VIREO_RETURN_IF_ERROR(CheckContainer(what, n, CompactMinSize(t)));
  *elem = t;
  *size = n;
  return absl::OkStatus();
}

absl::Status CompactReader::ReadListBegin(TType* elem, uint32_t* size) {
  return ReadCollectionHeader("list", elem, size);
}

absl::Status CompactReader::ReadListEnd() {
  LeaveContainer();
  return absl::OkStatus();
}

absl::Status CompactReader::ReadSetBegin(TType* elem, uint32_t* size) {
  return ReadCollectionHeader("set", elem, size);
}

absl::Status CompactReader::ReadSetEnd() {
  LeaveContainer();
  return absl::OkStatus();
}

absl::Status CompactReader::ReadMapBegin(TType* key, TType* value, uint32_t* size) {
  uint32_t n;
  VIREO_RETURN_IF_ERROR(ReadVarint32("map size", &n));
  TType k = TType::kStop;
  TType v = TType::kStop;
  uint64_t min_elem = 0;
  if (n != 0) {
    uint8_t b;
    if (ABSL_PREDICT_FALSE(!in_.ReadByte(&b))) return Truncated("map header");
    if (ABSL_PREDICT_FALSE(!TypeOfNibble(b >> 4, &k))) {
      return MalformedError(kName,
                            absl::StrCat("invalid key type nibble ", b >> 4, " in map header"));
    }
    if (ABSL_PREDICT_FALSE(!TypeOfNibble(b & 0x0f, &v))) {
      return MalformedError(kName,
                            absl::StrCat("invalid value type nibble ", b & 0x0f, " in map header"));
    }
    min_elem = CompactMinSize(k) + CompactMinSize(v);
  }
  VIREO_RETURN_IF_ERROR(CheckContainer("map", n, min_elem));
  *key = k;
  *value = v;
  *size = n;
  return absl::OkStatus();
}

absl::Status CompactReader::ReadMapEnd() {
  LeaveContainer();
  return absl::OkStatus();
}

absl::Status CompactReader::ReadBool(bool* v) {
  if (bool_pending_) {
    bool_pending_ = false;
    *v = bool_value_;
    return absl::OkStatus();
  }
  uint8_t b;
  if (ABSL_PREDICT_FALSE(!in_.ReadByte(&b))) return Truncated("bool");
  if (b == kCtBoolTrue) {
    *v = true;
  } else if (b == kCtBoolFalse || b == 0) {
    *v = false;
  } else {
    return MalformedError(kName, absl::StrCat("invalid bool byte ", b));
  }
  return absl::OkStatus();
}

absl::Status CompactReader::ReadI16(int16_t* v) {
  uint32_t u;
  VIREO_RETURN_IF_ERROR(ReadVarint32("i16", &u));
  const int32_t wide = internal::ZigzagDecode32(u);
  if (ABSL_PREDICT_FALSE(wide < INT16_MIN || wide > INT16_MAX)) {
    return MalformedError(kName, absl::StrCat("i16 value ", wide, " out of range"));
  }
  *v = static_cast<int16_t>(wide);
  return absl::OkStatus();
}

absl::Status CompactReader::ReadString(std::string* v) {
  uint32_t n;
  VIREO_RETURN_IF_ERROR(ReadLength("string", &n));
  if (ABSL_PREDICT_FALSE(!in_.ReadString(n, v))) return Truncated("string");
  return absl::OkStatus();
}

absl::Status CompactReader::ReadBinary(transport::LinkBuffer* v) {
  uint32_t n;
  VIREO_RETURN_IF_ERROR(ReadLength("binary", &n));
  if (ABSL_PREDICT_FALSE(!in_.ReadSlice(n, v))) return Truncated("binary");
  return absl::OkStatus();
}

absl::Status CompactReader::ReadUuid(std::array<uint8_t, 16>* v) {
  return internal::ReadUuid(*this, v);
}

absl::Status CompactReader::SkipStruct() { return internal::SkipStruct(*this); }

absl::Status CompactReader::SkipElems(TType type, uint64_t count) {
  return internal::SkipElems(*this, CompactFixedSize(type), type, count);
}

absl::Status CompactReader::Skip(TType type) {
  switch (type) {
    case TType::kBool: {
      bool v;
      return ReadBool(&v);
    }
    case TType::kByte:
    case TType::kDouble:
    case TType::kUuid:
      return SkipElems(type, 1);
    case TType::kI16:
    case TType::kI32: {
      uint32_t v;
      return ReadVarint32(TTypeName(type), &v);
    }
    case TType::kI64: {
      uint64_t v;
      return ReadVarint64("i64", &v);
    }
    case TType::kString: {
      uint32_t n;
      VIREO_RETURN_IF_ERROR(ReadLength("string", &n));
      if (ABSL_PREDICT_FALSE(!in_.Skip(n))) return Truncated("string");
      return absl::OkStatus();
    }
    case TType::kStruct:
      return SkipStruct();
    case TType::kList:
    case TType::kSet: {
      TType elem;
      uint32_t n;
      VIREO_RETURN_IF_ERROR(ReadCollectionHeader(TTypeName(type), &elem, &n));
      VIREO_RETURN_IF_ERROR(SkipElems(elem, n));
      LeaveContainer();
      return absl::OkStatus();
    }
    case TType::kMap: {
      TType k;
      TType v;
      uint32_t n;
      VIREO_RETURN_IF_ERROR(ReadMapBegin(&k, &v, &n));
      if (CompactFixedSize(k) != 0 && CompactFixedSize(v) != 0) {
        if (ABSL_PREDICT_FALSE(!in_.Skip(n * (CompactFixedSize(k) + CompactFixedSize(v))))) {
          return Truncated("map");
        }
      } else {
        for (uint32_t i = 0; i < n; ++i) {
          VIREO_RETURN_IF_ERROR(Skip(k));
          VIREO_RETURN_IF_ERROR(Skip(v));
        }
      }
      LeaveContainer();
      return absl::OkStatus();
    }
    case TType::kStop:
    case TType::kVoid:
      break;
  }
  return MalformedError(kName, absl::StrCat("cannot skip type id ", static_cast<int>(type)));
}

// ---- CompactWriter ----

void CompactWriter::WriteMessageBegin(std::string_view name, MessageType type, int32_t seq_id) {
  out_.WriteByte(kProtocolId);
  out_.WriteByte(static_cast<uint8_t>(kVersion | (static_cast<uint8_t>(type) << kTypeShift)));
  out_.WriteVarint(static_cast<uint32_t>(seq_id));
  WriteString(name);
}

void CompactWriter::WriteFieldHeader(uint8_t nibble, int16_t id) {
  if (id > last_field_id_ && id - last_field_id_ <= 15) {
    out_.WriteByte(static_cast<uint8_t>((id - last_field_id_) << 4 | nibble));
  } else {
    out_.WriteByte(nibble);
    out_.WriteVarint(internal::ZigzagEncode32(id));
  }
  last_field_id_ = id;
}

void CompactWriter::WriteFieldBegin(TType type, int16_t id) {
  if (type == TType::kBool) {
    bool_field_pending_ = true;
    bool_field_id_ = id;
    return;
  }
  WriteFieldHeader(CompactTypeNibble(type), id);
}

void CompactWriter::WriteBool(bool v) {
  const uint8_t nibble = v ? kCtBoolTrue : kCtBoolFalse;
  if (bool_field_pending_) {
    bool_field_pending_ = false;
    WriteFieldHeader(nibble, bool_field_id_);
  } else {
    out_.WriteByte(nibble);
  }
}

void CompactWriter::WriteListBegin(TType elem, uint32_t size) {
  const uint8_t nibble = CompactTypeNibble(elem);
  if (size <= 14) {
    out_.WriteByte(static_cast<uint8_t>(size << 4 | nibble));
  } else {
    out_.WriteByte(0xf0 | nibble);
    out_.WriteVarint(size);
  }
}

void CompactWriter::WriteMapBegin(TType key, TType value, uint32_t size) {
  if (size == 0) {
    out_.WriteByte(0);
    return;
  }
  out_.WriteVarint(size);
  out_.WriteByte(static_cast<uint8_t>(CompactTypeNibble(key) << 4 | CompactTypeNibble(value)));
}

}  // namespace vireo::codec
