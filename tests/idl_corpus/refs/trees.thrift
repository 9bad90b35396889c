/**
 * Trees: children held in containers, and a reference back to the parent,
 * in the shapes of file-system, DOM and syntax trees.
 */
namespace cpp corpus.refs.trees

/** A directory tree: list of children, `&` parent. */
struct DirNode {
  1: string name,
  2: list<DirNode> children,
  3: optional DirNode & parent,
  4: i64 sizeBytes,
}

/** A document tree: map of named children, parent as a shared reference. */
struct ElementNode {
  1: string tag,
  2: map<string, string> attributes,
  3: list<ElementNode> children,
  4: optional ElementNode parent (cpp.ref_type = "shared"),
  5: optional string text,
}

/** A binary search tree: both children by unique reference. */
struct SearchNode {
  1: i64 key,
  2: string value,
  3: optional SearchNode left (cpp.ref = "true"),
  4: optional SearchNode right (cpp.ref = "true"),
}

/** A syntax tree: a union of node kinds, nodes hold statements by reference. */
union Statement {
  1: Assignment assign,
  2: Block block,
  3: Conditional conditional,
}

struct Assignment {
  1: string target,
  2: string expression,
}

struct Block {
  1: list<Statement> statements,
  2: optional Block & enclosing,
}

struct Conditional {
  1: string condition,
  2: Statement & thenBranch,
  3: optional Statement elseBranch (cpp2.ref_type = "shared"),
}

/** A trie keyed by byte. */
struct TrieNode {
  1: map<i8, TrieNode> children,
  2: bool terminal = false,
  3: optional TrieNode & suffixLink,
}

service TreeService {
  DirNode listTree(1: string root, 2: i32 depth = 2),
  ElementNode parse(1: string markup),
  SearchNode insert(1: SearchNode tree, 2: i64 key, 3: string value),
  Block compile(1: string source),
  TrieNode buildTrie(1: list<string> words),
}
