#include "vireo/idl/indirection.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace vireo::idl::internal {
namespace {

using Indirection = Field::Indirection;

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

// The holder a field's reference marker or annotations ask for; false
// (with an error reported) for an unknown ref_type.
bool ReferenceOf(const Field& f, Diagnostics* diagnostics, Indirection* out) {
  *out = Indirection::kValue;
  if (f.reference) *out = Indirection::kUnique;
  for (const char* key : {"cpp.ref", "cpp2.ref"}) {
    const std::string* v = FindAnnotation(f.annotations, key);
    if (v != nullptr && (*v == "true" || *v == "1")) *out = Indirection::kUnique;
  }
  for (const char* key : {"cpp.ref_type", "cpp2.ref_type"}) {
    const std::string* v = FindAnnotation(f.annotations, key);
    if (v == nullptr) continue;
    if (*v == "unique") {
      *out = Indirection::kUnique;
    } else if (*v == "shared") {
      *out = Indirection::kShared;
    } else if (*v == "shared_const") {
      *out = Indirection::kSharedConst;
    } else {
      diagnostics->Error(f.loc, std::string(key) + " of field " + Quote(f.name) + " is " +
                                    Quote(*v) +
                                    "; it must be \"unique\", \"shared\" or \"shared_const\"");
      return false;
    }
  }
  return true;
}

// One use of a struct or typedef of the program by another that needs it
// complete: a by-value field (its own, optional or union member) or a
// typedef naming it. `field` is null for a typedef's edge.
struct Edge {
  size_t to = 0;
  Field* field = nullptr;
};

struct Node {
  const Definition* def = nullptr;
  std::vector<Edge> edges;
};

void CollectEdges(const Type& type, const Program& program,
                  const std::map<const Definition*, size_t>& index, Field* field,
                  std::vector<Edge>* out) {
  // Container elements live on the heap: they need no edge.
  if (type.kind != Type::Kind::kNamed || type.resolved == nullptr ||
      type.resolved->program != &program) {
    return;
  }
  auto it = index.find(type.resolved);
  if (it != index.end()) out->push_back(Edge{it->second, field});
}

class CycleBreaker {
 public:
  CycleBreaker(Program* program, Diagnostics* diagnostics)
      : program_(program), diagnostics_(diagnostics) {}

  void Run();

 private:
  void Build();
  // One depth-first walk over the nodes not yet finished; true when it
  // boxed a field that was not the edge it stood on (the walk's state is
  // then stale and it must start over).
  bool Walk();
  void Box(Field* field, const std::vector<std::pair<size_t, const Edge*>>& cycle);

  enum class Color { kWhite, kGrey, kBlack };
  Program* program_;
  Diagnostics* diagnostics_;
  std::vector<Node> nodes_;
  std::vector<Color> color_;
};

void CycleBreaker::Build() {
  std::map<const Definition*, size_t> index;
  for (const Definition* d : program_->definitions) {
    if (d->kind == Definition::Kind::kTypedef || d->kind == Definition::Kind::kStruct) {
      index.emplace(d, nodes_.size());
      nodes_.push_back(Node{d, {}});
    }
  }
  for (auto& t : program_->typedefs) {
    CollectEdges(*t->type, *program_, index, nullptr, &nodes_[index.at(t.get())].edges);
  }
  for (auto& s : program_->structs) {
    std::vector<Edge>& edges = nodes_[index.at(s.get())].edges;
    for (Field& f : s->fields) {
      if (f.indirection == Indirection::kValue) {
        CollectEdges(*f.type, *program_, index, &f, &edges);
      }
    }
  }
  color_.assign(nodes_.size(), Color::kWhite);
}

void CycleBreaker::Box(Field* field, const std::vector<std::pair<size_t, const Edge*>>& cycle) {
  field->indirection = Indirection::kBox;
  std::string chain;
  for (const auto& [node, edge] : cycle) {
    chain += nodes_[node].def->name;
    if (edge->field != nullptr) chain += "." + edge->field->name;
    chain += " -> ";
  }
  chain += nodes_[cycle.front().first].def->name;
  std::string owner;
  for (const auto& [node, edge] : cycle) {
    if (edge->field == field) owner = nodes_[node].def->name + ".";
  }
  diagnostics_->Warning(
      field->loc, "field " + Quote(owner + field->name) + " closes a by-value cycle (" + chain +
                      "); generated code holds it in a vireo::codec::Box (a heap value "
                      "that copies deeply and compares by value; empty = absent)");
}

bool CycleBreaker::Walk() {
  // The walk keeps its stack on the heap: a chain of by-value members or
  // typedefs is as long as the file makes it.
  struct Frame {
    size_t node;
    size_t next_edge;
  };
  std::vector<Frame> stack;
  std::vector<std::pair<size_t, const Edge*>> path;  // edges root -> top
  for (size_t root = 0; root < nodes_.size(); ++root) {
    if (color_[root] != Color::kWhite) continue;
    color_[root] = Color::kGrey;
    stack.push_back(Frame{root, 0});
    while (!stack.empty()) {
      const size_t n = stack.back().node;
      std::vector<Edge>& edges = nodes_[n].edges;
      if (stack.back().next_edge == edges.size()) {
        color_[n] = Color::kBlack;
        stack.pop_back();
        if (!stack.empty()) path.pop_back();
        continue;
      }
      Edge& e = edges[stack.back().next_edge++];
      if (e.field != nullptr && e.field->indirection != Indirection::kValue) continue;
      if (color_[e.to] == Color::kBlack) continue;
      if (color_[e.to] == Color::kWhite) {
        path.emplace_back(n, &e);
        color_[e.to] = Color::kGrey;
        stack.push_back(Frame{e.to, 0});
        continue;
      }
      // A cycle: from e.to along the path, then e. Box its last field.
      size_t first = 0;
      while (first < path.size() && path[first].first != e.to) ++first;
      std::vector<std::pair<size_t, const Edge*>> cycle(path.begin() + first, path.end());
      cycle.emplace_back(n, &e);
      Field* boxed = nullptr;
      for (auto it = cycle.rbegin(); it != cycle.rend() && boxed == nullptr; ++it) {
        boxed = it->second->field;
      }
      // Every cycle holds a field: the semantic pass rejects typedef cycles.
      if (boxed == nullptr) continue;
      Box(boxed, cycle);
      if (boxed != e.field) {
        // An edge on the path went soft: nodes above it are no longer
        // reached by value; forget them and walk again.
        for (size_t i = 0; i < color_.size(); ++i) {
          if (color_[i] == Color::kGrey) color_[i] = Color::kWhite;
        }
        return true;
      }
    }
  }
  return false;
}

void CycleBreaker::Run() {
  Build();
  while (Walk()) {
  }
}

}  // namespace

bool AssignIndirections(Program* program, Diagnostics* diagnostics) {
  bool ok = true;
  for (auto& s : program->structs) {
    for (Field& f : s->fields) {
      Indirection r = Indirection::kValue;
      if (!ReferenceOf(f, diagnostics, &r)) {
        ok = false;
        continue;
      }
      // A union's members live in a std::variant, which must stay
      // copyable: a reference there is a box.
      if (s->flavor == Struct::Flavor::kUnion && r != Indirection::kValue) r = Indirection::kBox;
      f.indirection = r;
    }
  }
  if (!ok) return false;
  CycleBreaker(program, diagnostics).Run();
  return true;
}

}  // namespace vireo::idl::internal
