// vireo_idl_dump: loads a .thrift file with Vireo's IDL front end and prints
// the resolved model as the JSON document `thrift --gen json` writes for it,
// for the conformance tests (compare_json.py) and for looking at what the
// front end made of a file.
//
// Usage: vireo_idl_dump [-I dir]... file.thrift
//   -I dir   also search `dir` for included files (repeatable; `-Idir` works)
// Prints the JSON to stdout and every diagnostic to stderr. Exit status: 0 on
// success, 1 when the file has errors, 2 on bad usage.
#include <iostream>
#include <string>
#include <vector>

#include "vireo/idl/apache_json.h"
#include "vireo/idl/frontend.h"

namespace {

int Usage() {
  std::cerr << "usage: vireo_idl_dump [-I dir]... file.thrift\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  vireo::idl::Frontend::Options options;
  std::string file;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-I") {
      if (i + 1 >= argc) return Usage();
      options.include_dirs.push_back(argv[++i]);
    } else if (arg.size() > 2 && arg.compare(0, 2, "-I") == 0) {
      options.include_dirs.push_back(arg.substr(2));
    } else if (arg == "-h" || arg == "--help") {
      Usage();
      return 0;
    } else if (!arg.empty() && arg[0] == '-') {
      return Usage();
    } else if (file.empty()) {
      file = arg;
    } else {
      return Usage();
    }
  }
  if (file.empty()) return Usage();

  vireo::idl::Frontend frontend(options);
  const vireo::idl::Program* program = frontend.Load(file);
  std::cerr << frontend.diagnostics().Format();
  if (program == nullptr) return 1;
  std::cout << vireo::idl::ToApacheJson(*program);
  return 0;
}
