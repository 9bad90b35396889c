// vireo_fuzz_seeds: writes the starting corpora of the fuzz targets, made
// by Vireo's own encoders from the same kinds of values the tests use, so
// that no binary blob is checked in.
//
// Usage: vireo_fuzz_seeds OUT_DIR [REPO_DIR]
//   Writes OUT_DIR/<target>/<name> for every target of fuzz/ (existing files
//   of the same name are overwritten, others are left alone). With REPO_DIR,
//   the .thrift files of the repository (tests/idl, codegen/testdata,
//   bench/idl, examples) become idl_parser_fuzzer seeds, alone and, for a
//   file with includes, joined with its first include after a `#inc` line
//   (the form idl_parser_fuzzer.cc reads).
//
// What each corpus holds (each input in the form its target reads):
// - frame_fuzzer: two messages (calls with a string argument or a Complex,
//   replies, exceptions, oneways; Binary strict and non-strict, Compact)
//   back to back in every framing -- Buffered, Framed, THeader (plain, zlib,
//   key/values, Compact) and TTHeader (key/values, int keys, ACL token,
//   zlib) -- after the mode byte of a server (detection) and of a client of
//   that framing;
// - binary_skip_fuzzer / compact_skip_fuzzer: a type byte, then a value of
//   that type: every scalar, strings, containers, the Complex fixtures;
// - complex_binary_fuzzer / complex_compact_fuzzer: the Complex fixtures of
//   tests/interop/complex_fixtures.h (but the 1.5 MB one) and one just over
//   the 8 KiB contiguous-encode limit with a binary field past the 4 KiB
//   slice threshold.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "complex_types.h"
#include "fuzz/complex_api.h"
#include "fuzz/fuzz_util.h"
#include "tests/interop/complex_fixtures.h"
#include "vireo/codec/binary_protocol.h"
#include "vireo/codec/compact_protocol.h"
#include "vireo/codec/frame.h"
#include "vireo/codec/serialize.h"
#include "vireo/codec/thrift_types.h"
#include "vireo/codec/ttheader.h"
#include "vireo/transport/link_buffer.h"
#if VIREO_FUZZ_GENERIC
#include "vireo/core/generic/json_codec.h"
#include "vireo/core/generic/schema.h"
#endif

namespace vireo::fuzz {
namespace {

namespace fs = std::filesystem;
using codec::Framing;
using codec::MessageType;
using codec::ProtocolId;
using codec::TType;
using transport::LinkBuffer;

class SeedDir {
 public:
  SeedDir(const fs::path& root, const std::string& target) : dir_(root / target) {
    fs::create_directories(dir_);
  }
  void Write(const std::string& name, std::string_view bytes) {
    std::ofstream out(dir_ / name, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::cerr << "vireo_fuzz_seeds: cannot write " << (dir_ / name) << "\n";
      std::exit(1);
    }
    ++count_;
  }
  int count() const { return count_; }

