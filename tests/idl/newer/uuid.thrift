// The `uuid` base type, which Apache Thrift 0.17 does not know (it came in
// 0.18). uuid.json is the document a newer `thrift --gen json` prints for
// this file, written by hand: uuid is a base type like string.
namespace cpp vireo.test.uuid

typedef uuid Id

struct Uuids {
  1: uuid id,
  2: Id aliased,
  3: list<uuid> ids,
  4: map<uuid, set<uuid>> graph,
  5: optional uuid maybe,
}

const uuid NIL = "00000000-0000-0000-0000-000000000000"

service UuidService {
  uuid next_id(1: uuid after),
}
