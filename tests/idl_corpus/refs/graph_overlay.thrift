/**
 * An overlay on the property graph of graph_core.thrift: regions of the
 * graph that refer to core vertices and edges by reference, and to each
 * other (Portal <-> Region), plus a struct that refers back into the
 * core's own recursion (Vertex -> Edge -> Vertex) through a reference.
 *
 * Includes graph_core.thrift relative to this file.
 */
include "graph_core.thrift"

namespace cpp corpus.refs.overlay

/** A named part of the graph. */
struct Region {
  1: string name,
  2: list<Portal> portals,
  3: optional Portal & primaryPortal,
  4: set<i64> vertexIds,
  5: optional graph_core.Vertex centroid (cpp.ref = "true"),
}

/** A way from one region into another, anchored at a core vertex. */
struct Portal {
  1: graph_core.Vertex & anchor,
  2: optional Region destination (cpp.ref_type = "shared"),
  3: optional graph_core.Edge crossing (cpp.ref_type = "unique"),
}

/** A walk that holds the core's path and continues into another walk. */
struct Walk {
  1: graph_core.GraphPath path,
  2: optional Walk & continuation,
  3: list<Region> visited,
}

service GraphOverlayService {
  Region regionOf(1: i64 vertexId),
  list<Portal> portalsBetween(1: string fromRegion, 2: string toRegion),
  Walk randomWalk(1: i64 startVertex, 2: i32 steps = 10),
  graph_core.Vertex vertex(1: i64 id),
}
