// vireo-call: calls one method of any Thrift service from the shell, with
// the IDL read at run time and JSON for the arguments and the reply
// (docs/cli.md).
//
//   vireo-call --idl store.thrift 127.0.0.1:9090 Store.find '{"id": 7}'
//   vireo-call --idl store.thrift --list
//
// Exit codes (docs/cli.md has the table):
//   0  the call returned normally; its value is on stdout
//   2  usage: bad flags, an IDL that does not load, an unknown service or
//      method, a request that is not JSON or does not fit the IDL --
//      anything found before a byte is sent
//   3  no usable answer: the connection failed or closed, the timeout
//      passed, or what came back is not the method's reply
//   4  the server answered with an error: a TApplicationException, or a
//      status a Vireo server carried back in one
//   5  the method raised an exception declared in the IDL; stdout has
//      {"exception": "<Type>", "value": {...}}
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "vireo/codec/frame.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/core/client.h"
#include "vireo/core/generic/generic.h"
#include "vireo/core/generic/json_codec.h"
#include "vireo/core/generic/schema.h"
#include "vireo/transport/link_buffer.h"

namespace vireo::generic {
namespace {

enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 2,
  kExitTransport = 3,
  kExitServerError = 4,
  kExitIdlException = 5,
};

constexpr char kUsage[] =
    "usage: vireo-call [options] HOST:PORT [Service.]method [REQUEST]\n"
    "       vireo-call --idl FILE... --list\n"
    "\n"
    "Calls one method of a Thrift service described by IDL files read at run\n"
    "time. REQUEST is a JSON object of the method's arguments keyed by their\n"
    "IDL names ('{\"req\": {...}}'), '@file.json' to read it from a file, or\n"
    "'-' for stdin; absent, it is {}. Prints the reply as JSON on stdout.\n"
    "\n"
    "options (also --flag=value):\n"
    "  --idl FILE          an IDL file to load; may be repeated (required)\n"
    "  -I DIR              search DIR for included files; may be repeated\n"
    "  --framing F         theader (default) | ttheader | framed | buffered\n"
    "  --protocol P        binary (default) | compact\n"
    "  --timeout D         time for the whole call, e.g. 500ms, 2s; 0 = no\n"
    "                      limit (default: 5s)\n"
    "  --meta K=V          metadata sent with the call (header framings only);\n"
    "                      may be repeated\n"
    "  --service NAME      the IDL service, when the method names none\n"
    "  --multiplexed       name the call \"Service:method\" (Apache's\n"
    "                      TMultiplexedProtocol)\n"
    "  --pretty            indent the output (default when stdout is a terminal)\n"
    "  --compact-output    one line of output (default otherwise)\n"
    "  --i64-as-string     print i64 values as JSON strings\n"
    "  --enum-as-name      print enum values by name\n"
    "  --list              print the services, methods and argument types, and exit\n"
    "  -h, --help          print this text and exit\n"
    "\n"
    "exit codes: 0 ok; 2 usage error (found before sending); 3 connection,\n"
    "timeout or a reply that is not the method's; 4 error from the server\n"
    "(TApplicationException); 5 the method raised a declared IDL exception\n"
    "(printed as {\"exception\": Type, \"value\": ...})\n";

// What the command line asks for.
struct CallArgs {
  std::vector<std::string> idl_files;
  std::vector<std::string> include_dirs;
  codec::Framing framing = codec::Framing::kTHeader;
  codec::ProtocolId protocol = codec::ProtocolId::kBinary;
  absl::Duration timeout = absl::Seconds(5);
  Metadata metadata;
  std::string service;
  bool multiplexed = false;
  // Unset: pretty when stdout is a terminal.
  std::optional<bool> pretty;
  bool i64_as_string = false;
  bool enum_as_name = false;
  bool list = false;
  bool help = false;
  std::string target;
  std::string method;
  // Inline JSON, "@path", "-" or "" (none given).
  std::string request;
};

absl::StatusOr<codec::Framing> ParseFraming(const std::string& v) {
  if (v == "theader") return codec::Framing::kTHeader;
  if (v == "ttheader") return codec::Framing::kTTHeader;
  if (v == "framed") return codec::Framing::kFramed;
  if (v == "buffered") return codec::Framing::kBuffered;
  return absl::InvalidArgumentError(
      absl::StrCat("--framing: '", v, "' is not theader, ttheader, framed or buffered"));
}

absl::StatusOr<codec::ProtocolId> ParseProtocol(const std::string& v) {
  if (v == "binary") return codec::ProtocolId::kBinary;
  if (v == "compact") return codec::ProtocolId::kCompact;
  return absl::InvalidArgumentError(absl::StrCat("--protocol: '", v, "' is not binary or compact"));
}

// Parses the arguments after the program name. InvalidArgument, naming the
// flag, on a usage error.
absl::StatusOr<CallArgs> ParseArgs(const std::vector<std::string>& argv) {
  CallArgs args;
  std::vector<std::string> positional;
  bool flags_done = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (flags_done || a == "-" || a.empty() || a[0] != '-') {
      positional.push_back(a);
      continue;
    }
    if (a == "--") {
      flags_done = true;
      continue;
    }
    // "--flag=value" or "--flag value"; "-IDIR" or "-I DIR".
    std::string flag = a;
    std::optional<std::string> inline_value;
    if (const size_t eq = a.find('='); absl::StartsWith(a, "--") && eq != std::string::npos) {
      flag = a.substr(0, eq);
      inline_value = a.substr(eq + 1);
    } else if (absl::StartsWith(a, "-I") && a.size() > 2) {
      flag = "-I";
      inline_value = a.substr(2);
    }
    auto value = [&]() -> absl::StatusOr<std::string> {
      if (inline_value.has_value()) return *inline_value;
      if (i + 1 >= argv.size()) return absl::InvalidArgumentError(flag + " needs a value");
      return argv[++i];
    };
    auto no_value = [&]() -> absl::Status {
      if (inline_value.has_value()) return absl::InvalidArgumentError(flag + " takes no value");
      return absl::OkStatus();
    };

    if (flag == "-h" || flag == "--help") {
      if (absl::Status s = no_value(); !s.ok()) return s;
      args.help = true;
    } else if (flag == "--list" || flag == "--multiplexed" || flag == "--pretty" ||
               flag == "--compact-output" || flag == "--i64-as-string" ||
               flag == "--enum-as-name") {
      if (absl::Status s = no_value(); !s.ok()) return s;
      if (flag == "--list") args.list = true;
      if (flag == "--multiplexed") args.multiplexed = true;
      if (flag == "--pretty") args.pretty = true;
      if (flag == "--compact-output") args.pretty = false;
      if (flag == "--i64-as-string") args.i64_as_string = true;
      if (flag == "--enum-as-name") args.enum_as_name = true;
    } else if (flag == "--idl" || flag == "-I" || flag == "--framing" || flag == "--protocol" ||
               flag == "--timeout" || flag == "--meta" || flag == "--service") {
      absl::StatusOr<std::string> v = value();
      if (!v.ok()) return v.status();
      if (flag == "--idl") {
        args.idl_files.push_back(*v);
      } else if (flag == "-I") {
        args.include_dirs.push_back(*v);
      } else if (flag == "--framing") {
        absl::StatusOr<codec::Framing> f = ParseFraming(*v);
        if (!f.ok()) return f.status();
        args.framing = *f;
      } else if (flag == "--protocol") {
        absl::StatusOr<codec::ProtocolId> p = ParseProtocol(*v);
        if (!p.ok()) return p.status();
        args.protocol = *p;
      } else if (flag == "--timeout") {
        if (!absl::ParseDuration(*v, &args.timeout) || args.timeout < absl::ZeroDuration()) {
          return absl::InvalidArgumentError(
              absl::StrCat("--timeout: '", *v, "' is not a duration (e.g. 500ms, 2s, 0)"));
        }
      } else if (flag == "--meta") {
        const size_t eq = v->find('=');
        if (eq == std::string::npos || eq == 0) {
          return absl::InvalidArgumentError(absl::StrCat("--meta: '", *v, "' is not KEY=VALUE"));
        }
        args.metadata.Set(std::string_view(*v).substr(0, eq), std::string_view(*v).substr(eq + 1));
      } else {
        args.service = *v;
      }
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown option '", a, "'"));
    }
  }
  if (args.help) return args;
  if (args.idl_files.empty()) return absl::InvalidArgumentError("no IDL file (--idl FILE)");
  if (args.list) return args;  // what else the line says does not matter
  if (positional.size() < 2) {
    return absl::InvalidArgumentError(positional.empty() ? "no HOST:PORT and method"
                                                         : "no method ([Service.]method)");
  }
  if (positional.size() > 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument '", positional[3], "' after the request"));
  }
  args.target = positional[0];
  args.method = positional[1];
  if (positional.size() == 3) args.request = positional[2];
  return args;
}

