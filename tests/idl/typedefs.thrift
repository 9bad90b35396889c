// Typedefs: chains, containers, annotated container types, typedefs of
// enums and structs, and typedefs used everywhere a type may appear.
namespace cpp vireo.test.typedefs

typedef i64 Id
typedef Id UserId
typedef UserId OwnerId
typedef OwnerId AdminId

typedef list<Id> IdList
typedef IdList IdList2
typedef map<UserId, IdList2> Graph
typedef set<string> (cpp.template = "std::unordered_set") NameSet
typedef NameSet Names
typedef list<map<string, NameSet>> (cpp.template = "std::deque") Deque

enum Kind { PLAIN, FANCY }
typedef Kind KindAlias
typedef KindAlias KindAlias2

struct Node {
  1: AdminId id,
  2: optional list<Node> children,
} (cpp.name = "TreeNode")
typedef Node NodeAlias
typedef NodeAlias NodeAlias2
typedef list<NodeAlias2> Forest

/** A documented typedef. */
typedef string Doc (doc.kind = "text")

struct UsesTypedefs {
  1: AdminId admin = 42,
  2: IdList2 ids = [1, 2, 3],
  3: Graph graph = {1: [2], 2: []},
  4: Names names = ["a"],
  5: Deque deque,
  6: KindAlias2 kind = KindAlias2.FANCY,
  7: NodeAlias2 root,
  8: Forest forest,
  9: map<KindAlias, NodeAlias> by_kind,
  10: Doc doc = "d",
}

const AdminId ROOT_ID = 1
const IdList2 SOME_IDS = [ROOT_ID, 7]
const KindAlias2 DEFAULT_KIND = KindAlias.PLAIN
const NodeAlias2 LEAF = {"id": ROOT_ID}

exception Failure { 1: Doc why }
typedef Failure FailureAlias

service TypedefService {
  Forest grow(1: NodeAlias2 seed, 2: KindAlias kind) throws (1: FailureAlias f),
  Graph graph(1: Names names),
}