 private:
  fs::path dir_;
  int count_ = 0;
};

// The fixtures small enough for a fuzz input (all but kLarge), by name.
std::vector<std::pair<std::string, ::bench::Complex>> Fixtures() {
  std::vector<std::pair<std::string, ::bench::Complex>> out;
  for (int i = 0; i < interop::kComplexFixtureCount; ++i) {
    if (i == interop::kLarge) continue;
    out.emplace_back(interop::ComplexFixtureName(i), ComplexFixture(i));
  }
  // Over kContiguousEncodeLimit (chunked encoding), with a blob decoded as
  // a slice.
  ::bench::Complex big = ComplexFixture(interop::kFullIntValue);
  big.blob = codec::Bytes(interop::fixture_internal::BinaryPattern(5000, 3));
  big.name = std::string(3000, 'n');
  out.emplace_back("OverContiguousLimit", std::move(big));
  return out;
}

std::string EncodeStruct(const ::bench::Complex& c, ProtocolId p) {
  LinkBuffer buf;
  codec::Encode(c, p, buf);
  buf.Flush();
  return buf.ReadableCopy();
}

// ---- Messages ----

// A whole message: header, then `write_args` writes the argument (or
// result) struct's fields.
template <class Writer>
std::string Message(std::string_view name, MessageType type, int32_t seq,
                    const std::function<void(Writer&)>& write_fields) {
  LinkBuffer buf;
  {
    Writer w(buf);
    w.WriteMessageBegin(name, type, seq);
    w.WriteStructBegin();
    write_fields(w);
    w.WriteFieldStop();
    w.WriteStructEnd();
    w.WriteMessageEnd();
    w.Finish();
  }
  buf.Flush();
  return buf.ReadableCopy();
}

template <class Writer>
std::string EchoCall(int32_t seq, std::string_view arg) {
  return Message<Writer>("echo", MessageType::kCall, seq, [&](Writer& w) {
    w.WriteFieldBegin(TType::kString, 1);
    w.WriteString(arg);
    w.WriteFieldEnd();
  });
}

template <class Writer>
std::string ComplexCall(int32_t seq, const ::bench::Complex& c) {
  return Message<Writer>("roundtrip", MessageType::kCall, seq, [&](Writer& w) {
    w.WriteFieldBegin(TType::kStruct, 1);
    codec::WriteStruct(w, c);
    w.WriteFieldEnd();
  });
}

// A reply carrying field 0 (success) = a string, or an exception struct.
template <class Writer>
std::string Reply(int32_t seq, MessageType type) {
  return Message<Writer>("echo", type, seq, [&](Writer& w) {
    if (type == MessageType::kException) {
      w.WriteFieldBegin(TType::kString, 1);
      w.WriteString("no such method");
      w.WriteFieldEnd();
      w.WriteFieldBegin(TType::kI32, 2);
      w.WriteI32(1);
      w.WriteFieldEnd();
      return;
    }
    w.WriteFieldBegin(TType::kString, 0);
    w.WriteString("hello back");
    w.WriteFieldEnd();
  });
}

template <class Writer>
std::string Oneway(int32_t seq) {
  return Message<Writer>("fire", MessageType::kOneway, seq, [&](Writer& w) {
    w.WriteFieldBegin(TType::kI64, 1);
    w.WriteI64(-42);
    w.WriteFieldEnd();
  });
}

std::string BE32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

// The old, non-strict Binary header: name length, name, type byte, seq id.
std::string NonStrictCall(int32_t seq, std::string_view arg) {
  std::string m = BE32(4) + "echo" + std::string(1, '\x01') + BE32(static_cast<uint32_t>(seq));
  m += std::string("\x0b\x00\x01", 3) + BE32(static_cast<uint32_t>(arg.size()));
  m += arg;
  m += std::string(1, '\0');
  return m;
}

std::string Frame(const codec::FrameHeader& h, std::string_view message) {
  LinkBuffer out;
  absl::Status s = codec::EncodeFrame(h, Plain(message), out);
  if (!s.ok()) {
    std::cerr << "vireo_fuzz_seeds: EncodeFrame: " << s << "\n";
    std::exit(1);
  }
  out.Flush();
  return out.ReadableCopy();
}

void WriteFrameSeeds(SeedDir& dir) {
  const ::bench::Complex full = ComplexFixture(interop::kFullIntValue);
  const ::bench::Complex nested = ComplexFixture(interop::kNested);
  using BW = codec::BinaryWriter;
  using CW = codec::CompactWriter;
  struct Pair {
    std::string name;
    ProtocolId protocol;
    std::string first;
    std::string second;
  };
  const std::vector<Pair> messages = {
      {"binary-echo", ProtocolId::kBinary, EchoCall<BW>(1, "hello"), EchoCall<BW>(2, "")},
      {"compact-echo", ProtocolId::kCompact, EchoCall<CW>(1, "hello"), EchoCall<CW>(300, "x")},
      {"binary-complex", ProtocolId::kBinary, ComplexCall<BW>(7, full), Oneway<BW>(8)},
      {"compact-complex", ProtocolId::kCompact, ComplexCall<CW>(7, nested), Oneway<CW>(8)},
      {"binary-replies", ProtocolId::kBinary, Reply<BW>(3, MessageType::kReply),
       Reply<BW>(4, MessageType::kException)},
      {"compact-replies", ProtocolId::kCompact, Reply<CW>(3, MessageType::kReply),
       Reply<CW>(4, MessageType::kException)},
      {"binary-nonstrict", ProtocolId::kBinary, NonStrictCall(5, "old"), NonStrictCall(6, "")},
  };

  std::vector<std::pair<std::string, codec::FrameHeader>> headers;
  {
    codec::FrameHeader h;
    h.framing = Framing::kBuffered;
    headers.emplace_back("buffered", h);
    h.framing = Framing::kFramed;
    headers.emplace_back("framed", h);
  }
  {
    codec::FrameHeader h;
    h.framing = Framing::kTHeader;
    h.seq_id = 11;
    headers.emplace_back("theader", h);
    h.flags = codec::kFlagSupportOutOfOrder;
    h.headers = {{"a", "1"}, {"isn", "ComplexService"}, {"a", "dup"}, {"", ""}};
    headers.emplace_back("theader-kv", h);
    h.transforms = {codec::kZlibTransform};
    headers.emplace_back("theader-zlib", h);
    h.transforms = {codec::kZlibTransform, codec::kZlibTransform};
    headers.emplace_back("theader-zlib2", h);
  }
  {
    codec::FrameHeader h;
    h.framing = Framing::kTTHeader;
    h.seq_id = 12;
    headers.emplace_back("ttheader", h);
    h.flags = codec::kFlagSupportOutOfOrder;
    h.headers = {{std::string(codec::kTTHeaderBizStatus), "0"}, {"trace", "abc"}};
    h.int_headers = {{codec::kTTHeaderToMethod, "echo"},
                     {codec::kTTHeaderRpcTimeout, "1000"},
                     {codec::kTTHeaderToService, "ComplexService"}};
    h.acl_token = "token";
    headers.emplace_back("ttheader-kv", h);
    h.transforms = {codec::kZlibTransform};
    headers.emplace_back("ttheader-zlib", h);
  }

  for (const auto& [hname, base] : headers) {
    for (const Pair& m : messages) {
      const bool header_framing =
          base.framing == Framing::kTHeader || base.framing == Framing::kTTHeader;
      // Only header framings carry a protocol id; non-strict Binary goes
      // Buffered or Framed (as old clients send it).
      if (m.name == "binary-nonstrict" && header_framing) continue;
      codec::FrameHeader h = base;
      h.protocol = m.protocol;
      std::string stream = Frame(h, m.first);
      h.seq_id += 1;
      stream += Frame(h, m.second);
      const char client_mode = static_cast<char>(4 + static_cast<int>(base.framing));
      dir.Write("server-" + hname + "-" + m.name, std::string(1, '\0') + stream);
      dir.Write("client-" + hname + "-" + m.name, std::string(1, client_mode) + stream);
    }
  }
  // A THeader frame with no payload, as Apache's client flushes on close.
  codec::FrameHeader empty;
  empty.framing = Framing::kTHeader;
  dir.Write("server-theader-empty", std::string(1, '\0') + Frame(empty, ""));
}

// ---- Values for the skip targets ----

template <class Writer>
std::string Value(const std::function<void(Writer&)>& write) {
  LinkBuffer buf;
  {
    Writer w(buf);
    write(w);
    w.Finish();
  }
  buf.Flush();
  return buf.ReadableCopy();
}

template <class Writer>
void WriteSkipSeeds(SeedDir& dir, ProtocolId p) {
  auto seed = [&](const std::string& name, TType type, const std::function<void(Writer&)>& w) {
    dir.Write(name, std::string(1, static_cast<char>(type)) + Value<Writer>(w));
  };
  seed("bool", TType::kBool, [](Writer& w) { w.WriteBool(true); });
  seed("byte", TType::kByte, [](Writer& w) { w.WriteByte(-7); });
  seed("i16", TType::kI16, [](Writer& w) { w.WriteI16(-30000); });
  seed("i32", TType::kI32, [](Writer& w) { w.WriteI32(123456789); });
  seed("i64", TType::kI64, [](Writer& w) { w.WriteI64(-1234567890123456789); });
  seed("double", TType::kDouble, [](Writer& w) { w.WriteDouble(-2.5e-300); });
  seed("string", TType::kString, [](Writer& w) { w.WriteString("Gr\xC3\xBC\xC3\x9F Gott"); });
  seed("uuid", TType::kUuid, [](Writer& w) {
    w.WriteUuid({0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 1, 2, 3, 4, 5, 6, 7, 8});
  });
  seed("list-i32", TType::kList, [](Writer& w) {
    w.WriteListBegin(TType::kI32, 20);
    for (int i = 0; i < 20; ++i) w.WriteI32(i * i - 100);
    w.WriteListEnd();
  });
  seed("list-bool", TType::kList, [](Writer& w) {
    w.WriteListBegin(TType::kBool, 3);
    w.WriteBool(true);
    w.WriteBool(false);
    w.WriteBool(true);
    w.WriteListEnd();
  });
  seed("set-string", TType::kSet, [](Writer& w) {
    w.WriteSetBegin(TType::kString, 3);
    w.WriteString("a");
    w.WriteString("");
    w.WriteString("ccc");
    w.WriteSetEnd();
  });
  seed("map-string-i64", TType::kMap, [](Writer& w) {
    w.WriteMapBegin(TType::kString, TType::kI64, 2);
    w.WriteString("hits");
    w.WriteI64(1234567890123);
    w.WriteString("misses");
    w.WriteI64(-5);
    w.WriteMapEnd();
  });
  seed("map-empty", TType::kMap, [](Writer& w) {
    w.WriteMapBegin(TType::kI32, TType::kDouble, 0);
    w.WriteMapEnd();
  });
  seed("map-i32-double", TType::kMap, [](Writer& w) {
    w.WriteMapBegin(TType::kI32, TType::kDouble, 2);
    w.WriteI32(1);
    w.WriteDouble(0.5);
    w.WriteI32(2);
    w.WriteDouble(-0.0);
    w.WriteMapEnd();
  });
  seed("list-list-i32", TType::kList, [](Writer& w) {
    w.WriteListBegin(TType::kList, 2);
    w.WriteListBegin(TType::kI32, 1);
    w.WriteI32(1);
    w.WriteListEnd();
    w.WriteListBegin(TType::kI32, 0);
    w.WriteListEnd();
    w.WriteListEnd();
  });
  seed("struct-all-types", TType::kStruct, [](Writer& w) {
    w.WriteStructBegin();
    w.WriteFieldBegin(TType::kBool, 1);
    w.WriteBool(false);
    w.WriteFieldEnd();
    w.WriteFieldBegin(TType::kByte, 2);
    w.WriteByte(1);
    w.WriteFieldEnd();
    w.WriteFieldBegin(TType::kI16, 20);
    w.WriteI16(2);
    w.WriteFieldEnd();
    w.WriteFieldBegin(TType::kI32, 3);
    w.WriteI32(3);
    w.WriteFieldEnd();
    w.WriteFieldBegin(TType::kUuid, 4);
    w.WriteUuid({});
    w.WriteFieldEnd();
    w.WriteFieldBegin(TType::kStruct, 300);
    w.WriteStructBegin();
    w.WriteFieldBegin(TType::kBool, 1);
    w.WriteBool(true);
    w.WriteFieldEnd();
    w.WriteFieldStop();
    w.WriteStructEnd();
    w.WriteFieldEnd();
    w.WriteFieldBegin(TType::kDouble, -1);
    w.WriteDouble(1.0);
    w.WriteFieldEnd();
    w.WriteFieldStop();
    w.WriteStructEnd();
  });
  for (const auto& [name, c] : Fixtures()) {
    dir.Write("struct-complex-" + name,
              std::string(1, static_cast<char>(TType::kStruct)) + EncodeStruct(c, p));
  }
}

void WriteComplexSeeds(SeedDir& dir, ProtocolId p) {
  for (const auto& [name, c] : Fixtures()) dir.Write(name, EncodeStruct(c, p));
}

#if VIREO_FUZZ_GENERIC
// generic_json_fuzzer: a mode byte (bit 0: Compact, bit 1: Thrift bytes
// in), then each fixture as JSON (written by the generic codec) and as
// Binary and Compact bytes.
void WriteGenericSeeds(SeedDir& dir) {
  auto schema = vireo::generic::Schema::Load({VIREO_BENCH_IDL_DIR "/complex.thrift"});
  if (!schema.ok()) {
    std::cerr << "vireo_fuzz_seeds: " << schema.status() << "\n";
    std::exit(1);
  }
  const vireo::generic::StructType* complex = (*schema)->FindStruct("Complex");
  for (const auto& [name, c] : Fixtures()) {
    for (ProtocolId p : {ProtocolId::kBinary, ProtocolId::kCompact}) {
      const char proto = p == ProtocolId::kCompact ? 1 : 0;
      const std::string bytes = EncodeStruct(c, p);
      dir.Write(name + (proto ? "_compact" : "_binary"), std::string(1, char(proto | 2)) + bytes);
      LinkBuffer in;
      in.Write(bytes);
      in.Flush();
      std::string json;
      if (vireo::generic::ThriftToJson(*complex, in, p, &json, {}).ok()) {
        dir.Write(name + (proto ? "_json_compact" : "_json_binary"), std::string(1, proto) + json);
      }
    }
  }
}
#endif

// ---- IDL files ----

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteIdlSeeds(SeedDir& dir, const fs::path& repo) {
  const std::vector<fs::path> roots = {repo / "tests/idl", repo / "codegen/testdata",
                                       repo / "bench/idl", repo / "examples"};
  const std::regex include_line(R"re(^\s*include\s+["']([^"']+)["'])re");
  std::set<fs::path> files;
  for (const fs::path& root : roots) {
    if (!fs::is_directory(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.is_regular_file() && entry.path().extension() == ".thrift") {
        files.insert(entry.path());
      }
    }
  }
  for (const fs::path& file : files) {
    const std::string text = ReadFile(file);
    std::string name = fs::relative(file, repo).string();
    for (char& ch : name) {
      if (ch == '/') ch = '-';
    }
    dir.Write(name, text);
    std::istringstream lines(text);
    std::string line;
    std::smatch m;
    while (std::getline(lines, line)) {
      if (!std::regex_search(line, m, include_line)) continue;
      for (const fs::path& base : {file.parent_path(), repo / "tests/idl/include"}) {
        const fs::path included = base / m[1].str();
        if (fs::is_regular_file(included)) {
          dir.Write(name + "+inc", text + "\n#inc\n" + ReadFile(included));
          break;
        }
      }
      break;  // the first include only
    }
  }
}

}  // namespace
}  // namespace vireo::fuzz

