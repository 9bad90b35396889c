#include "vireo/core/internal/yaml_util.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "vireo/core/internal/str_cat.h"

namespace vireo::internal {

absl::StatusOr<YAML::Node> LoadYamlMapping(std::string_view text, std::string_view what) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(Cat(what, ": ", e.what()));
  }
  if (root.IsNull()) return YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) {
    return absl::InvalidArgumentError(Cat(what, ": expected a mapping of options"));
  }
  return root;
}

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(Cat(path, ": cannot open"));
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return absl::InvalidArgumentError(Cat(path, ": read failed"));
  return s.str();
}

YamlReader::YamlReader(const YAML::Node& node, std::string path)
    : node_(node), path_(std::move(path)) {}

bool YamlReader::Lookup(std::string_view key, YAML::Node* value) {
  seen_.insert(std::string(key));
  if (!node_.IsMap()) return false;
  YAML::Node v = node_[std::string(key)];
  if (!v.IsDefined() || v.IsNull()) return false;
  *value = v;
  return true;
}

void YamlReader::Fail(std::string_view key, std::string_view message) {
  if (error_.ok()) {
    error_ = absl::InvalidArgumentError(Cat(path_, ".", key, ": ", message));
  }
}

void YamlReader::String(std::string_view key, std::string* out) {
  YAML::Node v;
  if (!Lookup(key, &v)) return;
  if (!v.IsScalar()) return Fail(key, "expected a string");
  *out = v.Scalar();
}

void YamlReader::StringList(std::string_view key, std::vector<std::string>* out) {
  YAML::Node v;
  if (!Lookup(key, &v)) return;
  if (v.IsScalar()) {
    *out = {v.Scalar()};
    return;
  }
  if (!v.IsSequence()) return Fail(key, "expected a list of strings");
  std::vector<std::string> items;
  for (const YAML::Node& item : v) {
    if (!item.IsScalar()) return Fail(key, "expected a list of strings");
    items.push_back(item.Scalar());
  }
  *out = std::move(items);
}

void YamlReader::StringMap(std::string_view key,
                           std::vector<std::pair<std::string, std::string>>* out) {
  YAML::Node v;
  if (!Lookup(key, &v)) return;
  if (!v.IsMap()) return Fail(key, "expected a mapping of strings");
  std::vector<std::pair<std::string, std::string>> items;
  for (const auto& kv : v) {
    if (!kv.first.IsScalar() || !kv.second.IsScalar()) {
      return Fail(key, "expected a mapping of strings");
    }
    items.emplace_back(kv.first.Scalar(), kv.second.Scalar());
  }
  *out = std::move(items);
}

void YamlReader::Bool(std::string_view key, bool* out) {
  YAML::Node v;
  if (!Lookup(key, &v)) return;
  bool b = false;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(v, b)) {
    return Fail(key, Cat("expected true or false, got \"", v.Scalar(), "\""));
  }
  *out = b;
}

void YamlReader::Int(std::string_view key, int64_t min, int64_t max, int64_t* out) {
  YAML::Node v;
  if (!Lookup(key, &v)) return;
  int64_t n = 0;
  if (!v.IsScalar() || !YAML::convert<int64_t>::decode(v, n)) {
    return Fail(key, Cat("expected an integer, got \"", v.Scalar(), "\""));
  }
  if (n < min || n > max) {
    return Fail(key, Cat(n, " is out of range [", min, ", ", max, "]"));
  }
  *out = n;
}

void YamlReader::IntList(std::string_view key, std::vector<int>* out, int64_t min,
                         int64_t max) {
  YAML::Node v;
  if (!Lookup(key, &v)) return;
  if (!v.IsSequence()) return Fail(key, "expected a list of integers");
  std::vector<int> items;
  for (const YAML::Node& item : v) {
    int64_t n = 0;
    if (!item.IsScalar() || !YAML::convert<int64_t>::decode(item, n)) {
      return Fail(key, Cat("expected a list of integers, got \"", item.Scalar(), "\""));
    }
    if (n < min || n > max) return Fail(key, Cat(n, " is out of range [", min, ", ", max, "]"));
    items.push_back(static_cast<int>(n));
  }
  *out = std::move(items);
}

