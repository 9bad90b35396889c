#include "vireo/idl/lexer.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace vireo::idl::internal {
namespace {

// Every word Apache Thrift 0.17's scanner turns into a token of its own.
constexpr std::string_view kKeywords[] = {
    "namespace", "cpp_include", "cpp_type", "xsd_all",   "xsd_optional", "xsd_nillable",
    "xsd_attrs", "include",     "void",     "bool",      "byte",         "i8",
    "i16",       "i32",         "i64",      "double",    "string",       "binary",
    "slist",     "senum",       "map",      "list",      "set",          "oneway",
    "typedef",   "struct",      "union",    "exception", "extends",      "throws",
    "service",   "enum",        "const",    "required",  "optional",     "async",
};

// Old per-language namespace keywords that 0.17 rejects, and what to write.
struct OldNamespace {
  std::string_view word;
  std::string_view instead;
};
constexpr OldNamespace kOldNamespaces[] = {
    {"cpp_namespace", "namespace cpp"},       {"java_package", "namespace java"},
    {"csharp_namespace", "namespace csharp"}, {"delphi_namespace", "namespace delphi"},
    {"php_namespace", "namespace php"},       {"py_module", "namespace py"},
    {"perl_package", "namespace perl"},       {"ruby_namespace", "namespace ruby"},
    {"smalltalk_category", "namespace st"},   {"smalltalk_prefix", "namespace st"},
    {"xsd_namespace", "namespace xsd"},
};

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Length of the longest match of each numeric rule at the start of `s`
// (0 = no match), as flex would find them.
size_t MatchInt(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t start = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  return i > start ? i : 0;
}
size_t MatchHex(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (s.substr(i, 2) != "0x") return 0;
  i += 2;
  size_t start = i;
  while (i < s.size() && IsHexDigit(s[i])) ++i;
  return i > start ? i : 0;
}
// [+-]?[0-9]*(\.[0-9]+)?([eE][+-]?[0-9]+)?  (never the empty match)
size_t MatchDouble(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (i + 1 < s.size() && s[i] == '.' && IsDigit(s[i + 1])) {
    i += 2;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    if (j < s.size() && IsDigit(s[j])) {
      while (j < s.size() && IsDigit(s[j])) ++j;
      i = j;
    }
  }
  return i;
}
// [a-zA-Z_](\.[a-zA-Z_0-9]|[a-zA-Z_0-9])*
size_t MatchIdentifier(std::string_view s) {
  if (s.empty() || !IsIdentStart(s[0])) return 0;
  size_t i = 1;
  while (i < s.size()) {
    if (IsIdentChar(s[i])) {
      ++i;
    } else if (s[i] == '.' && i + 1 < s.size() && IsIdentChar(s[i + 1])) {
      i += 2;
    } else {
      break;
    }
  }
  return i;
}

std::string ByteForMessage(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
  char buf[16];
  std::snprintf(buf, sizeof buf, "byte 0x%02X", u);
  return buf;
}

}  // namespace

std::string Token::Describe() const {
  switch (kind) {
    case TokenKind::kEof:
      return "end of file";
    case TokenKind::kError:
      return "an invalid token";
    case TokenKind::kIdentifier:
      return "identifier \"" + text + "\"";
    case TokenKind::kKeyword:
      return "keyword '" + text + "'";
    case TokenKind::kLiteral:
      return "string literal";
    case TokenKind::kInt:
      return "integer " + std::to_string(int_value);
    case TokenKind::kDouble:
      return "number";
    case TokenKind::kSymbol:
      return "'" + text + "'";
    case TokenKind::kDoc:
      return "doc comment";
  }
  return "token";
}

bool IsThriftKeyword(std::string_view word) {
  for (std::string_view k : kKeywords) {
    if (k == word) return true;
  }
  return false;
}

