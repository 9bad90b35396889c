#include "vireo/codec/generated.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "vireo/codec/internal/wire.h"

namespace vireo::codec {
namespace internal {

absl::Status FieldError(absl::Status status, std::string_view where) {
  return absl::Status(status.code(), absl::StrCat(AbslView(where), ": ", status.message()));
}

absl::Status Truncated(std::string_view protocol, std::string_view what) {
  return TruncatedError(protocol, what);
}

absl::Status DepthExceeded(uint32_t depth, uint32_t max) {
  return LimitError("max_depth", "nesting depth", depth, max);
}

absl::Status BadLength(std::string_view protocol, std::string_view what, int64_t length,
                       uint32_t max, size_t remaining) {
  if (length < 0) {
    return MalformedError(protocol, absl::StrCat("negative ", AbslView(what), " length ", length));
  }
  if (static_cast<uint64_t>(length) > max) {
    return LimitError("max_string_size", absl::StrCat(AbslView(what), " length"),
                      static_cast<uint64_t>(length), max);
  }
  return TruncatedError(
      protocol, absl::StrCat(AbslView(what), " of ", length, " bytes, ", remaining, " remain"));
}

absl::Status BadContainer(std::string_view protocol, std::string_view what, int64_t size,
                          uint32_t max, uint64_t min_bytes, size_t remaining) {
  if (size < 0) {
    return MalformedError(protocol, absl::StrCat("negative ", AbslView(what), " size ", size));
  }
  if (static_cast<uint64_t>(size) > max) {
    return LimitError("max_container_size", absl::StrCat(AbslView(what), " size"),
                      static_cast<uint64_t>(size), max);
  }
  return TruncatedError(
      protocol, absl::StrCat(AbslView(what), " of ", size, " elements needs at least ", min_bytes,
                             " bytes, ", remaining, " remain"));
}

absl::Status BadType(std::string_view protocol, std::string_view what, int type) {
  return MalformedError(protocol, absl::StrCat("invalid ", AbslView(what), " ", type));
}

absl::Status BadValue(std::string_view protocol, std::string_view what) {
  return MalformedError(protocol, what);
}

}  // namespace internal

absl::Status RequiredFieldMissing(std::string_view struct_name, std::string_view field_name) {
  return absl::InvalidArgumentError(absl::StrCat(internal::AbslView(struct_name), ".",
                                                 internal::AbslView(field_name),
                                                 ": required field missing"));
}

namespace {

// Skips one value of `type` with decoder `d`, recursing into structs and
// containers (each level counted against the depth limit).
template <class D>
absl::Status SkipStructBody(D& d) {
  VIREO_CODEC_RETURN_IF_ERROR(d.EnterStruct());
  typename D::FieldState state;
  while (true) {
    TType type = TType::kStop;
    int16_t id = 0;
    VIREO_CODEC_RETURN_IF_ERROR(d.ReadFieldBegin(state, &type, &id));
    if (type == TType::kStop) break;
    VIREO_CODEC_RETURN_IF_ERROR(d.SkipField(state, type));
  }
  d.Leave();
  return absl::OkStatus();
}

}  // namespace

// ---- BinaryDecoder ----

absl::Status BinaryDecoder::ReadFieldBeginSlow(TType* type, int16_t* id) {
  uint8_t t;
  if (ABSL_PREDICT_FALSE(!in_->ReadByte(&t))) return internal::Truncated(kName, "field header");
  if (t == 0) {
    *type = TType::kStop;
    *id = 0;
    return absl::OkStatus();
  }
  uint16_t u;
  if (ABSL_PREDICT_FALSE(!in_->ReadBE16(&u))) return internal::Truncated(kName, "field id");
  *type = static_cast<TType>(t);
  *id = static_cast<int16_t>(u);
  return absl::OkStatus();
}

absl::Status BinaryDecoder::CheckContainer(std::string_view what, uint32_t u, uint64_t min_elem) {
  // u < 2^31 here, min_elem <= 32: the product fits.
  if (ABSL_PREDICT_FALSE(static_cast<int32_t>(u) < 0 || u > limits_.max_container_size ||
                         u * min_elem > in_->remaining())) {
    return internal::BadContainer(kName, what, static_cast<int32_t>(u), limits_.max_container_size,
                                  u * min_elem, in_->remaining());
  }
  return Enter();
}

absl::Status BinaryDecoder::ReadListBeginSlow(TType* elem, uint32_t* n) {
  char h[5];
  if (ABSL_PREDICT_FALSE(!in_->ReadBytes(h, 5))) return internal::Truncated(kName, "list header");
  const auto t = static_cast<uint8_t>(h[0]);
  if (ABSL_PREDICT_FALSE(!internal::IsWireType(t))) {
    return internal::BadType(kName, "list element type id", t);
  }
  const uint32_t u = internal::LoadBE32(h + 1);
  VIREO_CODEC_RETURN_IF_ERROR(
      CheckContainer("list", u, internal::BinaryMinSize(static_cast<TType>(t))));
  *elem = static_cast<TType>(t);
  *n = u;
  return absl::OkStatus();
}

absl::Status BinaryDecoder::ReadMapBeginSlow(TType* key, TType* value, uint32_t* n) {
  char h[6];
  if (ABSL_PREDICT_FALSE(!in_->ReadBytes(h, 6))) return internal::Truncated(kName, "map header");
  const auto k = static_cast<uint8_t>(h[0]);
  const auto v = static_cast<uint8_t>(h[1]);
  if (ABSL_PREDICT_FALSE(!internal::IsWireType(k))) {
    return internal::BadType(kName, "map key type id", k);
  }
  if (ABSL_PREDICT_FALSE(!internal::IsWireType(v))) {
    return internal::BadType(kName, "map value type id", v);
  }
  const uint32_t u = internal::LoadBE32(h + 2);
  VIREO_CODEC_RETURN_IF_ERROR(CheckContainer("map", u,
                                             internal::BinaryMinSize(static_cast<TType>(k)) +
                                                 internal::BinaryMinSize(static_cast<TType>(v))));
  *key = static_cast<TType>(k);
  *value = static_cast<TType>(v);
  *n = u;
  return absl::OkStatus();
}

absl::Status BinaryDecoder::SkipElems(TType type, uint64_t n) {
  return internal::SkipElems(*this, internal::BinaryFixedSize(type), type, n);
}

absl::Status BinaryDecoder::Skip(TType type) {
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
      uint32_t n = 0;
      VIREO_CODEC_RETURN_IF_ERROR(ReadLength("string", &n));
      in_->Skip(n);  // n <= remaining()
      return absl::OkStatus();
    }
    case TType::kStruct:
      return SkipStructBody(*this);
    case TType::kList:
    case TType::kSet: {
      TType elem = TType::kStop;
      uint32_t n = 0;
      VIREO_CODEC_RETURN_IF_ERROR(ReadListBegin(&elem, &n));
      VIREO_CODEC_RETURN_IF_ERROR(SkipElems(elem, n));
      Leave();
      return absl::OkStatus();
    }
    case TType::kMap: {
      TType k = TType::kStop;
      TType v = TType::kStop;
      uint32_t n = 0;
      VIREO_CODEC_RETURN_IF_ERROR(ReadMapBegin(&k, &v, &n));
      for (uint32_t i = 0; i < n; ++i) {
        VIREO_CODEC_RETURN_IF_ERROR(Skip(k));
        VIREO_CODEC_RETURN_IF_ERROR(Skip(v));
      }
      Leave();
      return absl::OkStatus();
    }
    default:
      break;
  }
  return internal::BadType(kName, "field type id", static_cast<int>(type));
}

