// expect: cannot find include file "does_not_exist.thrift"
// apache-accepts: Apache 0.17 only warns "Could not find include file" and goes on
include "does_not_exist.thrift"