std::optional<std::string> CleanUpDocText(std::string_view raw) {
  std::string doc;
  doc.reserve(raw.size());
  for (char c : raw) {
    if (c != '\r') doc.push_back(c);
  }
  std::vector<std::string> lines;
  size_t last = 0;
  while (true) {
    size_t pos = doc.find('\n', last);
    if (pos == std::string::npos) {
      // The last line is dropped when it holds only blanks.
      if (doc.find_first_not_of(" \t", last) != std::string::npos) {
        lines.push_back(doc.substr(last));
      }
      break;
    }
    lines.push_back(doc.substr(last, pos - last));
    last = pos + 1;
  }
  if (lines.empty()) return std::nullopt;

  size_t pos = lines.front().find_first_not_of(" \t");
  lines.front().erase(0, pos);

  // A common "<blanks>*" prefix on every non-blank line after the first is
  // removed, star included.
  bool have_prefix = true;
  bool found_prefix = false;
  size_t prefix_len = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string& l = lines[i];
    if (l.empty()) continue;
    pos = l.find_first_not_of(" \t");
    if (!found_prefix) {
      if (pos != std::string::npos) {
        if (l[pos] == '*') {
          found_prefix = true;
          prefix_len = pos;
        } else {
          have_prefix = false;
          break;
        }
      } else {
        l.clear();
      }
    } else if (l.size() > pos && l[pos] == '*' && pos == prefix_len) {
      // The prefix continues.
    } else if (pos == std::string::npos) {
      l.clear();
    } else {
      have_prefix = false;
      break;
    }
  }
  if (have_prefix) {
    ++prefix_len;
    for (size_t i = 1; i < lines.size(); ++i) lines[i].erase(0, prefix_len);
  }

  // Then the smallest indentation of the lines after the first.
  prefix_len = std::string::npos;
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    pos = lines[i].find_first_not_of(" \t");
    if (pos != std::string::npos && (prefix_len == std::string::npos || pos < prefix_len)) {
      prefix_len = pos;
    }
  }
  if (prefix_len != std::string::npos) {
    for (size_t i = 1; i < lines.size(); ++i) lines[i].erase(0, prefix_len);
  }

  for (std::string& l : lines) {
    pos = l.find_last_not_of(" \t");
    if (pos != std::string::npos && pos != l.size() - 1) l.erase(pos + 1);
  }
  if (lines.front().empty()) lines.erase(lines.begin());

  std::string out;
  for (const std::string& l : lines) {
    out += l;
    out += '\n';
  }
  return out;
}

Lexer::Lexer(std::string_view text, const std::string* file, Diagnostics* diagnostics)
    : text_(text), file_(file), diagnostics_(diagnostics) {
  // Apache skips a UTF-8 byte order mark at the start of a file.
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

void Lexer::Bump() {
  if (AtEnd()) return;
  if (text_[pos_] == '\n') {
    ++line_;
    col_ = 1;
  } else {
    ++col_;
  }
  ++pos_;
}

Token Lexer::Make(TokenKind kind, int line, int col) const {
  Token t;
  t.kind = kind;
  t.loc = Location{file_, line, col};
  t.end_line = line_;
  return t;
}

Token Lexer::Error(int line, int col, std::string message) {
  diagnostics_->Error(Location{file_, line, col}, std::move(message));
  sticky_ = Make(TokenKind::kError, line, col);
  return *sticky_;
}

Token Lexer::Next() {
  if (sticky_) return *sticky_;
  while (!AtEnd()) {
    char c = Peek();
    int line = line_;
    int col = col_;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      Bump();
      continue;
    }
    if (c == '#' || (c == '/' && Peek(1) == '/')) {
      while (!AtEnd() && Peek() != '\n') Bump();
      continue;
    }
    if (c == '/' && Peek(1) == '*') {
      // "/**/", "/***/", ...: only stars, so neither a doc nor text.
      size_t i = 2;
      while (pos_ + i < text_.size() && text_[pos_ + i] == '*') ++i;
      if (i >= 3 && pos_ + i < text_.size() && text_[pos_ + i] == '/') {
        for (size_t k = 0; k <= i; ++k) Bump();
        continue;
      }
      bool doc = Peek(2) == '*';
      Token t = LexComment(line, col, doc);
      if (t.kind == TokenKind::kError || t.kind == TokenKind::kDoc) return t;
      continue;
    }
    if (c == '"' || c == '\'') return LexString(line, col);
    if (IsIdentStart(c) || IsDigit(c) || c == '+' || c == '-' || c == '.') {
      return LexNumberOrIdentifier(line, col);
    }
    switch (c) {
      case ':':
      case ';':
      case ',':
      case '{':
      case '}':
      case '(':
      case ')':
      case '=':
      case '<':
      case '>':
      case '[':
      case ']':
      case '*':
      case '&': {
        Token t = Make(TokenKind::kSymbol, line, col);
        t.text = std::string(1, c);
        Bump();
        t.end_line = line;
        return t;
      }
      default:
        return Error(line, col, "unexpected " + ByteForMessage(c) + " in input");
    }
  }
  sticky_ = Make(TokenKind::kEof, line_, col_);
  return *sticky_;
}

