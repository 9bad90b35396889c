// The JSON codec of generic calls: JSON text <-> Thrift Binary/Compact
// bytes, driven by a Schema (schema.h).
//
// Encoding parses the JSON with simdjson (a flat tape, its buffers kept per
// thread, so steady-state calls do not allocate for it) and walks the tape
// and the IDL together, writing the protocol straight into the LinkBuffer;
// no Thrift value tree is built. Decoding reads the protocol and appends
// JSON text. The mapping (docs/generic.md) follows Kitex's generic JSON:
//
//   bool, i8..i64, double  JSON true/false and numbers; integers are exact to
//                          64 bits (a number or a decimal string is read;
//                          written as a number, or a string with
//                          i64_as_string); doubles NaN/Infinity as strings
//   string                 a JSON string (UTF-8)
//   binary                 base64 (standard alphabet; padding and the URL
//                          alphabet are accepted on input)
//   uuid                   "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
//   enum                   its number, or its name on input (and on output
//                          with enum_as_name)
//   list, set              an array
//   map                    an object; keys that are not strings are written
//                          as their JSON text ("1", "true", an enum number,
//                          base64 for binary); struct and container keys
//                          are not representable and fail with a clear error
//   struct, exception      an object by IDL field name
//   union                  an object with at most one field set
//   absent / null          a field that is left out or null is not written;
//                          a non-optional field with an IDL default gets the
//                          default; a required field without one is an error
//
// Errors name the path of the bad value, from the root object:
//   InvalidArgument("req.items[3].price: expected i32, got string").
// Malformed JSON, unknown fields (unless ignore_unknown_fields), values out
// of range, unknown enum names, bad base64 and wrong types are
// InvalidArgument; a document or nesting past the options' bounds is
// ResourceExhausted. A Thrift decode error is the codec's (codec/
// thrift_types.h) with the path prefixed.
//
// Example:
//   const generic::StructType* complex = schema->FindStruct("Complex");
//   transport::LinkBuffer buf;
//   absl::Status s = generic::JsonToThrift(*complex, R"({"flag": true})",
//                                          codec::ProtocolId::kBinary, buf, {});
//   buf.Flush();
//   std::string json;
//   s = generic::ThriftToJson(*complex, buf, codec::ProtocolId::kBinary, &json, {});
//
// Thread rules: pure functions of their arguments (the parser buffers are
// per thread); any thread.
#ifndef VIREO_CORE_GENERIC_JSON_CODEC_H_
#define VIREO_CORE_GENERIC_JSON_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/core/generic/schema.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::generic {

struct JsonOptions {
  // User-declared: GCC 12 miscompiles defaulted aggregate arguments inside
  // co_await operands.
  JsonOptions() {}

  // Input: a JSON field the IDL struct does not declare is skipped instead
  // of failing the call. Default: false (an error naming its path).
  bool ignore_unknown_fields = false;
  // Output: i64 values as JSON strings ("9007199254740993"), for readers
  // whose numbers are doubles. Default: false (numbers, exact).
  bool i64_as_string = false;
  // Output: enum values by name when the IDL names them. Default: false
  // (numbers, as Kitex writes them).
  bool enum_as_name = false;
  // Output: indented, two spaces a level. Default: false (one line).
  bool pretty = false;
  // Input: the largest JSON document accepted. Default: 64 MiB.
  size_t max_json_bytes = size_t{64} << 20;
  // Input and output: the deepest nesting of structs and containers.
  // Default: 64.
  uint32_t max_depth = 64;
  // Input from the wire: lengths, counts and depth. Default: Limits().
  codec::Limits limits;
};

// Encodes the JSON object `json` as the struct `type` (no message header),
// appending to `out` unflushed. On error `out` may hold part of the struct:
// drop it.
absl::Status JsonToThrift(const StructType& type, std::string_view json, codec::ProtocolId protocol,
                          transport::LinkBuffer& out, const JsonOptions& options);

// Decodes one struct `type` from `in` and appends it to `*json` as a JSON
// object. Fields the IDL does not declare are skipped.
absl::Status ThriftToJson(const StructType& type, transport::LinkBuffer& in,
                          codec::ProtocolId protocol, std::string* json,
                          const JsonOptions& options);

// What a generic call returns, and what a generic handler answers.
struct GenericReply {
  // The method's return value as JSON (`null` for a void method), or, when
  // `exception` is set, the exception as a JSON object.
  std::string json;
  // The IDL type name of the declared exception the call raised ("" for a
  // normal reply), as declared ("NotFound", not "file.NotFound").
  std::string exception;
};

// Encodes `reply` as `method`'s result struct. InvalidArgument when the
// JSON does not fit the return type, or names an exception the method does
// not declare.
absl::Status EncodeResult(const MethodSchema& method, const GenericReply& reply,
                          codec::ProtocolId protocol, transport::LinkBuffer& out,
                          const JsonOptions& options);

// Decodes `method`'s result struct into `*reply`. Internal "<method>: reply
// has no result" when a non-void method's reply has neither a value nor an
// exception.
absl::Status DecodeResult(const MethodSchema& method, transport::LinkBuffer& in,
                          codec::ProtocolId protocol, GenericReply* reply,
                          const JsonOptions& options);

}  // namespace vireo::generic

#endif  // VIREO_CORE_GENERIC_JSON_CODEC_H_
