// Every base type, as a field, a typedef, a container element and a
// function signature.
namespace cpp vireo.test.base

typedef bool Flag
typedef byte Octet
typedef i8 Tiny
typedef i16 Small
typedef i32 Medium
typedef i64 Large
typedef double Real
typedef string Text
typedef binary Blob

struct AllBase {
  1: bool b,
  2: byte by,
  3: i8 t,
  4: i16 s,
  5: i32 m,
  6: i64 l,
  7: double d,
  8: string str,
  9: binary bin,
  10: Flag flag,
  11: Octet octet,
  12: Tiny tiny,
  13: Small small,
  14: Medium medium,
  15: Large large,
  16: Real real,
  17: Text text,
  18: Blob blob,
}

struct Containers {
  1: list<bool> lb,
  2: list<byte> lby,
  3: set<i8> si8,
  4: set<i16> si16,
  5: map<i32, i64> mi,
  6: map<string, binary> msb,
  7: list<double> ld,
  8: set<string> ss,
  9: map<binary, list<double>> mbl,
  10: list<list<list<i32>>> lll,
  11: map<set<i64>, map<string, list<set<Octet>>>> deep,
  12: list<map<Text, Blob>> lmtb,
  13: set<list<string>> sls,
  14: map<list<i16>, set<bool>> mlsb,
  15: list<AllBase> structs,
  16: map<string, list<AllBase>> mstructs,
}

service BaseTypes {
  bool b(1: bool a),
  byte by(1: byte a),
  i8 t(1: i8 a),
  i16 s(1: i16 a),
  i32 m(1: i32 a),
  i64 l(1: i64 a),
  double d(1: double a),
  string str(1: string a),
  binary bin(1: binary a),
  Blob blob(1: Text a),
  list<map<string, set<i32>>> nested(1: map<i64, list<string>> a),
  void nothing(),
}