Token Lexer::LexComment(int line, int col, bool doc) {
  // Apache scans from after "/*" (or "/**") for the first "*/".
  size_t body = pos_ + (doc ? 3 : 2);
  size_t end = text_.find("*/", body);
  if (end == std::string_view::npos) {
    return Error(line, col, doc ? "unterminated doc comment" : "unterminated comment");
  }
  std::string_view raw = text_.substr(body, end - body);
  while (pos_ < end + 2) Bump();
  if (!doc) return Make(TokenKind::kEof, line, col);  // skipped; caller continues
  Token t = Make(TokenKind::kDoc, line, col);
  t.end_line = line_;
  std::string text(raw);
  text.push_back(' ');  // Apache turns the closing "*/" into one space
  t.doc = CleanUpDocText(text);
  return t;
}

Token Lexer::LexString(int line, int col) {
  char mark = Peek();
  Bump();
  std::string value;
  while (true) {
    if (AtEnd()) return Error(line, col, "unterminated string literal");
    char c = Peek();
    if (c == '\n') return Error(line, col, "string literal runs past the end of the line");
    if (c == '\\') {
      int eline = line_;
      int ecol = col_;
      Bump();
      if (AtEnd()) return Error(line, col, "unterminated string literal");
      char e = Peek();
      switch (e) {
        case 'r':
          value.push_back('\r');
          break;
        case 'n':
          value.push_back('\n');
          break;
        case 't':
          value.push_back('\t');
          break;
        case '"':
          value.push_back('"');
          break;
        case '\'':
          value.push_back('\'');
          break;
        case '\\':
          value.push_back('\\');
          break;
        default:
          return Error(eline, ecol,
                       "bad escape " +
                           (e == '\n' ? std::string("at end of line") : "\\" + ByteForMessage(e)) +
                           " in string literal (allowed: \\r \\n \\t \\\" \\' \\\\)");
      }
      Bump();
      continue;
    }
    Bump();
    if (c == mark) break;
    value.push_back(c);
  }
  Token t = Make(TokenKind::kLiteral, line, col);
  t.text = std::move(value);
  return t;
}

Token Lexer::LexNumberOrIdentifier(int line, int col) {
  std::string_view rest = text_.substr(pos_);
  size_t ident = MatchIdentifier(rest);
  if (ident > 0) {
    // An identifier starts with a letter, so no number rule matches longer.
    std::string word(rest.substr(0, ident));
    for (size_t i = 0; i < ident; ++i) Bump();
    if (word == "true" || word == "false") {
      Token t = Make(TokenKind::kInt, line, col);
      t.text = word;
      t.int_value = word == "true" ? 1 : 0;
      return t;
    }
    if (word == "slist" || word == "senum") {
      return Error(line, col, "\"" + word + "\" is no longer supported, use \"string\" instead");
    }
    for (const OldNamespace& o : kOldNamespaces) {
      if (o.word == word) {
        return Error(
            line, col,
            "unsupported declaration '" + word + "': use '" + std::string(o.instead) + "' instead");
      }
    }
    Token t = Make(IsThriftKeyword(word) ? TokenKind::kKeyword : TokenKind::kIdentifier, line, col);
    t.text = std::move(word);
    return t;
  }
  size_t n_int = MatchInt(rest);
  size_t n_hex = MatchHex(rest);
  size_t n_dub = MatchDouble(rest);
  // Longest match; on a tie the rule listed first wins (int, hex, double).
  size_t best = n_int;
  int rule = 0;
  if (n_hex > best) {
    best = n_hex;
    rule = 1;
  }
  if (n_dub > best) {
    best = n_dub;
    rule = 2;
  }
  if (best == 0) return Error(line, col, "unexpected " + ByteForMessage(rest[0]) + " in input");
  std::string text(rest.substr(0, best));
  for (size_t i = 0; i < best; ++i) Bump();
  if (rule == 2) {
    Token t = Make(TokenKind::kDouble, line, col);
    t.text = text;
    t.double_value = std::strtod(text.c_str(), nullptr);
    return t;
  }
  Token t = Make(TokenKind::kInt, line, col);
  t.text = text;
  errno = 0;
  if (rule == 0) {
    t.int_value = std::strtoll(text.c_str(), nullptr, 10);
  } else {
    size_t shift = text[0] == '0' ? 2 : 3;
    t.int_value = std::strtoll(text.c_str() + shift, nullptr, 16);
    if (text[0] == '-') t.int_value = -t.int_value;
  }
  if (errno == ERANGE) {
    return Error(line, col, "integer " + text + " does not fit in 64 bits");
  }
  return t;
}

}  // namespace vireo::idl::internal
