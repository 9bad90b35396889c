/**
 * The C++ annotations and legacy IDL decorations found in real IDL files,
 * as Apache Thrift 0.17 accepts them. Apache's C++ generator honours
 * cpp.type (on base types and on typedefs of base types), `cpp_type "..."`
 * on containers, and cpp_include; it accepts and ignores cpp.template,
 * cpp.ref and the fbthrift spellings (cpp.ref_type, cpp2.*), the hash and
 * equality declarations, cpp.indirection and final; cpp.customostream
 * makes it leave the struct's operator<< to the user. xsd_* are parsed and
 * dropped.
 */
cpp_include "<unordered_map>"
cpp_include "<unordered_set>"
cpp_include "<deque>"
cpp_include "<list>"

namespace cpp corpus.annotations.deeply.nested.ns
namespace * corpus.annotations
namespace java org.vireo.corpus.annotations
namespace py.twisted corpus_annotations_twisted
namespace netstd Vireo.Corpus.Annotations

/** A base type with another C++ type (the wire type stays i32). */
typedef i32 (cpp.type = "long") WideCounter
/** The annotation after the typedef's name. */
typedef i64 Nanos (cpp.type = "long long")
typedef string (cpp.type = "std::string") PlainText
typedef binary (cpp.type = "std::string") BytesAsText
/** A container typedef with another template. */
typedef map<string, i64> (cpp.template = "std::unordered_map") HashedCounts
/** A container typedef with a whole C++ type. */
typedef set cpp_type "std::unordered_set<std::string>" <string> NameSet
/** cpp.indirection on a typedef (fbthrift). */
typedef i64 (cpp.indirection) IndirectId
/** Hash and equality declarations on a typedef (fbthrift). */
typedef map<i32, string> (cpp.declare_hash, cpp.declare_equal_to) HashedLabels

enum Encoding {
  PLAIN = 0,
  DICTIONARY = 1,
  DELTA = 2,
} (cpp.enum_type = "uint8_t", note = "fbthrift spelling")

/** Every container annotation on fields. */
struct ContainerChoices {
  1: map<i32, string> (cpp.template = "std::unordered_map") byTemplate,
  2: list<i32> (cpp.template = "std::deque") queue,
  3: list<string> (cpp.template = "std::list") linked,
  4: set<i64> (cpp.template = "std::unordered_set") hashedIds,
  5: map cpp_type "std::unordered_map<int32_t, std::string>" <i32, string> byCppType,
  6: list<double> cpp_type "std::deque<double>" samples,
  7: set cpp_type "std::unordered_set<std::string>" <string> names,
  8: HashedCounts counts,
  9: NameSet moreNames,
  10: map<string, list<i32> (cpp.template = "std::deque")> (cpp.template = "std::unordered_map") nested,
  11: HashedLabels labels,
} (cpp.declare_hash, cpp.declare_equal_to)

/** Every base-type annotation on fields. */
struct TypeChoices {
  1: i64 (cpp.type = "long long") wide,
  2: WideCounter counter,
  3: Nanos elapsed,
  4: PlainText text,
  5: BytesAsText raw,
  6: binary (cpp.type = "std::string") payload,
  7: IndirectId id,
  8: optional i32 (cpp.type = "long") maybeWide,
}

/** References by annotation, every spelling. */
struct RefChoices {
  1: optional TypeChoices viaRef (cpp.ref = "true"),
  2: optional TypeChoices viaUnique (cpp.ref_type = "unique"),
  3: optional TypeChoices viaShared (cpp.ref_type = "shared"),
  4: optional TypeChoices viaSharedConst (cpp.ref_type = "shared_const"),
  5: optional TypeChoices viaCpp2Ref (cpp2.ref = "true"),
  6: optional TypeChoices viaCpp2Shared (cpp2.ref_type = "shared"),
  7: TypeChoices & viaAmpersand,
}

/** A struct printed by hand: the user supplies operator<< (not defined in this corpus). */
struct HandPrinted {
  1: string text,
} (cpp.customostream)

/** Marked final. */
struct Sealed {
  1: i32 value,
} (final)

exception SealedError {
  1: string what,
} (final, cpp.declare_hash)

/** xsd_all, xsd_optional, xsd_nillable and xsd_attrs, parsed and dropped. */
struct XmlShaped xsd_all {
  1: string id xsd_optional,
  2: optional string note xsd_nillable,
  3: i32 count xsd_optional xsd_nillable,
  4: string tagged xsd_attrs { 1: string lang, 2: i32 version },
}

union XmlChoice xsd_all {
  1: string text xsd_optional,
  2: i64 number,
}

/** Free-form annotations everywhere: on fields, enums values, services, methods. */
struct Annotated {
  1: string name (go.tag = "json:\"name\"", api.path = "name", deprecated),
  2: i32 (cpp.type = "int") count (api.query = "count"),
} (thrift.uri = "vireo.dev/corpus/Annotated", rust.derive = "Default")

enum Flagged {
  ON = 1 (display = "on"),
  OFF = 0 (display = "off"),
} (cpp.declare_bitwise_ops)

service AnnotatedService {
  ContainerChoices containers(1: ContainerChoices input) (api.get = "/containers"),
  TypeChoices types(1: TypeChoices input (api.body = "input")),
  RefChoices refs(1: RefChoices input),
  XmlShaped xml(1: XmlShaped input, 2: XmlChoice choice),
  Sealed seal(1: i32 value) throws (1: SealedError e) (priority = "high"),
  oneway void fire(1: Annotated event) (cpp.coroutine),
} (cpp.name = "AnnotatedServiceImpl", cpp.process_in_event_base)
