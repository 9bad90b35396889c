/**
 * The core of a property graph: vertices and edges that refer to each
 * other through references (`&` and cpp.ref annotations), co-recursive
 * within the file. graph_overlay.thrift includes it and adds structs that
 * recurse through these across the file boundary.
 *
 * (Truly mutually recursive structs in two files need each file to include
 * the other: Apache 0.17 crashes on such an include cycle, see
 * apache_rejects/include_cycle_a.thrift, so the cross-file recursion here
 * goes one way through the include and back through this file's types.)
 */
namespace cpp corpus.refs.graph

/** A vertex with its outgoing edges. */
struct Vertex {
  1: i64 id,
  2: string label,
  3: map<string, string> properties,
  4: list<Edge> outgoing,
  5: optional Edge & firstIncoming,
}

/** An edge points at both of its ends by reference. */
struct Edge {
  1: i64 id,
  2: string label,
  3: Vertex & source,
  4: optional Vertex target (cpp.ref_type = "shared"),
  5: double weight = 1.0,
}

/** A path alternates vertices and edges. */
struct GraphPath {
  1: list<Vertex> vertices,
  2: list<Edge> edges,
}
