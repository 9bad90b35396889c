#include "vireo/core/biz_status.h"

#include <cstddef>
#include <cstdint>
#include <limits>

#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "vireo/core/internal/str_cat.h"

namespace vireo {
namespace {

// The payload's key on an absl::Status. The payload is
// "<code>:<message length>:<message><extra as JSON>", so that a message
// holding any byte still splits back unambiguously.
constexpr std::string_view kPayloadUrl = "type.vireo/biz-status";

// JSON's one-letter escapes: each letter, then the byte it stands for.
constexpr std::string_view kShortEscapes = "\"\"\\\\//b\bf\fn\nr\rt\t";

// The byte that `\<letter>` stands for, or nullopt.
std::optional<char> Unescape(char letter) {
  for (size_t i = 0; i < kShortEscapes.size(); i += 2) {
    if (kShortEscapes[i] == letter) return kShortEscapes[i + 1];
  }
  return std::nullopt;
}

// The letter that escapes `byte`, or nullopt. '/' is left as it is.
std::optional<char> EscapeLetter(char byte) {
  if (byte == '/') return std::nullopt;
  for (size_t i = 1; i < kShortEscapes.size(); i += 2) {
    if (kShortEscapes[i] == byte) return kShortEscapes[i - 1];
  }
  return std::nullopt;
}

// Longest header value quoted back in an error message.
constexpr size_t kMaxQuoted = 64;

absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// A strict decimal int32: an optional '-' then digits only (no '+', no
// spaces), within [INT32_MIN, INT32_MAX].
std::optional<int32_t> ParseInt32(std::string_view s) {
  bool negative = false;
  if (!s.empty() && s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  const int64_t limit = negative ? -int64_t{std::numeric_limits<int32_t>::min()}
                                 : std::numeric_limits<int32_t>::max();
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
    if (v > limit) return std::nullopt;
  }
  return static_cast<int32_t>(negative ? -v : v);
}

// A non-negative decimal size, digits only.
std::optional<size_t> ParseSize(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  size_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<size_t>(c - '0');
  }
  return v;
}

std::string Quote(std::string_view value) {
  std::string shown = absl::CHexEscape(ToAbsl(value.substr(0, kMaxQuoted)));
  if (value.size() > kMaxQuoted) shown += "...";
  return internal::Cat("\"", shown, "\"");
}

absl::Status MakeStatus(const BizStatus& biz, std::string_view prefix) {
  std::string message = prefix.empty()
                            ? internal::Cat("biz status ", biz.code, ": ", biz.message)
                            : internal::Cat(prefix, ": biz status ", biz.code, ": ", biz.message);
  absl::Status status(absl::StatusCode::kUnknown, message);
  status.SetPayload(ToAbsl(kPayloadUrl),
                    absl::Cord(internal::Cat(biz.code, ":", biz.message.size(), ":", biz.message,
                                             internal::EncodeJsonStringMap(biz.extra))));
  return status;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// A one-object JSON parser: no recursion, every step bounded by the input.
class JsonMapParser {
 public:
  JsonMapParser(std::string_view text, size_t max_entries)
      : text_(text), max_entries_(max_entries) {}

  absl::StatusOr<std::map<std::string, std::string>> Parse() {
    std::map<std::string, std::string> map;
    SkipSpace();
    if (!Consume('{')) return Error("expected '{'");
    SkipSpace();
    if (!Consume('}')) {
      while (true) {
        SkipSpace();
        const size_t key_at = pos_;
        if (!Consume('"')) return Error("expected a string key");
        std::string key;
        if (absl::Status s = ParseString(key); !s.ok()) return s;
        SkipSpace();
        if (!Consume(':')) return Error("expected ':'");
        SkipSpace();
        if (AtEnd()) return Error("unexpected end, expected a string value");
        if (text_[pos_] != '"') {
          return Error(text_[pos_] == '{' || text_[pos_] == '['
                           ? "nested values are not allowed, expected a string"
                           : "expected a string value");
        }
        ++pos_;
        std::string value;
        if (absl::Status s = ParseString(value); !s.ok()) return s;
        if (map.contains(key)) return ErrorAt(key_at, internal::Cat("duplicate key ", Quote(key)));
        if (map.size() >= max_entries_) {
          return ErrorAt(key_at, internal::Cat("more than ", max_entries_, " entries"));
        }
        map.emplace(std::move(key), std::move(value));
        SkipSpace();
        if (Consume('}')) break;
        if (!Consume(',')) return Error("expected ',' or '}'");
      }
    }
    SkipSpace();
    if (!AtEnd()) return Error("trailing bytes after the object");
    return map;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }

  bool Consume(char c) {
    if (AtEnd() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  void SkipSpace() {
    while (!AtEnd() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                        text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  absl::Status ErrorAt(size_t at, std::string_view what) const {
    return absl::InvalidArgumentError(internal::Cat("JSON at offset ", at, ": ", what));
  }
  absl::Status Error(std::string_view what) const {
    return ErrorAt(pos_, AtEnd() ? internal::Cat(what, " (input ends)") : std::string(what));
  }

  // Four hex digits at pos_, consumed.
  std::optional<uint32_t> Hex4() {
    if (text_.size() - pos_ < 4) return std::nullopt;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_ + i];
      uint32_t d;
      if (c >= '0' && c <= '9') {
        d = static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        d = static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        d = static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return std::nullopt;
      }
      v = v * 16 + d;
    }
    pos_ += 4;
    return v;
  }

  // The rest of a string whose opening quote is consumed. Bytes >= 0x80
  // pass through unchecked, as EncodeJsonStringMap writes them.
  absl::Status ParseString(std::string& out) {
    while (true) {
      if (AtEnd()) return Error("unterminated string");
      const unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return absl::OkStatus();
      }
      if (c < 0x20) return Error("raw control byte in a string");
      if (c != '\\') {
        out += static_cast<char>(c);
        ++pos_;
        continue;
      }
      const size_t escape_at = pos_;
      ++pos_;
      if (AtEnd()) return Error("unterminated escape");
      const char e = text_[pos_++];
      if (std::optional<char> byte = Unescape(e)) {
        out += *byte;
        continue;
      }
      if (e != 'u') return ErrorAt(escape_at, "unknown escape");
      std::optional<uint32_t> cp = Hex4();
      if (!cp) return ErrorAt(escape_at, "\\u needs four hex digits");
      if (*cp >= 0xDC00 && *cp <= 0xDFFF) return ErrorAt(escape_at, "lone low surrogate");
      if (*cp >= 0xD800 && *cp <= 0xDBFF) {
        std::optional<uint32_t> low;
        if (text_.size() - pos_ >= 2 && text_[pos_] == '\\' && text_[pos_ + 1] == 'u') {
          pos_ += 2;
          low = Hex4();
        }
        if (!low || *low < 0xDC00 || *low > 0xDFFF) {
          return ErrorAt(escape_at, "high surrogate not followed by a low one");
        }
        *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
      }
      AppendUtf8(out, *cp);
    }
  }

  std::string_view text_;
  size_t max_entries_;
  size_t pos_ = 0;
};

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (std::optional<char> letter = EscapeLetter(ch)) {
      out += '\\';
      out += *letter;
    } else if (c < 0x20) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += ch;
    }
  }
  out += '"';
}

}  // namespace

