/**
 * Types that hold themselves by value, with no reference marker or
 * annotation: Apache 0.17 accepts every one (its C++ generator emits plain
 * members, so the result is not valid C++). The corpus keeps them so that
 * vireo-gen learns to break such cycles.
 */
namespace cpp corpus.cycles
namespace * corpus.cycles

/** A field named like its own type, holding its own type. */
struct delegate {
  1: string partial,
  2: delegate delegate,
}

/** Directly self-recursive through an optional field. */
struct Continuation {
  1: i32 step,
  2: optional Continuation following,
}

/** Two structs that hold each other (A holds B holds A). */
struct Husk {
  1: string label,
  2: Kernel kernel,
}

struct Kernel {
  1: i64 weight,
  2: optional Husk outer,
}

/** A cycle of three: Stage -> Pipe -> Valve -> Stage. */
struct Stage {
  1: string name,
  2: Pipe output,
}

struct Pipe {
  1: double capacity,
  2: Valve valve,
}

struct Valve {
  1: bool open = true,
  2: optional Stage feeds,
}

/** A union that reaches itself, directly and through a struct. */
union Expression {
  1: i64 literal,
  2: string variable,
  3: Expression negated,
  4: BinaryOp combined,
  5: list<Expression> sequence,
}

struct BinaryOp {
  1: string op,
  2: Expression left,
  3: Expression right,
}

/** A struct that reaches itself through a typedef of itself. */
typedef Folder FolderAlias

struct Folder {
  1: string name,
  2: optional FolderAlias parent,
  3: list<FolderAlias> children,
}

/** A typedef chain that ends in a struct holding the first typedef. */
typedef Chapter ChapterRef
typedef ChapterRef ChapterRefRef

struct Chapter {
  1: string title,
  2: optional ChapterRefRef sequel,
}

/** Holds the cycles from outside, so they are used as fields too. */
struct CycleHolder {
  1: delegate d,
  2: Husk husk,
  3: Stage stage,
  4: Expression expr,
  5: Folder root,
  6: map<string, Kernel> kernels,
  7: Chapter chapter,
}

service CycleEcho {
  CycleHolder echo(1: CycleHolder value),
  Expression simplify(1: Expression expr),
  delegate chain(1: delegate head, 2: i32 depth),
}
