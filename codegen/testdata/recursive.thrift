// Used by recursive_test: the recursive and real-world shapes Apache's C++
// output does not compile, or vireo-gen once rejected: references, by-value
// cycles, empty container defaults, enum values spelled through another
// enum, reserved and keyword names, and names long enough to wrap.
include "recursive_payload.thrift"

namespace cpp vireo.rectest

// A linked list through `&` (std::unique_ptr).
struct RecList {
  1: RecList & nextitem,
  3: i16 item,
}

// A tree: children by value in a list, the parent's payload shared.
struct RecTree {
  1: list<RecTree> children,
  2: i16 item,
  3: recursive_payload.Payload shared (cpp.ref_type = "shared"),
  4: recursive_payload.Payload frozen (cpp2.ref_type = "shared_const"),
  5: optional recursive_payload.Payload maybe (cpp.ref = "true"),
}

// Mutually recursive through a reference on one side.
struct CoRec {
  1: CoRec2 & other,
}
struct CoRec2 {
  1: CoRec other,
}

// A by-value self cycle, the field named like its struct: boxed, renamed.
struct delegate {
  1: string partial,
  2: delegate delegate,
}

// Co-recursive exceptions: CoError2.other is boxed.
exception CoError {
  1: CoError2 other,
  2: string message,
}
exception CoError2 {
  1: CoError other,
}

// A three-struct cycle through an optional field and a typedef.
struct Table {
  1: string name,
  2: Partition partition,
}
struct Partition {
  1: optional Storage storage,
}
typedef Table TableAlias
struct Storage {
  1: TableAlias owner,
  2: i32 size,
}

// A union that reaches itself by value and holds a reference.
union Expr {
  1: i64 literal,
  2: Expr negate,
  3: RecList items (cpp.ref = "true"),
}

enum MyEnum1 {
  ME1_0 = 0,
  ME1_1 = 1,
}
enum MyEnum2 {
  ME2_0,
  ME2_1,
  ME2_2,
}

// Defaults as Apache's own test IDLs write them.
struct Defaults {
  1: optional set<binary> bin_set = {},
  2: list<i32> empty_list = {},
  3: map<string, i32> empty_map = [],
  4: MyEnum2 me2_2 = MyEnum1.ME2_2,
  5: i32 self = 3,
  6: string delete = "gone",
}

service AVeryLongServiceNameForTabletLocationsAndMetadataOfTheWholeInstanceAcrossEveryRegion {
  RecList getRootTabletLocationForTheWholeInstanceIncludingEveryReplicaAndEveryRegionInOneCall(
      1: RecList head, 2: i32 self) throws (1: CoError error),
  delegate echoTheDelegateBackUnchangedSoThatRecursiveBoxedValuesTravelInBothDirectionsOfACall(
      1: delegate value),
}
