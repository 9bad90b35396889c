#include "vireo/idl/lexer.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace vireo::idl::internal {
namespace {

struct Lexed {
  std::vector<Token> tokens;  // up to and including kEof or kError
  Diagnostics diagnostics;
};

Lexed LexAll(std::string_view text) {
  static const std::string kFile = "t.thrift";
  Lexed out;
  Lexer lexer(text, &kFile, &out.diagnostics);
  while (true) {
    out.tokens.push_back(lexer.Next());
    TokenKind k = out.tokens.back().kind;
    if (k == TokenKind::kEof || k == TokenKind::kError) break;
  }
  return out;
}

std::string FirstError(const Lexed& l) {
  for (const Diagnostic& d : l.diagnostics.all()) {
    if (d.severity == Diagnostic::Severity::kError) {
      return std::to_string(d.loc.line) + ":" + std::to_string(d.loc.col) + ": " + d.message;
    }
  }
  return "";
}

TEST(Lexer, KeywordsIdentifiersAndSymbols) {
  Lexed l = LexAll("struct Foo.Bar structs i32.x { } ( ) = < > [ ] : ; , * &");
  ASSERT_EQ(l.tokens.size(), 19u);
  EXPECT_TRUE(l.tokens[0].IsKeyword("struct"));
  EXPECT_TRUE(l.tokens[1].Is(TokenKind::kIdentifier, "Foo.Bar"));
  EXPECT_TRUE(l.tokens[2].Is(TokenKind::kIdentifier, "structs"));
  // A keyword followed by ".x" is one identifier: the longer match wins.
  EXPECT_TRUE(l.tokens[3].Is(TokenKind::kIdentifier, "i32.x"));
  std::string symbols;
  for (size_t i = 4; i < 18; ++i) {
    ASSERT_EQ(l.tokens[i].kind, TokenKind::kSymbol) << i;
    symbols += l.tokens[i].text;
  }
  EXPECT_EQ(symbols, "{}()=<>[]:;,*&");
  EXPECT_EQ(l.tokens[18].kind, TokenKind::kEof);
  EXPECT_EQ(l.diagnostics.error_count(), 0);
}

TEST(Lexer, TrueAndFalseAreIntegers) {
  Lexed l = LexAll("true false truex");
  EXPECT_EQ(l.tokens[0].kind, TokenKind::kInt);
  EXPECT_EQ(l.tokens[0].int_value, 1);
  EXPECT_EQ(l.tokens[1].kind, TokenKind::kInt);
  EXPECT_EQ(l.tokens[1].int_value, 0);
  EXPECT_TRUE(l.tokens[2].Is(TokenKind::kIdentifier, "truex"));
}

TEST(Lexer, Numbers) {
  Lexed l = LexAll("42 -7 +3 0x1F -0x10 1.5 -2.5e3 .5e-3 1e5 e10 +");
  ASSERT_EQ(l.tokens.size(), 12u);
  EXPECT_EQ(l.tokens[0].int_value, 42);
  EXPECT_EQ(l.tokens[1].int_value, -7);
  EXPECT_EQ(l.tokens[2].int_value, 3);
  EXPECT_EQ(l.tokens[3].int_value, 31);
  EXPECT_EQ(l.tokens[4].int_value, -16);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(l.tokens[i].kind, TokenKind::kInt) << i;
  EXPECT_EQ(l.tokens[5].kind, TokenKind::kDouble);
  EXPECT_DOUBLE_EQ(l.tokens[5].double_value, 1.5);
  EXPECT_DOUBLE_EQ(l.tokens[6].double_value, -2500);
  EXPECT_DOUBLE_EQ(l.tokens[7].double_value, 0.0005);
  EXPECT_EQ(l.tokens[8].kind, TokenKind::kDouble);  // "1e5" is longer as a double
  EXPECT_DOUBLE_EQ(l.tokens[8].double_value, 100000);
  // "e10" is an identifier, not a double (the identifier rule wins ties).
  EXPECT_TRUE(l.tokens[9].Is(TokenKind::kIdentifier, "e10"));
  // A lone sign matches Apache's double rule: 0.
  EXPECT_EQ(l.tokens[10].kind, TokenKind::kDouble);
  EXPECT_DOUBLE_EQ(l.tokens[10].double_value, 0);
}

TEST(Lexer, Int64Limits) {
  Lexed l = LexAll("9223372036854775807 -9223372036854775808 0x7FFFFFFFFFFFFFFF");
  EXPECT_EQ(l.tokens[0].int_value, INT64_MAX);
  EXPECT_EQ(l.tokens[1].int_value, INT64_MIN);
  EXPECT_EQ(l.tokens[2].int_value, INT64_MAX);
  EXPECT_EQ(FirstError(LexAll("const i64 X = 9223372036854775808")),
            "1:15: integer 9223372036854775808 does not fit in 64 bits");
  EXPECT_EQ(FirstError(LexAll("0xFFFFFFFFFFFFFFFF")),
            "1:1: integer 0xFFFFFFFFFFFFFFFF does not fit in 64 bits");
}

TEST(Lexer, StringLiterals) {
  Lexed l = LexAll(R"("a\"b" 'c\'d' "it's" 'say "hi"' "\r\n\t\\")");
  ASSERT_EQ(l.tokens.size(), 6u);
  EXPECT_EQ(l.tokens[0].text, "a\"b");
  EXPECT_EQ(l.tokens[1].text, "c'd");
  EXPECT_EQ(l.tokens[2].text, "it's");
  EXPECT_EQ(l.tokens[3].text, "say \"hi\"");
  EXPECT_EQ(l.tokens[4].text, "\r\n\t\\");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(l.tokens[i].kind, TokenKind::kLiteral);
}

TEST(Lexer, StringErrors) {
  EXPECT_EQ(FirstError(LexAll("x = \"abc")), "1:5: unterminated string literal");
  EXPECT_EQ(FirstError(LexAll("\n  'abc\ndef'")),
            "2:3: string literal runs past the end of the line");
  EXPECT_EQ(FirstError(LexAll(R"("a\qb")")),
            R"(1:3: bad escape \'q' in string literal (allowed: \r \n \t \" \' \\))");
  EXPECT_EQ(FirstError(LexAll("\"a\\")), "1:1: unterminated string literal");
}

TEST(Lexer, CommentsAreSkipped) {
  Lexed l = LexAll("a // x\nb # y\nc /* z\n */ d /**/ e /***/ f");
  ASSERT_EQ(l.tokens.size(), 7u);
  std::string names;
  for (size_t i = 0; i < 6; ++i) names += l.tokens[i].text;
  EXPECT_EQ(names, "abcdef");
  EXPECT_EQ(l.tokens[3].loc.line, 4);
  EXPECT_EQ(l.tokens[3].loc.col, 5);
}

TEST(Lexer, DocCommentToken) {
  Lexed l = LexAll("/**\n * Hello\n *   world\n */\nstruct");
  ASSERT_EQ(l.tokens[0].kind, TokenKind::kDoc);
  ASSERT_TRUE(l.tokens[0].doc.has_value());
  EXPECT_EQ(*l.tokens[0].doc, "Hello\n  world\n");
  EXPECT_EQ(l.tokens[0].loc.line, 1);
  EXPECT_EQ(l.tokens[0].end_line, 4);
  EXPECT_TRUE(l.tokens[1].IsKeyword("struct"));
  // Blank doc comments carry no text.
  Lexed blank = LexAll("/**   */");
  ASSERT_EQ(blank.tokens[0].kind, TokenKind::kDoc);
  EXPECT_FALSE(blank.tokens[0].doc.has_value());
}

TEST(Lexer, UnterminatedComments) {
  EXPECT_EQ(FirstError(LexAll("a\n  /* never")), "2:3: unterminated comment");
  EXPECT_EQ(FirstError(LexAll("/** never *")), "1:1: unterminated doc comment");
}

TEST(Lexer, UnexpectedBytes) {
  EXPECT_EQ(FirstError(LexAll("struct S\n{ @ }")), "2:3: unexpected '@' in input");
  EXPECT_EQ(FirstError(LexAll("a \xFF")), "1:3: unexpected byte 0xFF in input");
  EXPECT_EQ(FirstError(LexAll(std::string("a\0b", 3))), "1:2: unexpected byte 0x00 in input");
  EXPECT_EQ(FirstError(LexAll("x . y")), "1:3: unexpected '.' in input");
}

TEST(Lexer, DeprecatedWords) {
  EXPECT_EQ(FirstError(LexAll("slist")),
            "1:1: \"slist\" is no longer supported, use \"string\" instead");
  EXPECT_EQ(FirstError(LexAll("senum")),
            "1:1: \"senum\" is no longer supported, use \"string\" instead");
  EXPECT_EQ(FirstError(LexAll("java_package x")),
            "1:1: unsupported declaration 'java_package': use 'namespace java' instead");
}

TEST(Lexer, ErrorIsSticky) {
  static const std::string kFile = "t.thrift";
  Diagnostics d;
  Lexer lexer("@ a b", &kFile, &d);
  EXPECT_EQ(lexer.Next().kind, TokenKind::kError);
  EXPECT_EQ(lexer.Next().kind, TokenKind::kError);
  EXPECT_EQ(d.error_count(), 1);
}

TEST(Lexer, SkipsByteOrderMark) {
  Lexed l = LexAll("\xEF\xBB\xBFstruct");
  EXPECT_TRUE(l.tokens[0].IsKeyword("struct"));
  EXPECT_EQ(l.tokens[0].loc.col, 1);
}

TEST(CleanUpDocText, MatchesApache) {
  // What Apache's scanner hands it: the text after "/**" with "*/" -> " ".
  EXPECT_EQ(CleanUpDocText(" one line  "), "one line\n");
  EXPECT_EQ(CleanUpDocText("\n * a\n *  b\n *\n * c\n  "), "a\n b\n\nc\n");
  // No common star prefix: the least indentation goes.
  EXPECT_EQ(CleanUpDocText("\n    x\n      y\n   "), "x\n  y\n");
  // A line breaking the star pattern keeps every star.
  EXPECT_EQ(CleanUpDocText("\n * a\n b\n "), "* a\nb\n");
  EXPECT_EQ(CleanUpDocText("first\r\n * second\n "), "first\nsecond\n");
  EXPECT_EQ(CleanUpDocText("   \t "), std::nullopt);
  EXPECT_EQ(CleanUpDocText("\n\n "), "\n");
}

}  // namespace
}  // namespace vireo::idl::internal
