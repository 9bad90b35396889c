#include "vireo/codegen/generator.h"

#include <cctype>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "vireo/codegen/codec_gen.h"
#include "vireo/codegen/cpp_types.h"
#include "vireo/codegen/types_gen.h"

namespace vireo::codegen {
namespace {

using idl::Definition;
using idl::Type;

// One use of a typedef or struct of this file by another.
struct Edge {
  size_t to = 0;
  // The user needs the target first: a struct complete (held by value, in
  // a std::optional or a union), a typedef declared (it cannot be declared
  // ahead, unlike a struct). A soft edge (a struct as a container element,
  // in a holder, or named by a typedef) only prefers the target first.
  bool hard = false;
};

struct Node {
  const Definition* def = nullptr;
  std::vector<Edge> edges;
};

// The index in the node list of each typedef and struct of the file.
using NodeIndex = std::map<const Definition*, size_t>;

// The edges a use of `type` makes; `by_value`: the user holds the value
// itself.
void CollectEdges(const Type& type, bool by_value, const idl::Program& program,
                  const NodeIndex& index, std::vector<Edge>* out) {
  switch (type.kind) {
    case Type::Kind::kBase:
      return;
    case Type::Kind::kList:
    case Type::Kind::kSet:
    case Type::Kind::kMap:
      if (type.elem != nullptr) CollectEdges(*type.elem, false, program, index, out);
      if (type.value != nullptr) CollectEdges(*type.value, false, program, index, out);
      return;
    case Type::Kind::kNamed: {
      if (type.resolved == nullptr || type.resolved->program != &program) return;
      auto it = index.find(type.resolved);
      if (it == index.end()) return;
      if (type.resolved->kind != Definition::Kind::kTypedef) {
        out->push_back(Edge{it->second, by_value});
        return;
      }
      out->push_back(Edge{it->second, true});
      // Held by value through typedefs: what they finally name must be
      // complete too.
      const Type& final_type = idl::TrueType(type);
      if (by_value && final_type.kind == Type::Kind::kNamed) {
        CollectEdges(final_type, true, program, index, out);
      }
      return;
    }
  }
}

// `file:line:col` of a definition.
std::string Where(const Definition& def) {
  const std::string file = def.loc.file != nullptr ? *def.loc.file
                           : def.program != nullptr ? def.program->path
                                                    : "";
  return file + ":" + std::to_string(def.loc.line) + ":" + std::to_string(def.loc.col);
}

// The generated header of `program` includes those of every file it
// includes, directly or not: all of their definitions meet in one C++
// translation unit, where one name in one namespace can be defined once.
// Apache Thrift's output does not compile there; this says why instead.
absl::Status CheckOneDefinitionPerCppName(const idl::Program& program) {
  std::vector<const idl::Program*> files = {&program};
  std::set<const idl::Program*> queued = {&program};
  for (size_t i = 0; i < files.size(); ++i) {
    for (const idl::Include& inc : files[i]->includes) {
      if (inc.program != nullptr && queued.insert(inc.program).second) {
        files.push_back(inc.program);
      }
    }
  }
  std::map<std::pair<std::string, std::string>, const Definition*> seen;
  for (const idl::Program* file : files) {
    const std::string ns = CppNamespace(*file);
    for (const Definition* d : file->definitions) {
      auto [it, fresh] = seen.emplace(std::make_pair(ns, d->cpp_name), d);
      if (fresh || it->second->program == file) continue;
      return absl::InvalidArgumentError(
          Where(*d) + ": error: " + d->cpp_name + " is defined in " +
          (ns.empty() ? "the global C++ namespace" : "C++ namespace ::" + ns) +
          " by both this file and " + Where(*it->second) + ", and " +
          program.name +
          ".thrift includes both: C++ cannot hold two definitions of one name; give one of the "
          "files another `namespace cpp`, or rename one definition");
    }
  }
  return absl::OkStatus();
}

std::string Upper(const std::string& s) {
  std::string out;
  for (char c : s) {
    out += std::isalnum(static_cast<unsigned char>(c))
               ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
               : '_';
  }
  return out;
}

std::string HeaderGuard(const idl::Program& program) {
  std::string ns = CppNamespace(program);
  std::string guard = "VIREO_GEN_";
  if (!ns.empty()) guard += Upper(ns) + "_";
  return guard + Upper(program.name) + "_TYPES_H_";
}

std::string IncludeLine(const std::string& spec) {
  if (!spec.empty() && (spec.front() == '<' || spec.front() == '"')) return "#include " + spec;
  return "#include \"" + spec + "\"";
}

void CollectTypes(const idl::Program& program, std::set<std::string>* system) {
  auto visit = [&](const Type& t) { CollectTemplateIncludes(t, system); };
  for (const auto& t : program.typedefs) visit(*t->type);
  for (const auto& c : program.consts) visit(*c->type);
  for (const auto& s : program.structs) {
    for (const auto& f : s->fields) visit(*f.type);
  }
}

}  // namespace

absl::StatusOr<std::vector<const Definition*>> OrderTypes(const idl::Program& program) {
  std::vector<Node> nodes;
  NodeIndex index;
  for (const Definition* d : program.definitions) {
    if (d->kind == Definition::Kind::kTypedef || d->kind == Definition::Kind::kStruct) {
      index.emplace(d, nodes.size());
      nodes.push_back(Node{d, {}});
    }
  }
  for (Node& node : nodes) {
    if (node.def->kind == Definition::Kind::kTypedef) {
      const auto* t = static_cast<const idl::Typedef*>(node.def);
      // `using T = S;` needs S only declared; `using T = U;` needs U.
      CollectEdges(*t->type, false, program, index, &node.edges);
    } else {
      const auto* s = static_cast<const idl::Struct*>(node.def);
      for (const idl::Field& f : s->fields) {
        // A field held through a pointer or box needs its type declared,
        // not complete, as a container element does.
        const bool held = f.indirection != idl::Field::Indirection::kValue;
        CollectEdges(CppValueTypeOf(f), !held, program, index, &node.edges);
      }
    }
  }
  // Declaration order, except that a definition waits for what it needs:
  // first everything it uses, else (in a cycle through containers) at least
  // what it needs complete.
  std::vector<const Definition*> order;
  std::vector<bool> emitted(nodes.size(), false);
  auto ready = [&](size_t i, bool hard_only) {
    for (const Edge& e : nodes[i].edges) {
      if (e.to == i && !e.hard) continue;  // a container of itself
      if ((e.hard || !hard_only) && !emitted[e.to]) return false;
    }
    return true;
  };
  while (order.size() < nodes.size()) {
    size_t pick = nodes.size();
    for (bool hard_only : {false, true}) {
      for (size_t i = 0; i < nodes.size() && pick == nodes.size(); ++i) {
        if (!emitted[i] && ready(i, hard_only)) pick = i;
      }
      if (pick != nodes.size()) break;
    }
    // The front end boxes a field of every by-value cycle, so there is
    // always one.
    if (pick == nodes.size()) return absl::InternalError("vireo-gen: no order for the types");
    emitted[pick] = true;
    order.push_back(nodes[pick].def);
  }
  return order;
}

absl::StatusOr<GeneratedFiles> GenerateTypes(const idl::Program& program) {
  if (absl::Status st = CheckOneDefinitionPerCppName(program); !st.ok()) return st;
  absl::StatusOr<std::vector<const Definition*>> order = OrderTypes(program);
  if (!order.ok()) return order.status();

  GeneratedFiles files;
  files.header_name = program.name + "_types.h";
  files.source_name = program.name + "_types.cc";
  const std::string ns = CppNamespace(program);
  const std::string file_name = program.name + ".thrift";
  const std::string banner = "// Generated by vireo-gen " + std::string(kGeneratorVersion) +
                             " from " + file_name + ". Do not edit.\n";

  // ---- header ----
  std::string& h = files.header;
  h = banner;
  if (!program.doc.empty()) h += "//\n" + DocComment(program.doc, "");
  const std::string guard = HeaderGuard(program);
  h += "#ifndef " + guard + "\n#define " + guard + "\n\n";

  std::set<std::string> system = {"<array>",  "<compare>",     "<cstdint>", "<exception>",
                                  "<map>",    "<memory>",     "<optional>",    "<ostream>", "<set>",
                                  "<string>", "<string_view>", "<utility>", "<variant>",
                                  "<vector>"};
  std::set<std::string> local = {"\"vireo/codec/bytes.h\"", "\"vireo/codec/generated.h\""};
  CollectTypes(program, &system);
  for (const std::string& inc : CodecIncludes()) {
    (inc.empty() || inc.front() != '<' ? local : system).insert(inc);
  }
  for (const std::string& inc : system) h += "#include " + inc + "\n";
  h += "\n";
  for (const std::string& inc : local) h += "#include " + inc + "\n";
  for (const std::string& inc : program.cpp_includes) h += IncludeLine(inc) + "\n";
  for (const idl::Include& inc : program.includes) {
    if (inc.program != nullptr) h += "#include \"" + inc.program->name + "_types.h\"\n";
  }
  h += "\n";
  if (!ns.empty()) h += "namespace " + ns + " {\n\n";

  if (!program.structs.empty()) {
    for (const auto& s : program.structs) {
      h += std::string(s->flavor == idl::Struct::Flavor::kUnion ? "class " : "struct ") +
           s->cpp_name + ";\n";
    }
    h += "\n";
  }
  for (const auto& e : program.enums) h += GenerateEnumDeclaration(*e, program) + "\n";
  for (const Definition* d : *order) {
    if (d->kind == Definition::Kind::kTypedef) {
      h += GenerateTypedef(*static_cast<const idl::Typedef*>(d), program) + "\n";
    } else {
      h += GenerateStructDeclaration(*static_cast<const idl::Struct*>(d), program) + "\n";
    }
  }
  for (const auto& c : program.consts) h += GenerateConst(*c, program);
  if (!program.consts.empty()) h += "\n";
  if (!ns.empty()) h += "}  // namespace " + ns + "\n\n";
  h += "#endif  // " + guard + "\n";

  // ---- source ----
  std::string& cc = files.source;
  cc = banner;
  cc += "#include \"" + files.header_name + "\"\n\n";
  cc +=
      "#include <charconv>\n#include <cstddef>\n#include <cstdint>\n#include <optional>\n"
      "#include <ostream>\n#include <sstream>\n#include <string>\n#include <string_view>\n"
      "#include <type_traits>\n\n";
  if (!ns.empty()) cc += "namespace " + ns + " {\n";
  if (!program.structs.empty()) {
    cc += "namespace {\n\n" + GeneratePrintHelpers() + "\n}  // namespace\n";
  }
  for (const auto& e : program.enums) cc += "\n" + GenerateEnumDefinitions(*e, program);
  for (const Definition* d : *order) {
    if (d->kind == Definition::Kind::kStruct) {
      cc += "\n" + GenerateStructDefinitions(*static_cast<const idl::Struct*>(d), program);
    }
  }
  if (!ns.empty()) cc += "\n}  // namespace " + ns + "\n";
  return files;
}

}  // namespace vireo::codegen