void YamlReader::Duration(std::string_view key, absl::Duration* out) {
  YAML::Node v;
  if (!Lookup(key, &v)) return;
  absl::Duration d;
  if (!v.IsScalar() || !absl::ParseDuration(v.Scalar(), &d) || d < absl::ZeroDuration()) {
    return Fail(key, Cat("expected a duration such as 500ms or 2s, got \"", v.Scalar(),
                                  "\""));
  }
  *out = d;
}

void YamlReader::Choice(std::string_view key, std::initializer_list<std::string_view> names,
                        int* out) {
  YAML::Node v;
  if (!Lookup(key, &v)) return;
  if (v.IsScalar()) {
    int i = 0;
    for (std::string_view n : names) {
      if (v.Scalar() == n) {
        *out = i;
        return;
      }
      ++i;
    }
  }
  std::string choices;
  for (std::string_view n : names) choices += Cat(choices.empty() ? "" : ", ", n);
  Fail(key, Cat("expected one of ", choices, ", got \"",
                         v.IsScalar() ? v.Scalar() : std::string("(not a string)"), "\""));
}

void YamlReader::Double(std::string_view key, double min, double max, double* out) {
  YAML::Node v;
  if (!Lookup(key, &v)) return;
  double d = 0;
  if (!v.IsScalar() || !YAML::convert<double>::decode(v, d) || !(d >= min && d <= max)) {
    return Fail(key, Cat("expected a number in [", min, ", ", max, "], got \"", v.Scalar(), "\""));
  }
  *out = d;
}

void YamlReader::Map(std::string_view key, absl::FunctionRef<void(YamlReader&)> read) {
  YAML::Node v;
  if (!Lookup(key, &v)) return;
  if (!v.IsMap()) return Fail(key, "expected a mapping");
  YamlReader r(v, Cat(path_, ".", key));
  read(r);
  if (absl::Status s = r.Finish(); !s.ok() && error_.ok()) error_ = s;
}

void YamlReader::MapEach(std::string_view key,
                         absl::FunctionRef<void(const std::string& name, YamlReader&)> read) {
  YAML::Node v;
  if (!Lookup(key, &v)) return;
  if (!v.IsMap()) return Fail(key, "expected a mapping");
  for (const auto& kv : v) {
    const std::string name = kv.first.Scalar();
    if (!kv.second.IsMap()) {
      if (error_.ok()) {
        error_ = absl::InvalidArgumentError(Cat(path_, ".", key, ".", name, ": expected a mapping"));
      }
      return;
    }
    YamlReader r(kv.second, Cat(path_, ".", key, ".", name));
    read(name, r);
    if (absl::Status s = r.Finish(); !s.ok() && error_.ok()) error_ = s;
  }
}

void YamlReader::Limits(std::string_view key, codec::Limits* out) {
  YAML::Node v;
  if (!Lookup(key, &v)) return;
  if (!v.IsMap()) return Fail(key, "expected a mapping");
  YamlReader r(v, Cat(path_, ".", key));
  constexpr int64_t kMax = UINT32_MAX;
  r.Int("max_frame_size", &out->max_frame_size, 1, kMax);
  r.Int("max_string_size", &out->max_string_size, 0, kMax);
  r.Int("max_container_size", &out->max_container_size, 0, kMax);
  r.Int("max_depth", &out->max_depth, 1, kMax);
  r.Int("max_inflated_size", &out->max_inflated_size, 1, kMax);
  if (absl::Status s = r.Finish(); !s.ok() && error_.ok()) error_ = s;
}

absl::Status YamlReader::Finish() {
  if (!error_.ok()) return error_;
  if (node_.IsMap()) {
    for (const auto& kv : node_) {
      const std::string k = kv.first.Scalar();
      if (!seen_.contains(k)) {
        return absl::InvalidArgumentError(Cat(path_, ".", k, ": unknown key"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace vireo::internal
