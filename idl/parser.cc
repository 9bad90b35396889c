#include "vireo/idl/parser.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "vireo/idl/lexer.h"

namespace vireo::idl::internal {
namespace {

// Apache's rules for which doc comment documents what, kept as its globals
// are: a definition, field, enum value or function takes the doc comment
// last scanned before its first token, if nothing took it since. The first
// doc comment of a file is the program's doc unless the definition it
// documents was completed while it was still the latest comment scanned;
// a header (include, namespace, cpp_include) seen first confirms it. What
// "scanned" means depends on the one token of lookahead Apache's LALR
// parser reads, which the parser below mirrors by peeking only where that
// parser needs a lookahead token.
class DocState {
 public:
  void OnDoc(const Token& t) {
    pending_ = t.doc;
    last_line_ = t.end_line;
    if (!candidate_ && status_ == Status::kInvalid && t.doc) {
      candidate_ = t.doc;
      candidate_line_ = t.end_line;
      status_ = Status::kStillCandidate;
    }
  }
  std::optional<std::string> Capture() { return std::exchange(pending_, std::nullopt); }
  void Destroy() { pending_.reset(); }
  void Set(std::string* target, const std::optional<std::string>& doc) {
    if (!doc) return;
    *target = *doc;
    if (last_line_ == candidate_line_ && status_ == Status::kStillCandidate) {
      status_ = Status::kAlreadyProcessed;
    }
  }
  void DeclareValidProgramDoc() {
    status_ = candidate_ && status_ == Status::kStillCandidate ? Status::kAbsolutelySure
                                                               : Status::kNoProgramDoc;
  }
  std::string ProgramDoc() const {
    return candidate_ && status_ != Status::kAlreadyProcessed ? *candidate_ : std::string();
  }

 private:
  enum class Status {
    kInvalid,
    kStillCandidate,
    kAlreadyProcessed,
    kAbsolutelySure,
    kNoProgramDoc
  };
  std::optional<std::string> pending_;
  int last_line_ = 0;
  std::optional<std::string> candidate_;
  int candidate_line_ = -1;
  Status status_ = Status::kInvalid;
};

class Parser {
 public:
  Parser(std::string_view text, const std::string* file, const ParseOptions& options,
         Diagnostics* diagnostics)
      : lexer_(text, file, diagnostics), options_(options), diagnostics_(diagnostics) {}

  std::unique_ptr<Program> Run();

 private:
  const Token& Peek();
  Token Take();
  bool Fail(const Location& loc, std::string message);
  bool Unexpected(const std::string& expected);
  bool PeekSymbol(char c) { return Peek().IsSymbol(c); }
  bool PeekKeyword(std::string_view k) { return Peek().IsKeyword(k); }
  bool ExpectSymbol(char c, const std::string& context);
  // A plain name (no dots), for definitions, fields, values, functions.
  bool ExpectName(const std::string& what, std::string* name, Location* loc);
  void OptionalSeparator();

  bool ParseHeader();
  bool ParseDefinition(std::optional<std::string> doc);
  bool ParseTypedef(Location loc, std::optional<std::string> doc);
  bool ParseEnum(Location loc, std::optional<std::string> doc);
  bool ParseConst(Location loc, std::optional<std::string> doc);
  bool ParseStruct(Location loc, std::optional<std::string> doc, Struct::Flavor flavor);
  bool ParseService(Location loc, std::optional<std::string> doc);
  bool ParseFunction(Service* service);
  bool ParseFieldList(char closer, bool arguments, int depth, std::vector<Field>* fields);
  bool ParseField(bool arguments, int depth, int* next_auto_id, Field* field);
  std::unique_ptr<Type> ParseFieldType(int depth);
  bool ParseAnnotations(Annotations* annotations);
  bool ParseConstValue(int depth, ConstValue* value);
  bool TooDeep(int depth, const Location& loc, const char* what);

