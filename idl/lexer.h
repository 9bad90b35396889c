// The Thrift IDL tokenizer: turns the bytes of one .thrift file into tokens,
// matching Apache Thrift 0.17's scanner (longest match; keywords win ties
// with identifiers; `true`/`false` are integers; `Status.ACTIVE` and
// `shared.Point` are single identifiers).
//
// Doc comments (`/** ... */`) come out as kDoc tokens carrying the text
// cleaned as Apache cleans it, so that the parser can attach them with
// Apache's rules. Plain comments and whitespace are skipped.
//
// Example:
//   Lexer lexer(text, &file, &diagnostics);
//   for (Token t = lexer.Next(); t.kind != TokenKind::kEof; t = lexer.Next()) {
//     if (t.kind == TokenKind::kError) break;  // already reported
//   }
//
// Thread rules: one thread per Lexer.
#ifndef VIREO_IDL_LEXER_H_
#define VIREO_IDL_LEXER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vireo/idl/frontend.h"
#include "vireo/idl/model.h"

namespace vireo::idl::internal {

enum class TokenKind {
  kEof,
  kError,       // reported to the Diagnostics already; stop parsing
  kIdentifier,  // text: the identifier, dots included
  kKeyword,     // text: the keyword
  kLiteral,     // text: the string's value, escapes applied
  kInt,         // int_value; also `true` (1) and `false` (0)
  kDouble,      // double_value
  kSymbol,      // text: one of : ; , { } ( ) = < > [ ] * &
  kDoc,         // doc: the cleaned doc comment, or nullopt when it was blank
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  std::string text;
  int64_t int_value = 0;
  double double_value = 0;
  std::optional<std::string> doc;
  Location loc;      // first byte of the token
  int end_line = 0;  // line of the token's last byte (docs span lines)

  bool Is(TokenKind k, std::string_view t) const { return kind == k && text == t; }
  bool IsSymbol(char c) const {
    return kind == TokenKind::kSymbol && text.size() == 1 && text[0] == c;
  }
  bool IsKeyword(std::string_view k) const { return Is(TokenKind::kKeyword, k); }
  // How the token reads in an error message: `'struct'`, `identifier "Foo"`.
  std::string Describe() const;
};

// Apache's clean_up_doctext applied to the text between `/**` and `*/`
// (the closing `*/` replaced by one space, as Apache's scanner does).
// nullopt when nothing but blanks remain.
std::optional<std::string> CleanUpDocText(std::string_view raw);

// True for the words Thrift's scanner makes keywords in 0.17.
bool IsThriftKeyword(std::string_view word);

class Lexer {
 public:
  // `text` and `file` must outlive the Lexer; errors go to `diagnostics`.
  Lexer(std::string_view text, const std::string* file, Diagnostics* diagnostics);

  // The next token. After kEof or kError, keeps returning it.
  Token Next();

 private:
  Token Make(TokenKind kind, int line, int col) const;
  Token Error(int line, int col, std::string message);
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool AtEnd(size_t ahead = 0) const { return pos_ + ahead >= text_.size(); }
  void Bump();  // advances one byte, keeping line_/col_
  Token LexNumberOrIdentifier(int line, int col);
  Token LexString(int line, int col);
  Token LexComment(int line, int col, bool doc);

  std::string_view text_;
  const std::string* file_;
  Diagnostics* diagnostics_;
  size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
  std::optional<Token> sticky_;  // kEof or kError once reached
};

}  // namespace vireo::idl::internal

#endif  // VIREO_IDL_LEXER_H_
