#include "vireo/codec/thrift_types.h"

#include "absl/strings/str_cat.h"
#include "vireo/codec/internal/wire.h"

namespace vireo::codec {
namespace {

using internal::AbslView;

}  // namespace

std::string_view TTypeName(TType type) {
  switch (type) {
    case TType::kStop:
      return "stop";
    case TType::kVoid:
      return "void";
    case TType::kBool:
      return "bool";
    case TType::kByte:
      return "byte";
    case TType::kDouble:
      return "double";
    case TType::kI16:
      return "i16";
    case TType::kI32:
      return "i32";
    case TType::kI64:
      return "i64";
    case TType::kString:
      return "string";
    case TType::kStruct:
      return "struct";
    case TType::kMap:
      return "map";
    case TType::kSet:
      return "set";
    case TType::kList:
      return "list";
    case TType::kUuid:
      return "uuid";
  }
  return "unknown";
}

bool IsValueType(uint8_t id) {
  switch (static_cast<TType>(id)) {
    case TType::kBool:
    case TType::kByte:
    case TType::kDouble:
    case TType::kI16:
    case TType::kI32:
    case TType::kI64:
    case TType::kString:
    case TType::kStruct:
    case TType::kMap:
    case TType::kSet:
    case TType::kList:
    case TType::kUuid:
      return true;
    default:
      return false;
  }
}

absl::Status LimitError(std::string_view limit, std::string_view what, uint64_t seen,
                        uint64_t max) {
  return absl::ResourceExhaustedError(absl::StrCat(AbslView(limit), " exceeded: ", AbslView(what),
                                                   " is ", seen, ", the limit is ", max));
}

absl::Status MalformedError(std::string_view protocol, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("malformed ", AbslView(protocol), " input: ", AbslView(what)));
}

absl::Status TruncatedError(std::string_view protocol, std::string_view what) {
  return absl::OutOfRangeError(
      absl::StrCat("truncated ", AbslView(protocol), " input: ", AbslView(what)));
}

}  // namespace vireo::codec
