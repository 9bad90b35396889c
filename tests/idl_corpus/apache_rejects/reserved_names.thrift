/**
 * Names Apache Thrift 0.17 refuses ("Cannot use reserved language
 * keyword"): words reserved in some target language, whether or not they
 * are C++ keywords. Real IDL files written for other generators use them.
 * Apache stops at the first one (`self`); each is refused on its own too.
 */
namespace cpp corpus.rejects.reserved

struct PythonishNames {
  1: string self,
  2: string from,
  3: string yield,
  4: string is,
  5: string lambda,
  6: string pass,
}

/** C++ keywords that Apache reserves. */
struct CppReserved {
  1: string class,
  2: i32 delete,
  3: i32 new,
  4: string this,
  5: bool virtual,
  6: bool static,
  7: bool inline,
  8: i32 sizeof,
}

/** Common words Apache reserves. */
struct CommonWords {
  1: i64 next,
  2: i64 end,
  3: i64 begin,
  4: string package,
  5: string module,
  6: string function,
  7: string interface,
  8: list<string> args,
  9: bool default,
}

service ReservedService {
  void from(1: string self),
  string print(1: string class),
}
