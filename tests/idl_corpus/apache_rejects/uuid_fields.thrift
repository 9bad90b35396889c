/**
 * The uuid base type. Apache Thrift 0.17 has no uuid type ("Type "uuid"
 * not defined"; uuid arrived in 0.18), Vireo's IDL front end accepts it as
 * a base type.
 */
namespace cpp corpus.rejects.uuid

struct Session {
  1: uuid id,
  2: optional uuid parent,
  3: list<uuid> related,
  4: map<uuid, string> labels,
  5: set<uuid> seen,
}

const uuid NIL_SESSION = "00000000-0000-0000-0000-000000000000"

service SessionService {
  Session get(1: uuid id),
  list<uuid> recent(1: i32 limit),
}