int main(int argc, char** argv) {
  using namespace vireo::fuzz;
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: vireo_fuzz_seeds OUT_DIR [REPO_DIR]\n";
    return 2;
  }
  const fs::path out = argv[1];
  SeedDir frame(out, "frame_fuzzer");
  WriteFrameSeeds(frame);
  SeedDir binary_skip(out, "binary_skip_fuzzer");
  WriteSkipSeeds<vireo::codec::BinaryWriter>(binary_skip, ProtocolId::kBinary);
  SeedDir compact_skip(out, "compact_skip_fuzzer");
  WriteSkipSeeds<vireo::codec::CompactWriter>(compact_skip, ProtocolId::kCompact);
  SeedDir complex_binary(out, "complex_binary_fuzzer");
  WriteComplexSeeds(complex_binary, ProtocolId::kBinary);
  SeedDir complex_compact(out, "complex_compact_fuzzer");
  WriteComplexSeeds(complex_compact, ProtocolId::kCompact);
#if VIREO_FUZZ_GENERIC
  SeedDir generic(out, "generic_json_fuzzer");
  WriteGenericSeeds(generic);
#endif
  SeedDir idl(out, "idl_parser_fuzzer");
  if (argc == 3) WriteIdlSeeds(idl, argv[2]);
  std::cout << "vireo_fuzz_seeds: wrote " << frame.count() << " frame, " << binary_skip.count()
            << " binary skip, " << compact_skip.count() << " compact skip, "
            << complex_binary.count() << " complex binary, " << complex_compact.count()
            << " complex compact and " << idl.count() << " IDL seeds to " << out.string() << "\n";
  return 0;
}