  Lexer lexer_;
  ParseOptions options_;
  Diagnostics* diagnostics_;
  std::optional<Token> lookahead_;
  DocState docs_;
  std::unique_ptr<Program> program_;
  bool byte_warned_here_ = false;
};

const Token& Parser::Peek() {
  while (!lookahead_) {
    Token t = lexer_.Next();
    if (t.kind == TokenKind::kDoc) {
      docs_.OnDoc(t);
      continue;
    }
    lookahead_ = std::move(t);
  }
  return *lookahead_;
}

Token Parser::Take() {
  Peek();
  Token t = std::move(*lookahead_);
  if (t.kind == TokenKind::kEof || t.kind == TokenKind::kError) {
    lookahead_ = t;  // stays at the end
  } else {
    lookahead_.reset();
  }
  return t;
}

bool Parser::Fail(const Location& loc, std::string message) {
  diagnostics_->Error(loc, std::move(message));
  return false;
}

bool Parser::Unexpected(const std::string& expected) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kError) return false;  // reported by the lexer
  return Fail(t.loc, "expected " + expected + ", found " + t.Describe());
}

bool Parser::ExpectSymbol(char c, const std::string& context) {
  if (PeekSymbol(c)) {
    Take();
    return true;
  }
  return Unexpected(std::string("'") + c + "' " + context);
}

bool Parser::ExpectName(const std::string& what, std::string* name, Location* loc) {
  const Token& t = Peek();
  if (t.kind != TokenKind::kIdentifier) {
    if (t.kind == TokenKind::kKeyword) {
      return Fail(t.loc, "expected " + what + ", found keyword '" + t.text +
                             "' (Thrift keywords cannot be used as names)");
    }
    return Unexpected(what);
  }
  if (t.text.find('.') != std::string::npos) {
    return Fail(t.loc, what + " \"" + t.text + "\" must not contain a dot");
  }
  *loc = t.loc;
  *name = Take().text;
  return true;
}

void Parser::OptionalSeparator() {
  if (PeekSymbol(',') || PeekSymbol(';')) Take();
}

bool Parser::TooDeep(int depth, const Location& loc, const char* what) {
  if (depth <= options_.max_nesting_depth) return false;
  Fail(loc, std::string(what) + " nest deeper than " + std::to_string(options_.max_nesting_depth) +
                " levels");
  return true;
}

std::unique_ptr<Program> Parser::Run() {
  program_ = std::make_unique<Program>();
  // Headers come first: include, cpp_include, namespace.
  while (PeekKeyword("include") || PeekKeyword("cpp_include") || PeekKeyword("namespace")) {
    docs_.Destroy();
    if (!ParseHeader()) return nullptr;
  }
  while (Peek().kind != TokenKind::kEof) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kError) return nullptr;
    if (t.IsKeyword("include") || t.IsKeyword("cpp_include") || t.IsKeyword("namespace")) {
      Fail(t.loc, "'" + t.text + "' must come before every definition");
      return nullptr;
    }
    std::optional<std::string> doc = docs_.Capture();
    if (!ParseDefinition(std::move(doc))) return nullptr;
  }
  program_->doc = docs_.ProgramDoc();
  return std::move(program_);
}

bool Parser::ParseHeader() {
  Token kw = Take();
  if (kw.text == "include" || kw.text == "cpp_include") {
    if (Peek().kind != TokenKind::kLiteral) {
      return Unexpected("a quoted file name after '" + kw.text + "'");
    }
    Token lit = Take();
    if (kw.text == "include") {
      Include inc;
      inc.path = lit.text;
      inc.loc = lit.loc;
      program_->includes.push_back(std::move(inc));
    } else {
      program_->cpp_includes.push_back(lit.text);
    }
    docs_.DeclareValidProgramDoc();
    return true;
  }
  // namespace
  std::string scope;
  bool star = false;
  if (PeekSymbol('*')) {
    Take();
    scope = "*";
    star = true;
  } else if (Peek().kind == TokenKind::kIdentifier) {
    scope = Take().text;
  } else {
    return Unexpected("a language (or '*') after 'namespace'");
  }
  if (Peek().kind != TokenKind::kIdentifier) return Unexpected("a namespace name");
  std::string value = Take().text;
  if (!star && PeekSymbol('(')) {
    Annotations ignored;  // Apache keeps them per language; no generator reads them
    if (!ParseAnnotations(&ignored)) return false;
  }
  program_->namespaces.emplace_back(std::move(scope), std::move(value));
  docs_.DeclareValidProgramDoc();
  return true;
}

