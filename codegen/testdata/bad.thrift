// Used by codegen_cli_test: a type that does not exist.
struct Broken {
  1: NoSuchType field,
}