// The request's JSON text: inline, from a file (@path) or stdin (-).
absl::StatusOr<std::string> ReadRequest(const std::string& request) {
  if (request.empty()) return std::string("{}");
  if (request == "-") {
    std::string text(std::istreambuf_iterator<char>(std::cin), {});
    if (std::cin.bad()) return absl::InvalidArgumentError("cannot read the request from stdin");
    return text;
  }
  if (request[0] == '@') {
    const std::string path = request.substr(1);
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read request file ", path));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  return request;
}

// The method the command line names: "Service.method" (the service by name
// or scoped name: the last dot splits), else `method` of --service, else of
// the only service loaded.
absl::StatusOr<const MethodSchema*> FindMethod(const Schema& schema, const CallArgs& args) {
  std::string service = args.service;
  std::string method = args.method;
  if (const size_t dot = method.rfind('.'); dot != std::string::npos) {
    service = method.substr(0, dot);
    method = method.substr(dot + 1);
  }
  if (service.empty() && schema.services().size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("the IDL declares ", schema.services().size(),
                     " services: name one (Service.method or --service); --list shows them"));
  }
  if (!service.empty() && schema.FindService(service) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("no service '", service, "' in the IDL (or the name is ambiguous)"));
  }
  const MethodSchema* m = schema.FindMethod(service, method);
  if (m == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("no method '", method, "' in service ",
                     service.empty() ? schema.services().front().name : service));
  }
  return m;
}

