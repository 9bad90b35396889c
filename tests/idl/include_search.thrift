// Include resolution: a neighbour file, a file found only through the
// search path, and a file in a subfolder of the search path; types from
// each used by scoped name.
// idl-test-include: include
namespace cpp vireo.test.incsearch

include "common.thrift"
include "shared.thrift"
include "nested/deep.thrift"

struct UsesAll {
  1: common.Entry entry,
  2: shared.Point point,
  3: deep.Bottom bottom,
  4: deep.Depth depth = deep.MAX_DEPTH,
  5: deep.Layer layer = deep.Layer.TOP,
  6: shared.Level level,
}

service Searching extends deep.DeepService {}
