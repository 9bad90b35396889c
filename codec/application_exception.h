// TApplicationException: the error a Thrift server sends back, in place of
// a result, as a message of type kException.
//
// On the wire it is a struct: field 1 the message (string), field 2 the type
// (i32), as every Thrift implementation writes it. Read and Write are
// templates over the protocol's reader or writer (BinaryReader,
// CompactWriter, ...).
//
// Example:
//   TApplicationException x{TApplicationException::Type::kUnknownMethod,
//                           "no method 'echo2'"};
//   w.WriteMessageBegin("echo2", MessageType::kException, seq_id);
//   x.Write(w);
//   w.WriteMessageEnd();
//
//   TApplicationException got;
//   if (absl::Status s = got.Read(r); !s.ok()) ...
//   absl::Status as_status = got.ToStatus();  // INTERNAL, names the type
//
// Thread rules: a plain value; share freely.
#ifndef VIREO_CODEC_APPLICATION_EXCEPTION_H_
#define VIREO_CODEC_APPLICATION_EXCEPTION_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "vireo/codec/thrift_types.h"

namespace vireo::codec {

struct TApplicationException {
  // The standard type codes. Values a peer sends beyond these are kept as
  // they are (the enum holds any i32).
  enum class Type : int32_t {
    kUnknown = 0,
    kUnknownMethod = 1,
    kInvalidMessageType = 2,
    kWrongMethodName = 3,
    kBadSequenceId = 4,
    kMissingResult = 5,
    kInternalError = 6,
    kProtocolError = 7,
    kInvalidTransform = 8,
    kInvalidProtocol = 9,
    kUnsupportedClientType = 10,
    // fbthrift's LOADSHEDDING: the server refused the call without running
    // it (it is shutting down, or overloaded); another instance may take it.
    kLoadShedding = 11,
  };

  Type type = Type::kUnknown;
  std::string message;

  // "UNKNOWN_METHOD", ...; "UNKNOWN" for codes outside the list.
  static std::string_view TypeName(Type type);

  // "TApplicationException <TYPE>: <message>" as Unavailable for
  // LOADSHEDDING (the call did not run: retrying it is safe), Internal
  // for every other type.
  absl::Status ToStatus() const;

  // Writes the struct (not the message header). Both fields are always
  // written, as Apache Thrift does.
  template <class Writer>
  void Write(Writer& w) const;

  // Reads the struct (not the message header). Fields other than 1 (string)
  // and 2 (i32) are skipped; a missing field keeps its current value.
  template <class Reader>
  absl::Status Read(Reader& r);
};

// ---- Implementation details ----

template <class Writer>
void TApplicationException::Write(Writer& w) const {
  w.WriteStructBegin();
  w.WriteFieldBegin(TType::kString, 1);
  w.WriteString(message);
  w.WriteFieldEnd();
  w.WriteFieldBegin(TType::kI32, 2);
  w.WriteI32(static_cast<int32_t>(type));
  w.WriteFieldEnd();
  w.WriteFieldStop();
  w.WriteStructEnd();
}

template <class Reader>
absl::Status TApplicationException::Read(Reader& r) {
  if (absl::Status s = r.ReadStructBegin(); !s.ok()) return s;
  while (true) {
    TType field_type;
    int16_t id;
    if (absl::Status s = r.ReadFieldBegin(&field_type, &id); !s.ok()) return s;
    if (field_type == TType::kStop) break;
    absl::Status s;
    if (id == 1 && field_type == TType::kString) {
      s = r.ReadString(&message);
    } else if (id == 2 && field_type == TType::kI32) {
      int32_t v = 0;
      s = r.ReadI32(&v);
      if (s.ok()) type = static_cast<Type>(v);
    } else {
      s = r.Skip(field_type);
    }
    if (!s.ok()) return s;
    if (s = r.ReadFieldEnd(); !s.ok()) return s;
  }
  return r.ReadStructEnd();
}

}  // namespace vireo::codec

#endif  // VIREO_CODEC_APPLICATION_EXCEPTION_H_
