// Lets the examples accept flags spelled with dashes (--port-file) as
// well as with underscores (--port_file), the spelling absl::flags knows.
//
// Example:
//   int main(int argc, char** argv) {
//     std::vector<char*> args = vireo::examples::UnderscoreFlagNames(argc, argv);
//     absl::ParseCommandLine(static_cast<int>(args.size()), args.data());
//   }
#ifndef VIREO_EXAMPLES_COMMON_FLAGS_H_
#define VIREO_EXAMPLES_COMMON_FLAGS_H_

#include <cstring>
#include <vector>

namespace vireo::examples {

// Rewrites, in place, the name part of every "--name[=value]" argument so
// that its dashes become underscores; values and positional arguments are
// left alone, and so is everything after a bare "--". Returns argv as a
// vector (argv[0] .. argv[argc-1]) for absl::ParseCommandLine.
inline std::vector<char*> UnderscoreFlagNames(int argc, char** argv) {
  std::vector<char*> args(argv, argv + argc);
  for (size_t i = 1; i < args.size(); ++i) {
    char* arg = args[i];
    if (std::strcmp(arg, "--") == 0) break;
    if (arg[0] != '-') continue;
    char* name = arg + (arg[1] == '-' ? 2 : 1);
    for (char* p = name; *p != '\0' && *p != '='; ++p) {
      if (*p == '-') *p = '_';
    }
  }
  return args;
}

}  // namespace vireo::examples

#endif  // VIREO_EXAMPLES_COMMON_FLAGS_H_
