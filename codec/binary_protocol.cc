#include "vireo/codec/binary_protocol.h"

#include "absl/strings/str_cat.h"
#include "vireo/codec/internal/wire.h"

namespace vireo::codec {
namespace {

using internal::AbslView;
using internal::BinaryFixedSize;
using internal::BinaryMinSize;
using internal::IsMessageType;

constexpr uint32_t kVersionMask = 0xffff0000;
constexpr uint32_t kVersion1 = 0x80010000;

}  // namespace

// ---- BinaryReader ----

absl::Status BinaryReader::Truncated(std::string_view what) const {
  return TruncatedError(kName, what);
}

absl::Status BinaryReader::EnterContainer() {
  if (ABSL_PREDICT_FALSE(depth_ >= limits_.max_depth)) {
    return LimitError("max_depth", "nesting depth", uint64_t{depth_} + 1, limits_.max_depth);
  }
  ++depth_;
  return absl::OkStatus();
}

absl::Status BinaryReader::ReadLength(std::string_view what, uint32_t max, uint32_t* n) {
  uint32_t u;
  if (ABSL_PREDICT_FALSE(!in_.ReadBE32(&u)))
    return Truncated(absl::StrCat(AbslView(what), " length"));
  const int32_t len = static_cast<int32_t>(u);
  if (ABSL_PREDICT_FALSE(len < 0)) {
    return MalformedError(kName, absl::StrCat("negative ", AbslView(what), " length ", len));
  }
  if (ABSL_PREDICT_FALSE(u > max)) {
    return LimitError("max_string_size", absl::StrCat(AbslView(what), " length"), u, max);
  }
  if (ABSL_PREDICT_FALSE(u > in_.remaining())) {
    return Truncated(
        absl::StrCat(AbslView(what), " of ", u, " bytes, ", in_.remaining(), " remain"));
  }
  *n = u;
  return absl::OkStatus();
}

absl::Status BinaryReader::ReadNameBody(uint32_t n, std::string* name) {
  if (ABSL_PREDICT_FALSE(!in_.ReadString(n, name))) return Truncated("message name");
  return absl::OkStatus();
}

absl::Status BinaryReader::ReadMessageBegin(MessageBegin* out) {
  uint32_t word;
  if (ABSL_PREDICT_FALSE(!in_.ReadBE32(&word))) return Truncated("message header");
  uint32_t type;
  if (static_cast<int32_t>(word) < 0) {
    if (ABSL_PREDICT_FALSE((word & kVersionMask) != kVersion1)) {
      return MalformedError(kName,
                            absl::StrCat("bad version 0x", absl::Hex(word >> 16, absl::kZeroPad4),
                                         " in message header (want 0x8001)"));
    }
    type = word & 0xff;
    uint32_t n;
    VIREO_RETURN_IF_ERROR(ReadLength("message name", limits_.max_string_size, &n));
    VIREO_RETURN_IF_ERROR(ReadNameBody(n, &out->name));
  } else {
    if (ABSL_PREDICT_FALSE(strict_read_)) {
      return MalformedError(
          kName, absl::StrCat("no version in message header (first word 0x",
                              absl::Hex(word, absl::kZeroPad8), ") and strict_read is set"));
    }
    // The old form: the first word is the name's length.
    if (ABSL_PREDICT_FALSE(word > limits_.max_string_size)) {
      return LimitError("max_string_size", "message name length", word, limits_.max_string_size);
    }
    if (ABSL_PREDICT_FALSE(word > in_.remaining())) {
      return Truncated(
          absl::StrCat("message name of ", word, " bytes, ", in_.remaining(), " remain"));
    }
    VIREO_RETURN_IF_ERROR(ReadNameBody(word, &out->name));
    uint8_t t;
    if (ABSL_PREDICT_FALSE(!in_.ReadByte(&t))) return Truncated("message type");
    type = t;
  }
  if (ABSL_PREDICT_FALSE(!IsMessageType(type))) {
    return MalformedError(kName, absl::StrCat("invalid message type ", type));
  }
  out->type = static_cast<MessageType>(type);
  uint32_t seq;
  if (ABSL_PREDICT_FALSE(!in_.ReadBE32(&seq))) return Truncated("sequence id");
  out->seq_id = static_cast<int32_t>(seq);
  return absl::OkStatus();
}

absl::Status BinaryReader::ReadStructBegin() { return EnterContainer(); }

absl::Status BinaryReader::ReadStructEnd() {
  LeaveContainer();
  return absl::OkStatus();
}

absl::Status BinaryReader::ReadFieldBegin(TType* type, int16_t* id) {
  uint8_t t;
  if (ABSL_PREDICT_FALSE(!in_.ReadByte(&t))) return Truncated("field header");
  if (t == static_cast<uint8_t>(TType::kStop)) {
    *type = TType::kStop;
    *id = 0;
    return absl::OkStatus();
  }
  if (ABSL_PREDICT_FALSE(!IsValueType(t))) {
    return MalformedError(kName, absl::StrCat("invalid field type id ", t));
  }
  uint16_t u;
  if (ABSL_PREDICT_FALSE(!in_.ReadBE16(&u))) return Truncated("field id");
  *type = static_cast<TType>(t);
  *id = static_cast<int16_t>(u);
  return absl::OkStatus();
}

absl::Status BinaryReader::ReadElemHeader(std::string_view what, int count, TType* types,
                                          uint32_t* size) {
  uint64_t min_size = 0;
  for (int i = 0; i < count; ++i) {
    uint8_t t;
    if (ABSL_PREDICT_FALSE(!in_.ReadByte(&t)))
      return Truncated(absl::StrCat(AbslView(what), " header"));
    if (ABSL_PREDICT_FALSE(!IsValueType(t))) {
      return MalformedError(
          kName,
          absl::StrCat("invalid ", AbslView(what),
                       count == 1 ? " element" : (i == 0 ? " key" : " value"), " type id ", t));
    }
    types[i] = static_cast<TType>(t);
    min_size += BinaryMinSize(types[i]);
  }
  uint32_t u;
  if (ABSL_PREDICT_FALSE(!in_.ReadBE32(&u)))
    return Truncated(absl::StrCat(AbslView(what), " size"));
  const int32_t n = static_cast<int32_t>(u);
  if (ABSL_PREDICT_FALSE(n < 0)) {
    return MalformedError(kName, absl::StrCat("negative ", AbslView(what), " size ", n));
  }
  if (ABSL_PREDICT_FALSE(u > limits_.max_container_size)) {
    return LimitError("max_container_size", absl::StrCat(AbslView(what), " size"), u,
                      limits_.max_container_size);
  }
  // n <= 2^31 and min_size <= 32: the product fits.
  if (ABSL_PREDICT_FALSE(u * min_size > in_.remaining())) {
    return Truncated(absl::StrCat(AbslView(what), " of ", u, " elements needs at least ",
                                  u * min_size, " bytes, ", in_.remaining(), " remain"));
  }
  VIREO_RETURN_IF_ERROR(EnterContainer());
  *size = u;
  return absl::OkStatus();
}

absl::Status BinaryReader::ReadListBegin(TType* elem, uint32_t* size) {
  return ReadElemHeader("list", 1, elem, size);
}

absl::Status BinaryReader::ReadListEnd() {
  LeaveContainer();
  return absl::OkStatus();
}

absl::Status BinaryReader::ReadSetBegin(TType* elem, uint32_t* size) {
  return ReadElemHeader("set", 1, elem, size);
}

absl::Status BinaryReader::ReadSetEnd() {
  LeaveContainer();
  return absl::OkStatus();
}

absl::Status BinaryReader::ReadMapBegin(TType* key, TType* value, uint32_t* size) {
  TType types[2];
  VIREO_RETURN_IF_ERROR(ReadElemHeader("map", 2, types, size));
  *key = types[0];
  *value = types[1];
  return absl::OkStatus();
}

absl::Status BinaryReader::ReadMapEnd() {
  LeaveContainer();
  return absl::OkStatus();
}

absl::Status BinaryReader::ReadString(std::string* v) {
  uint32_t n;
  VIREO_RETURN_IF_ERROR(ReadLength("string", limits_.max_string_size, &n));
  if (ABSL_PREDICT_FALSE(!in_.ReadString(n, v))) return Truncated("string");
  return absl::OkStatus();
}

absl::Status BinaryReader::ReadBinary(transport::LinkBuffer* v) {
  uint32_t n;
  VIREO_RETURN_IF_ERROR(ReadLength("binary", limits_.max_string_size, &n));
  if (ABSL_PREDICT_FALSE(!in_.ReadSlice(n, v))) return Truncated("binary");
  return absl::OkStatus();
}

absl::Status BinaryReader::ReadUuid(std::array<uint8_t, 16>* v) {
  return internal::ReadUuid(*this, v);
}

absl::Status BinaryReader::SkipStruct() { return internal::SkipStruct(*this); }

absl::Status BinaryReader::SkipElems(TType type, uint64_t count) {
  return internal::SkipElems(*this, BinaryFixedSize(type), type, count);
}

absl::Status BinaryReader::Skip(TType type) {
  switch (type) {
    case TType::kBool:
    case TType::kByte:
    case TType::kI16:
    case TType::kI32:
    case TType::kI64:
    case TType::kDouble:
    case TType::kUuid:
      return SkipElems(type, 1);
    case TType::kString: {
      uint32_t n;
      VIREO_RETURN_IF_ERROR(ReadLength("string", limits_.max_string_size, &n));
      if (ABSL_PREDICT_FALSE(!in_.Skip(n))) return Truncated("string");
      return absl::OkStatus();
    }
    case TType::kStruct:
      return SkipStruct();
    case TType::kList:
    case TType::kSet: {
      TType elem;
      uint32_t n;
      VIREO_RETURN_IF_ERROR(ReadElemHeader(type == TType::kList ? "list" : "set", 1, &elem, &n));
      VIREO_RETURN_IF_ERROR(SkipElems(elem, n));
      LeaveContainer();
      return absl::OkStatus();
    }
    case TType::kMap: {
      TType kv[2];
      uint32_t n;
      VIREO_RETURN_IF_ERROR(ReadElemHeader("map", 2, kv, &n));
      const uint64_t fixed = BinaryFixedSize(kv[0]) != 0 && BinaryFixedSize(kv[1]) != 0
                                 ? BinaryFixedSize(kv[0]) + BinaryFixedSize(kv[1])
                                 : 0;
      if (fixed != 0) {
        if (ABSL_PREDICT_FALSE(!in_.Skip(n * fixed))) return Truncated("map");
      } else {
        for (uint32_t i = 0; i < n; ++i) {
          VIREO_RETURN_IF_ERROR(Skip(kv[0]));
          VIREO_RETURN_IF_ERROR(Skip(kv[1]));
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

// ---- BinaryWriter ----

void BinaryWriter::WriteMessageBegin(std::string_view name, MessageType type, int32_t seq_id) {
  out_.WriteBE32(kVersion1 | static_cast<uint32_t>(type));
  WriteString(name);
  out_.WriteBE32(static_cast<uint32_t>(seq_id));
}

void BinaryWriter::WriteFieldBegin(TType type, int16_t id) {
  char* p = out_.Reserve(3);
  p[0] = static_cast<char>(type);
  const uint16_t be = __builtin_bswap16(static_cast<uint16_t>(id));
  std::memcpy(p + 1, &be, 2);
  out_.Advance(3);
}

void BinaryWriter::WriteListBegin(TType elem, uint32_t size) {
  char* p = out_.Reserve(5);
  p[0] = static_cast<char>(elem);
  const uint32_t be = __builtin_bswap32(size);
  std::memcpy(p + 1, &be, 4);
  out_.Advance(5);
}

void BinaryWriter::WriteSetBegin(TType elem, uint32_t size) { WriteListBegin(elem, size); }

void BinaryWriter::WriteMapBegin(TType key, TType value, uint32_t size) {
  char* p = out_.Reserve(6);
  p[0] = static_cast<char>(key);
  p[1] = static_cast<char>(value);
  const uint32_t be = __builtin_bswap32(size);
  std::memcpy(p + 2, &be, 4);
  out_.Advance(6);
}

}  // namespace vireo::codec