// ---- CompactDecoder ----

absl::Status CompactDecoder::ReadVarintSlow(std::string_view what, int max_bytes, uint64_t* v) {
  uint64_t x = 0;
  for (int i = 0; i < max_bytes; ++i) {
    uint8_t b = 0;
    if (ABSL_PREDICT_FALSE(!in_->ReadByte(&b))) return internal::Truncated(kName, what);
    x |= uint64_t{b & 0x7fu} << (7 * i);
    if (b < 0x80) {
      // The last byte may not carry bits past the value's width.
      if (max_bytes == 5 && x > 0xffffffffULL) break;
      if (max_bytes == 10 && i == 9 && b > 1) break;
      *v = x;
      return absl::OkStatus();
    }
  }
  return MalformedError(kName, absl::StrCat("varint too long for ", internal::AbslView(what)));
}

absl::Status CompactDecoder::ReadFieldBeginSlow(FieldState& state, TType* type, int16_t* id) {
  uint8_t b = 0;
  if (ABSL_PREDICT_FALSE(!in_->ReadByte(&b))) return internal::Truncated(kName, "field header");
  if (b == 0) {
    *type = TType::kStop;
    *id = 0;
    return absl::OkStatus();
  }
  const uint8_t nibble = b & 0x0f;
  const TType t = TypeOfNibble(nibble);
  if (ABSL_PREDICT_FALSE(t == TType::kStop)) {
    return internal::BadType(kName, "type nibble in field header", nibble);
  }
  if ((b >> 4) != 0) {
    state.last = static_cast<int16_t>(state.last + (b >> 4));
  } else {
    uint32_t u = 0;
    VIREO_CODEC_RETURN_IF_ERROR(ReadVarint32("field id", &u));
    const int32_t wide = internal::ZigzagDecode32(u);
    if (ABSL_PREDICT_FALSE(wide < INT16_MIN || wide > INT16_MAX)) {
      return MalformedError(kName, absl::StrCat("field id ", wide, " out of the i16 range"));
    }
    state.last = static_cast<int16_t>(wide);
  }
  state.bool_value = nibble == 1;
  *type = t;
  *id = state.last;
  return absl::OkStatus();
}