bool Parser::ParseDefinition(std::optional<std::string> doc) {
  const Token& t = Peek();
  Location loc = t.loc;
  if (t.kind == TokenKind::kKeyword) {
    if (t.text == "typedef") return ParseTypedef(loc, std::move(doc));
    if (t.text == "enum") return ParseEnum(loc, std::move(doc));
    if (t.text == "const") return ParseConst(loc, std::move(doc));
    if (t.text == "struct") return ParseStruct(loc, std::move(doc), Struct::Flavor::kStruct);
    if (t.text == "union") return ParseStruct(loc, std::move(doc), Struct::Flavor::kUnion);
    if (t.text == "exception") {
      return ParseStruct(loc, std::move(doc), Struct::Flavor::kException);
    }
    if (t.text == "service") return ParseService(loc, std::move(doc));
  }
  return Unexpected("a definition (typedef, enum, const, struct, union, exception, service)");
}

bool Parser::ParseTypedef(Location loc, std::optional<std::string> doc) {
  Take();
  auto def = std::make_unique<Typedef>();
  def->loc = loc;
  def->type = ParseFieldType(0);
  if (def->type == nullptr) return false;
  if (!ExpectName("a typedef name", &def->name, &def->loc)) return false;
  if (!ParseAnnotations(&def->annotations)) return false;
  OptionalSeparator();
  docs_.Set(&def->doc, doc);
  program_->definitions.push_back(def.get());
  program_->typedefs.push_back(std::move(def));
  return true;
}

bool Parser::ParseEnum(Location loc, std::optional<std::string> doc) {
  Take();
  auto def = std::make_unique<Enum>();
  def->loc = loc;
  if (!ExpectName("an enum name", &def->name, &def->loc)) return false;
  if (!ExpectSymbol('{', "after the enum name")) return false;
  int64_t last = -1;
  while (!PeekSymbol('}')) {
    if (Peek().kind == TokenKind::kError) return false;
    std::optional<std::string> value_doc = docs_.Capture();
    auto v = std::make_unique<EnumValue>();
    if (!ExpectName("an enum value name or '}'", &v->name, &v->loc)) return false;
    if (PeekSymbol('=')) {
      Take();
      if (Peek().kind != TokenKind::kInt) return Unexpected("an integer after '='");
      Token n = Take();
      if (n.int_value < INT32_MIN || n.int_value > INT32_MAX) {
        return Fail(n.loc, "value " + n.text + " of enum value \"" + v->name +
                               "\" does not fit in 32 bits");
      }
      last = n.int_value;
      v->value_explicit = true;
    } else {
      if (last == INT32_MAX) {
        return Fail(v->loc, "enum value \"" + v->name + "\" overflows: the previous value is " +
                                std::to_string(INT32_MAX));
      }
      ++last;
    }
    v->value = static_cast<int32_t>(last);
    if (!ParseAnnotations(&v->annotations)) return false;
    OptionalSeparator();
    docs_.Set(&v->doc, value_doc);
    def->values.push_back(std::move(v));
  }
  Take();  // '}'
  if (!ParseAnnotations(&def->annotations)) return false;
  docs_.Set(&def->doc, doc);
  program_->definitions.push_back(def.get());
  program_->enums.push_back(std::move(def));
  return true;
}

bool Parser::ParseConst(Location loc, std::optional<std::string> doc) {
  Take();
  auto def = std::make_unique<Const>();
  def->loc = loc;
  def->type = ParseFieldType(0);
  if (def->type == nullptr) return false;
  if (!ExpectName("a constant name", &def->name, &def->loc)) return false;
  if (!ExpectSymbol('=', "after the constant name")) return false;
  if (!ParseConstValue(0, &def->value)) return false;
  OptionalSeparator();
  docs_.Set(&def->doc, doc);
  program_->definitions.push_back(def.get());
  program_->consts.push_back(std::move(def));
  return true;
}

bool Parser::ParseStruct(Location loc, std::optional<std::string> doc, Struct::Flavor flavor) {
  std::string keyword = Take().text;
  auto def = std::make_unique<Struct>();
  def->loc = loc;
  def->flavor = flavor;
  if (!ExpectName("a " + keyword + " name", &def->name, &def->loc)) return false;
  if (flavor != Struct::Flavor::kException && PeekKeyword("xsd_all")) Take();
  if (!ExpectSymbol('{', "after the " + keyword + " name")) return false;
  if (!ParseFieldList('}', false, 0, &def->fields)) return false;
  if (!ParseAnnotations(&def->annotations)) return false;
  docs_.Set(&def->doc, doc);
  program_->definitions.push_back(def.get());
  program_->structs.push_back(std::move(def));
  return true;
}