BizError::BizError(int32_t code, std::string message, std::map<std::string, std::string> extra)
    : status_{code, std::move(message), std::move(extra)} {}

absl::Status BizStatusToStatus(const BizStatus& biz) { return MakeStatus(biz, {}); }

std::optional<BizStatus> GetBizStatus(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(ToAbsl(kPayloadUrl));
  if (!payload) return std::nullopt;
  const std::string flat(*payload);
  std::string_view rest(flat);
  const size_t colon1 = rest.find(':');
  if (colon1 == std::string_view::npos) return std::nullopt;
  std::optional<int32_t> code = ParseInt32(rest.substr(0, colon1));
  rest.remove_prefix(colon1 + 1);
  const size_t colon2 = rest.find(':');
  if (!code || colon2 == std::string_view::npos) return std::nullopt;
  std::optional<size_t> size = ParseSize(rest.substr(0, colon2));
  rest.remove_prefix(colon2 + 1);
  if (!size || *size > rest.size()) return std::nullopt;
  BizStatus biz;
  biz.code = *code;
  biz.message.assign(rest.substr(0, *size));
  rest.remove_prefix(*size);
  absl::StatusOr<std::map<std::string, std::string>> extra =
      internal::DecodeJsonStringMap(rest, std::numeric_limits<size_t>::max());
  if (!extra.ok()) return std::nullopt;
  biz.extra = *std::move(extra);
  return biz;
}

namespace internal {

codec::StringHeaders BizStatusHeaders(const BizStatus& biz) {
  codec::StringHeaders headers;
  headers.emplace_back(std::string(kBizStatusKey), Cat(biz.code));
  headers.emplace_back(std::string(kBizMessageKey), biz.message);
  if (!biz.extra.empty()) {
    headers.emplace_back(std::string(kBizExtraKey), EncodeJsonStringMap(biz.extra));
  }
  return headers;
}

std::optional<absl::Status> BizStatusFromHeaders(
    const codec::StringHeaders& headers, std::string_view prefix) {
  // The first of a repeated key wins, as Metadata::Find does.
  const std::string* code_text = nullptr;
  const std::string* message = nullptr;
  const std::string* extra_text = nullptr;
  for (const auto& [k, v] : headers) {
    if (k == kBizStatusKey && code_text == nullptr) code_text = &v;
    if (k == kBizMessageKey && message == nullptr) message = &v;
    if (k == kBizExtraKey && extra_text == nullptr) extra_text = &v;
  }
  if (code_text == nullptr) return std::nullopt;
  const std::string where = prefix.empty() ? std::string() : Cat(prefix, ": ");
  std::optional<int32_t> code = ParseInt32(*code_text);
  if (!code) {
    return absl::InternalError(Cat(where, "malformed ", kBizStatusKey, " header ",
                                   Quote(*code_text), ": not a decimal int32"));
  }
  if (*code == 0) return std::nullopt;
  BizStatus biz;
  biz.code = *code;
  if (message != nullptr) biz.message = *message;
  // An empty biz-extra means no extra, as Kitex writes none then.
  if (extra_text != nullptr && !extra_text->empty()) {
    absl::StatusOr<std::map<std::string, std::string>> extra = DecodeJsonStringMap(*extra_text);
    if (!extra.ok()) {
      return absl::InternalError(
          Cat(where, "malformed ", kBizExtraKey,
              " header: not a JSON object of strings: ", extra.status().message()));
    }
    biz.extra = *std::move(extra);
  }
  return MakeStatus(biz, prefix);
}

std::string EncodeJsonStringMap(const std::map<std::string, std::string>& map) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : map) {
    if (!first) out += ',';
    first = false;
    AppendJsonString(out, k);
    out += ':';
    AppendJsonString(out, v);
  }
  out += '}';
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> DecodeJsonStringMap(std::string_view json,
                                                                       size_t max_entries) {
  return JsonMapParser(json, max_entries).Parse();
}

}  // namespace internal
}  // namespace vireo
