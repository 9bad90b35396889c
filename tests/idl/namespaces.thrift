// Namespaces for every scope Apache knows, the `*` fallback, and cpp_include.
namespace * vireo.test.all
namespace c_glib vireo_test
namespace cl vireo.test
namespace cpp vireo.test
namespace d vireo.test
namespace dart vireo.test
namespace delphi Vireo.Test
namespace erl vireo_test
namespace go vireo.test
namespace haxe vireo.test
namespace java org.vireo.test
namespace js Vireo.Test
namespace lua vireo_test
namespace netstd Vireo.Test
namespace nodejs vireo_test
namespace nodets vireo_test
namespace ocaml Vireo_test
namespace perl Vireo.Test
namespace php Vireo.Test
namespace py vireo.test
namespace py.twisted vireo.test.twisted
namespace rb Vireo.Test
namespace rs vireo_test
namespace st VireoTest
namespace swift VireoTest
namespace xml vireo.test
namespace xsd vireo.test
namespace cocoa VT
namespace kotlin org.vireo.test
namespace smalltalk.category VireoTest
namespace smalltalk.prefix VT
namespace java.swift org.vireo.swift
cpp_include "<vector>"
cpp_include "vireo/test/extra.h"

struct Ns {
  1: i32 x,
}