bool Parser::ParseService(Location loc, std::optional<std::string> doc) {
  Take();
  auto def = std::make_unique<Service>();
  def->loc = loc;
  if (!ExpectName("a service name", &def->name, &def->loc)) return false;
  if (PeekKeyword("extends")) {
    Take();
    if (Peek().kind != TokenKind::kIdentifier) return Unexpected("a service name after 'extends'");
    def->extends_name = Take().text;
  }
  if (!ExpectSymbol('{', "after the service name")) return false;
  while (!PeekSymbol('}')) {
    if (Peek().kind == TokenKind::kError) return false;
    if (!ParseFunction(def.get())) return false;
  }
  Take();  // '}'
  if (!ParseAnnotations(&def->annotations)) return false;
  docs_.Set(&def->doc, doc);
  program_->definitions.push_back(def.get());
  program_->services.push_back(std::move(def));
  return true;
}

bool Parser::ParseFunction(Service* service) {
  std::optional<std::string> doc = docs_.Capture();
  Function f;
  f.loc = Peek().loc;
  if (PeekKeyword("oneway")) {
    Take();
    f.oneway = true;
  } else if (PeekKeyword("async")) {
    diagnostics_->Warning(Take().loc, "\"async\" is deprecated: it is called \"oneway\" now");
    f.oneway = true;
  }
  if (PeekKeyword("void")) {
    Take();
    f.return_type = std::make_unique<Type>();
    f.return_type->loc = f.loc;
  } else {
    if (!(Peek().kind == TokenKind::kIdentifier || Peek().kind == TokenKind::kKeyword)) {
      return Unexpected("a function (return type and name) or '}'");
    }
    f.return_type = ParseFieldType(0);
    if (f.return_type == nullptr) return false;
  }
  if (!ExpectName("a function name", &f.name, &f.loc)) return false;
  if (!ExpectSymbol('(', "after the function name")) return false;
  if (!ParseFieldList(')', true, 0, &f.arguments)) return false;
  if (PeekKeyword("throws")) {
    Take();
    if (!ExpectSymbol('(', "after 'throws'")) return false;
    if (!ParseFieldList(')', false, 0, &f.exceptions)) return false;
  }
  if (!ParseAnnotations(&f.annotations)) return false;
  OptionalSeparator();
  docs_.Set(&f.doc, doc);
  service->functions.push_back(std::move(f));
  return true;
}

bool Parser::ParseFieldList(char closer, bool arguments, int depth, std::vector<Field>* fields) {
  int next_auto_id = -1;
  while (!PeekSymbol(closer)) {
    if (Peek().kind == TokenKind::kError) return false;
    if (Peek().kind == TokenKind::kEof) return Unexpected(std::string("'") + closer + "'");
    Field field;
    if (!ParseField(arguments, depth, &next_auto_id, &field)) return false;
    fields->push_back(std::move(field));
  }
  Take();  // the closer
  return true;
}