// A declared exception as {"exception": "<Type>", "value": {...}}.
std::string ExceptionJson(const GenericReply& reply, bool pretty) {
  if (!pretty) {
    return absl::StrCat(R"({"exception":")", reply.exception, R"(","value":)", reply.json, "}");
  }
  // The value is indented from column 0; nested one level here. A JSON
  // string holds no raw newline, so every newline is the printer's.
  return absl::StrCat("{\n  \"exception\": \"", reply.exception,
                      "\",\n  \"value\": ", absl::StrReplaceAll(reply.json, {{"\n", "\n  "}}),
                      "\n}");
}

// The exit code of a call that failed after it was sent.
int ExitCodeFor(const absl::Status& status) {
  // The server's TApplicationException, LOADSHEDDING (UNAVAILABLE) included.
  if (absl::StrContains(status.message(), "TApplicationException")) return kExitServerError;
  // A reply that came but is not the method's result as the IDL describes
  // it (GenericClient's decode error).
  if (absl::StrContains(status.message(), ": bad reply: ")) return kExitTransport;
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kCancelled:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kInternal:  // a reply frame that is not Thrift
      return kExitTransport;
    default:
      // The codes a Vireo server carries back in INTERNAL_ERROR "<CODE>: ..."
      // (a handler's or middleware's status), biz status (UNKNOWN).
      return kExitServerError;
  }
}

int Fail(int code, absl::string_view message) {
  // The IDL front end's diagnostics end in a newline of their own.
  std::cerr << "vireo-call: " << absl::StripTrailingAsciiWhitespace(message) << "\n";
  return code;
}

int Run(const CallArgs& args) {
  absl::StatusOr<std::shared_ptr<const Schema>> schema =
      Schema::Load(args.idl_files, args.include_dirs);
  if (!schema.ok()) return Fail(kExitUsage, schema.status().message());
  if (args.list) {
    std::cout << (*schema)->Describe();
    std::cout.flush();
    return kExitOk;
  }

  absl::StatusOr<const MethodSchema*> method = FindMethod(**schema, args);
  if (!method.ok()) return Fail(kExitUsage, method.status().message());
  absl::StatusOr<std::string> request = ReadRequest(args.request);
  if (!request.ok()) return Fail(kExitUsage, request.status().message());

  JsonOptions json;
  json.pretty = args.pretty.value_or(::isatty(STDOUT_FILENO) != 0);
  json.i64_as_string = args.i64_as_string;
  json.enum_as_name = args.enum_as_name;
  // Encoded once here so that a request that does not fit the IDL fails as
  // a usage error, told apart from a server's INVALID_ARGUMENT.
  {
    transport::LinkBuffer scratch;
    const absl::Status s = JsonToThrift(*(*method)->args, *request, args.protocol, scratch, json);
    if (!s.ok()) return Fail(kExitUsage, absl::StrCat("request: ", s.message()));
  }

  ClientOptions options;
  options.service = (*method)->service;
  options.targets = {args.target};
  options.framing = args.framing;
  options.protocol = args.protocol;
  options.mode = ConnectionMode::kShort;
  options.call_timeout = args.timeout;
  if (args.timeout > absl::ZeroDuration() && args.timeout < options.connect_timeout) {
    options.connect_timeout = args.timeout;
  }
  options.multiplexed_names = args.multiplexed;
  options.metrics = false;
  options.metadata = args.metadata;
  GenericClient client(*schema, std::make_shared<Client>(std::move(options)), json);
  if (absl::StatusOr<const MethodSchema*> r = client.Resolve((*method)->name); !r.ok()) {
    return Fail(kExitUsage, r.status().message());
  }

  absl::StatusOr<GenericReply> reply = client.Call((*method)->name, *request);
  if (!reply.ok()) {
    const int code = ExitCodeFor(reply.status());
    return Fail(code, absl::StrCat(absl::StatusCodeToString(reply.status().code()), ": ",
                                   reply.status().message()));
  }
  if (!reply->exception.empty()) {
    std::cout << ExceptionJson(*reply, json.pretty) << "\n";
    std::cout.flush();
    return kExitIdlException;
  }
  if (!reply->json.empty()) std::cout << reply->json << "\n";
  std::cout.flush();
  return kExitOk;
}

}  // namespace
}  // namespace vireo::generic

int main(int argc, char** argv) {
  absl::StatusOr<vireo::generic::CallArgs> args =
      vireo::generic::ParseArgs(std::vector<std::string>(argv + 1, argv + argc));
  if (!args.ok()) {
    std::cerr << "vireo-call: " << args.status().message()
              << "\n(vireo-call --help shows the usage)\n";
    return vireo::generic::kExitUsage;
  }
  if (args->help) {
    std::cout << vireo::generic::kUsage;
    return vireo::generic::kExitOk;
  }
  return vireo::generic::Run(*args);
}
