// Included by shared.thrift from a subfolder of the search path.
namespace cpp vireo.test.deep

typedef i16 Depth

enum Layer { TOP = 1, BOTTOM = 2 }

const Depth MAX_DEPTH = 8

struct Bottom {
  1: Layer layer = Layer.BOTTOM,
  2: Depth depth = MAX_DEPTH,
}

service DeepService {
  Bottom dig(1: Depth depth),
}