bool Parser::ParseField(bool arguments, int depth, int* next_auto_id, Field* field) {
  std::optional<std::string> doc = docs_.Capture();
  field->loc = Peek().loc;
  std::optional<Token> id_token;
  if (Peek().kind == TokenKind::kInt) {
    id_token = Take();
    if (!ExpectSymbol(':', "after the field id")) return false;
  }
  if (PeekKeyword("required")) {
    Take();
    field->requiredness = Requiredness::kRequired;
  } else if (PeekKeyword("optional")) {
    Location at = Take().loc;
    if (arguments) {
      diagnostics_->Warning(at, "'optional' is ignored in argument lists");
    } else {
      field->requiredness = Requiredness::kOptional;
    }
  }
  const Token& t = Peek();
  if (t.kind != TokenKind::kIdentifier && t.kind != TokenKind::kKeyword) {
    return Unexpected("a field (id, type and name)");
  }
  field->type = ParseFieldType(depth);
  if (field->type == nullptr) return false;
  if (PeekSymbol('&')) {
    Take();
    field->reference = true;
  }
  Location name_loc;
  if (!ExpectName("a field name", &field->name, &name_loc)) return false;
  if (id_token && id_token->int_value > 0) {
    if (id_token->int_value > INT16_MAX) {
      return Fail(id_token->loc, "field id " + id_token->text + " of \"" + field->name +
                                     "\" is out of range (1..32767)");
    }
    field->id = static_cast<int16_t>(id_token->int_value);
    field->id_explicit = true;
  } else {
    if (*next_auto_id < INT16_MIN) {
      return Fail(field->loc, "too many fields without an id: \"" + field->name +
                                  "\" would get an id below -32768");
    }
    field->id = static_cast<int16_t>((*next_auto_id)--);
    if (id_token) {
      diagnostics_->Warning(id_token->loc, "field id " + id_token->text + " of \"" + field->name +
                                               "\" is not positive; it gets " +
                                               std::to_string(field->id) + " instead");
    } else {
      diagnostics_->Warning(field->loc, "field \"" + field->name + "\" has no id; it gets " +
                                            std::to_string(field->id) +
                                            ", which may break compatibility");
    }
  }
  if (PeekSymbol('=')) {
    Take();
    ConstValue value;
    if (!ParseConstValue(0, &value)) return false;
    field->default_value = std::move(value);
  }
  if (PeekKeyword("xsd_optional")) Take();
  if (PeekKeyword("xsd_nillable")) Take();
  if (PeekKeyword("xsd_attrs")) {
    Location at = Take().loc;
    if (TooDeep(depth + 1, at, "xsd_attrs blocks")) return false;
    if (!ExpectSymbol('{', "after 'xsd_attrs'")) return false;
    std::vector<Field> ignored;
    if (!ParseFieldList('}', false, depth + 1, &ignored)) return false;
  }
  if (!ParseAnnotations(&field->annotations)) return false;
  OptionalSeparator();
  docs_.Set(&field->doc, doc);
  return true;
}

std::unique_ptr<Type> Parser::ParseFieldType(int depth) {
  const Token& t = Peek();
  if (TooDeep(depth, t.loc, "types")) return nullptr;
  auto type = std::make_unique<Type>();
  type->loc = t.loc;
  if (t.kind == TokenKind::kIdentifier) {
    std::string name = Take().text;
    if (name == "uuid") {
      // 0.17 has no uuid; later releases made it a base type.
      type->kind = Type::Kind::kBase;
      type->base = BaseType::kUuid;
      if (!ParseAnnotations(&type->annotations)) return nullptr;
      return type;
    }
    type->kind = Type::Kind::kNamed;
    type->name = std::move(name);
    return type;
  }
  if (t.kind != TokenKind::kKeyword) {
    Unexpected("a type");
    return nullptr;
  }
  static const std::pair<std::string_view, BaseType> kBases[] = {
      {"bool", BaseType::kBool},     {"byte", BaseType::kI8},       {"i8", BaseType::kI8},
      {"i16", BaseType::kI16},       {"i32", BaseType::kI32},       {"i64", BaseType::kI64},
      {"double", BaseType::kDouble}, {"string", BaseType::kString}, {"binary", BaseType::kBinary},
  };
  for (const auto& [word, base] : kBases) {
    if (t.text == word) {
      if (word == "byte" && !byte_warned_here_ &&
          (options_.byte_warned == nullptr || !*options_.byte_warned)) {
        diagnostics_->Warning(t.loc,
                              "\"byte\" is an alias of \"i8\"; write \"i8\" to make its "
                              "signedness plain");
        byte_warned_here_ = true;
        if (options_.byte_warned != nullptr) *options_.byte_warned = true;
      }
      Take();
      type->kind = Type::Kind::kBase;
      type->base = base;
      if (!ParseAnnotations(&type->annotations)) return nullptr;
      return type;
    }
  }
  std::string kw = t.text;
  if (kw != "map" && kw != "set" && kw != "list") {
    Unexpected("a type");
    return nullptr;
  }
  Take();
  auto cpp_type = [&]() -> bool {
    if (!PeekKeyword("cpp_type")) return true;
    Take();
    if (Peek().kind != TokenKind::kLiteral) return Unexpected("a quoted type after 'cpp_type'");
    Token lit = Take();
    type->annotations.push_back(Annotation{"cpp_type", lit.text, lit.loc});
    return true;
  };
  if (kw != "list" && !cpp_type()) return nullptr;
  if (!ExpectSymbol('<', "after '" + kw + "'")) return nullptr;
  type->elem = ParseFieldType(depth + 1);
  if (type->elem == nullptr) return nullptr;
  if (kw == "map") {
    type->kind = Type::Kind::kMap;
    if (!ExpectSymbol(',', "between the key and value types of a map")) return nullptr;
    type->value = ParseFieldType(depth + 1);
    if (type->value == nullptr) return nullptr;
  } else {
    type->kind = kw == "set" ? Type::Kind::kSet : Type::Kind::kList;
  }
  if (!ExpectSymbol('>', "to close '" + kw + "<'")) return nullptr;
  if (kw == "list") {
    if (!cpp_type()) return nullptr;
    if (type->elem->kind == Type::Kind::kBase && type->elem->base == BaseType::kI8) {
      diagnostics_->Warning(type->loc,
                            "consider the more efficient \"binary\" instead of \"list<byte>\"");
    }
  }
  if (!ParseAnnotations(&type->annotations)) return nullptr;
  return type;
}

