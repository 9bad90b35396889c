// Reading option files: typed YAML scalars with errors that name the key.
//
// Shared by ClientOptions::FromYaml and ServerOptions::FromYaml, so both
// files read durations, sizes and limits the same way.
//
// Example:
//   YAML::Node root = YAML::Load(text);
//   YamlReader r(root, "client");
//   r.Duration("call_timeout", &options.call_timeout);
//   r.Int("num_loops", &options.num_loops);
//   if (absl::Status s = r.Finish(); !s.ok()) return s;   // unknown keys, bad values
//
// Thread rules: a YamlReader is used by one thread.
#ifndef VIREO_CORE_INTERNAL_YAML_UTIL_H_
#define VIREO_CORE_INTERNAL_YAML_UTIL_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "vireo/codec/thrift_types.h"

namespace vireo::internal {

// Parses `text` as a YAML mapping; InvalidArgument with the parser's
// message (and line) otherwise. `what` names the document in errors.
absl::StatusOr<YAML::Node> LoadYamlMapping(std::string_view text, std::string_view what);
// Reads the file at `path`; NotFound / InvalidArgument naming it.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

// Reads the keys of one mapping. Each getter leaves the output untouched
// when the key is absent and records an error when its value has the wrong
// type; Finish() reports the first error, or the first key no getter asked
// for ("unknown key").
class YamlReader {
 public:
  // `path` prefixes key names in errors ("server.limits.max_depth").
  YamlReader(const YAML::Node& node, std::string path);

  void String(std::string_view key, std::string* out);
  void StringList(std::string_view key, std::vector<std::string>* out);
  void StringMap(std::string_view key, std::vector<std::pair<std::string, std::string>>* out);
  void Bool(std::string_view key, bool* out);
  // An integer within [min, max].
  void Int(std::string_view key, int64_t min, int64_t max, int64_t* out);
  template <class T>
  void Int(std::string_view key, T* out, int64_t min = 0,
           int64_t max = static_cast<int64_t>(INT32_MAX)) {
    int64_t v = static_cast<int64_t>(*out);
    Int(key, min, max, &v);
    *out = static_cast<T>(v);
  }
  // A list of integers, each within [min, max].
  void IntList(std::string_view key, std::vector<int>* out, int64_t min = INT32_MIN,
               int64_t max = INT32_MAX);
  // A duration as absl::ParseDuration reads it: "500ms", "2s", "1m", "0".
  void Duration(std::string_view key, absl::Duration* out);
  // One of `names`; stores the index into `names`.
  void Choice(std::string_view key, std::initializer_list<std::string_view> names, int* out);
  // A number within [min, max].
  void Double(std::string_view key, double min, double max, double* out);
  // A nested mapping, read by `read` with a reader whose errors name
  // "<path>.<key>"; its unknown keys are errors too.
  void Map(std::string_view key, absl::FunctionRef<void(YamlReader&)> read);
  // A mapping of mappings: `read` gets each entry's name and a reader for it.
  void MapEach(std::string_view key,
               absl::FunctionRef<void(const std::string& name, YamlReader&)> read);
  // Records `message` as the error of `key` (for checks a getter cannot do).
  void Fail(std::string_view key, std::string_view message);
  // A mapping of the codec limits (max_frame_size, max_string_size,
  // max_container_size, max_depth, max_inflated_size).
  void Limits(std::string_view key, codec::Limits* out);

  // The first error seen, or an unknown key; OK otherwise.
  absl::Status Finish();

 private:
  bool Lookup(std::string_view key, YAML::Node* value);

  YAML::Node node_;
  std::string path_;
  absl::flat_hash_set<std::string> seen_;
  absl::Status error_;
};

}  // namespace vireo::internal

#endif  // VIREO_CORE_INTERNAL_YAML_UTIL_H_
