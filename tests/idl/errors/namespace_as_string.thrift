// expect: expected a namespace name, found string literal
namespace cpp "vireo.test"