bool Parser::ParseAnnotations(Annotations* annotations) {
  if (!PeekSymbol('(')) return true;
  Take();
  std::map<std::string, size_t> index;  // key -> position in `annotations`
  for (size_t i = 0; i < annotations->size(); ++i) index[(*annotations)[i].key] = i;
  while (!PeekSymbol(')')) {
    if (Peek().kind != TokenKind::kIdentifier) return Unexpected("an annotation name or ')'");
    Token key = Take();
    std::string value = "1";
    if (PeekSymbol('=')) {
      Take();
      if (Peek().kind != TokenKind::kLiteral) {
        return Unexpected("a quoted annotation value after '='");
      }
      value = Take().text;
    }
    OptionalSeparator();
    if (auto it = index.find(key.text); it != index.end()) {
      Annotation& a = (*annotations)[it->second];
      a.value = std::move(value);
      a.loc = key.loc;
    } else {
      index.emplace(key.text, annotations->size());
      annotations->push_back(Annotation{key.text, std::move(value), key.loc});
    }
  }
  Take();  // ')'
  return true;
}

bool Parser::ParseConstValue(int depth, ConstValue* value) {
  const Token& t = Peek();
  if (TooDeep(depth, t.loc, "constant values")) return false;
  value->loc = t.loc;
  switch (t.kind) {
    case TokenKind::kInt:
      value->kind = ConstValue::Kind::kInt;
      value->int_value = Take().int_value;
      return true;
    case TokenKind::kDouble:
      value->kind = ConstValue::Kind::kDouble;
      value->double_value = Take().double_value;
      return true;
    case TokenKind::kLiteral:
      value->kind = ConstValue::Kind::kString;
      value->string_value = Take().text;
      return true;
    case TokenKind::kIdentifier:
      value->kind = ConstValue::Kind::kIdentifier;
      value->string_value = Take().text;
      return true;
    default:
      break;
  }
  if (t.IsSymbol('[')) {
    Take();
    value->kind = ConstValue::Kind::kList;
    while (!PeekSymbol(']')) {
      if (Peek().kind == TokenKind::kError) return false;
      ConstValue elem;
      if (!ParseConstValue(depth + 1, &elem)) return false;
      OptionalSeparator();
      value->list.push_back(std::move(elem));
    }
    Take();
    return true;
  }
  if (t.IsSymbol('{')) {
    Take();
    value->kind = ConstValue::Kind::kMap;
    while (!PeekSymbol('}')) {
      if (Peek().kind == TokenKind::kError) return false;
      ConstValue key;
      ConstValue val;
      if (!ParseConstValue(depth + 1, &key)) return false;
      if (!ExpectSymbol(':', "between a map key and its value")) return false;
      if (!ParseConstValue(depth + 1, &val)) return false;
      OptionalSeparator();
      value->map.emplace_back(std::move(key), std::move(val));
    }
    Take();
    return true;
  }
  return Unexpected("a constant value");
}

}  // namespace

std::unique_ptr<Program> Parse(std::string_view text, const std::string* file,
                               const ParseOptions& options, Diagnostics* diagnostics) {
  Parser parser(text, file, options, diagnostics);
  return parser.Run();
}

}  // namespace vireo::idl::internal