absl::Status CompactDecoder::CheckContainer(std::string_view what, uint32_t u, uint64_t min_elem) {
  if (ABSL_PREDICT_FALSE(static_cast<int32_t>(u) < 0 || u > limits_.max_container_size ||
                         u * min_elem > in_->remaining())) {
    return internal::BadContainer(kName, what, static_cast<int32_t>(u), limits_.max_container_size,
                                  u * min_elem, in_->remaining());
  }
  return Enter();
}

absl::Status CompactDecoder::ReadListBeginSlow(TType* elem, uint32_t* n) {
  uint8_t b = 0;
  if (ABSL_PREDICT_FALSE(!in_->ReadByte(&b))) return internal::Truncated(kName, "list header");
  const TType t = TypeOfNibble(b & 0x0f);
  if (ABSL_PREDICT_FALSE(t == TType::kStop)) {
    return internal::BadType(kName, "type nibble in list header", b & 0x0f);
  }
  uint32_t u = b >> 4;
  if (u == 15) VIREO_CODEC_RETURN_IF_ERROR(ReadVarint32("list size", &u));
  VIREO_CODEC_RETURN_IF_ERROR(CheckContainer("list", u, internal::CompactMinSize(t)));
  *elem = t;
  *n = u;
  return absl::OkStatus();
}

absl::Status CompactDecoder::ReadMapBeginSlow(TType* key, TType* value, uint32_t* n) {
  uint32_t u = 0;
  VIREO_CODEC_RETURN_IF_ERROR(ReadVarint32("map size", &u));
  TType k = TType::kStop;
  TType v = TType::kStop;
  uint64_t min_elem = 0;
  if (u != 0) {
    uint8_t b = 0;
    if (ABSL_PREDICT_FALSE(!in_->ReadByte(&b))) return internal::Truncated(kName, "map header");
    k = TypeOfNibble(b >> 4);
    v = TypeOfNibble(b & 0x0f);
    if (ABSL_PREDICT_FALSE(k == TType::kStop)) {
      return internal::BadType(kName, "key type nibble in map header", b >> 4);
    }
    if (ABSL_PREDICT_FALSE(v == TType::kStop)) {
      return internal::BadType(kName, "value type nibble in map header", b & 0x0f);
    }
    min_elem = internal::CompactMinSize(k) + internal::CompactMinSize(v);
  }
  VIREO_CODEC_RETURN_IF_ERROR(CheckContainer("map", u, min_elem));
  *key = k;
  *value = v;
  *n = u;
  return absl::OkStatus();
}

absl::Status CompactDecoder::SkipElems(TType type, uint64_t n) {
  return internal::SkipElems(*this, internal::CompactFixedSize(type), type, n);
}

absl::Status CompactDecoder::Skip(TType type) {
  switch (type) {
    case TType::kBool:
    case TType::kByte:
    case TType::kDouble:
    case TType::kUuid:
      return SkipElems(type, 1);
    case TType::kI16:
    case TType::kI32:
    case TType::kI64: {
      uint64_t u = 0;
      return ReadVarint64(TTypeName(type), &u);
    }
    case TType::kString: {
      uint32_t n = 0;
      VIREO_CODEC_RETURN_IF_ERROR(ReadLength("string", &n));
      in_->Skip(n);  // n <= remaining()
      return absl::OkStatus();
    }
    case TType::kStruct:
      return SkipStructBody(*this);
    case TType::kList:
    case TType::kSet: {
      TType elem = TType::kStop;
      uint32_t n = 0;
      VIREO_CODEC_RETURN_IF_ERROR(ReadListBegin(&elem, &n));
      VIREO_CODEC_RETURN_IF_ERROR(SkipElems(elem, n));
      Leave();
      return absl::OkStatus();
    }
    case TType::kMap: {
      TType k = TType::kStop;
      TType v = TType::kStop;
      uint32_t n = 0;
      VIREO_CODEC_RETURN_IF_ERROR(ReadMapBegin(&k, &v, &n));
      for (uint32_t i = 0; i < n; ++i) {
        VIREO_CODEC_RETURN_IF_ERROR(Skip(k));
        VIREO_CODEC_RETURN_IF_ERROR(Skip(v));
      }
      Leave();
      return absl::OkStatus();
    }
    default:
      break;
  }
  return internal::BadType(kName, "field type id", static_cast<int>(type));
}

}  // namespace vireo::codec
