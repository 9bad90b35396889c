/**
 * The file's doc comment: it precedes the first header.
 * Second line.
 */
namespace cpp vireo.test.comments  // trailing line comment
# a hash comment
namespace py vireo_test.comments # trailing hash comment
/* a block comment, not a doc comment */
cpp_include "comments.h"

/* block comment
   over lines */
struct Commented {  /* after brace */
  // before a field
  1: i32 a, // after a field
  # hash before a field
  2: i32 /* inside a field */ b,
  /** Doc of c. */
  3: i32 c,
  /**
   * Doc of d,
   * over two lines.
   */
  4: i32 d;
  /** doc with  inner   spaces and * stars * */
  5: i32 e
  /**
      Doc without stars,
        indented more.
  */
  6: i32 f,
  /***/
  7: i32 g,
  /** Doc of h */ 8: i32 h,
}

/** Doc on one line. */
enum CommentedEnum {
  /** Doc of ONE. */
  ONE = 1, // trailing
  # hash
  TWO = 2 /* block */,
  /**
   * Doc of THREE.
   */
  THREE
}

/** A typedef's doc. */
typedef i32 CommentedInt

/** A constant's doc. */
const i32 COMMENTED = 1 // trailing

/**
 *   Indented  doc.
 *
 *   After an empty line.
 */
exception CommentedError {
  /** Doc of why. */
  1: string why
}

/** A union's doc. */
union CommentedUnion { 1: i32 a }

/** A service's doc. */
service CommentedService {
  /** A function's doc. */
  void documented(
    /** An argument's doc. */
    1: i32 arg,
  ) throws (
    /** A throws clause's doc. */
    1: CommentedError error
  ),
  // not a doc
  void undocumented(),
  /* not a doc either */
  oneway void also_undocumented(),
}
