#include "vireo/codec/application_exception.h"

#include "absl/strings/str_cat.h"

namespace vireo::codec {

std::string_view TApplicationException::TypeName(Type type) {
  switch (type) {
    case Type::kUnknown:
      return "UNKNOWN";
    case Type::kUnknownMethod:
      return "UNKNOWN_METHOD";
    case Type::kInvalidMessageType:
      return "INVALID_MESSAGE_TYPE";
    case Type::kWrongMethodName:
      return "WRONG_METHOD_NAME";
    case Type::kBadSequenceId:
      return "BAD_SEQUENCE_ID";
    case Type::kMissingResult:
      return "MISSING_RESULT";
    case Type::kInternalError:
      return "INTERNAL_ERROR";
    case Type::kProtocolError:
      return "PROTOCOL_ERROR";
    case Type::kInvalidTransform:
      return "INVALID_TRANSFORM";
    case Type::kInvalidProtocol:
      return "INVALID_PROTOCOL";
    case Type::kUnsupportedClientType:
      return "UNSUPPORTED_CLIENT_TYPE";
    case Type::kLoadShedding:
      return "LOADSHEDDING";
  }
  return "UNKNOWN";
}

absl::Status TApplicationException::ToStatus() const {
  const std::string_view name = TypeName(type);
  std::string text =
      absl::StrCat("TApplicationException ", absl::string_view(name.data(), name.size()));
  if (TypeName(type) == "UNKNOWN" && type != Type::kUnknown) {
    absl::StrAppend(&text, " (type ", static_cast<int32_t>(type), ")");
  }
  absl::StrAppend(&text, ": ", message);
  if (type == Type::kLoadShedding) return absl::UnavailableError(text);
  return absl::InternalError(text);
}

}  // namespace vireo::codec
