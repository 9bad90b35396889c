// Services extending services of included files, found in the same folder
// and through the search path, with included types in signatures.
// idl-test-include: include
namespace cpp vireo.test.svcinc

include "shared.thrift"
include "common.thrift"

service Extended extends shared.BaseService {
  shared.Point where(1: shared.Tagged tag) throws (1: shared.SharedError error),
  list<shared.Color> colors(1: shared.Timestamp since = 0),
}

service CommonExtended extends common.CommonService {
  common.PriorityMap priorities(1: common.Label label) throws (1: common.CommonError e, 2: shared.SharedError s),
}

service Twice extends Extended {
  oneway void again(1: shared.Level level),
}
