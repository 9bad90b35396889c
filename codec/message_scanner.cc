#include "vireo/codec/message_scanner.h"

#include <sys/uio.h>

#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "vireo/codec/internal/wire.h"

namespace vireo::codec {
namespace {

using internal::BinaryFixedSize;
using internal::CompactFixedSize;
using internal::CompactTypeOf;
using internal::IsMessageType;
using internal::kCompactProtocolId;
using internal::kCompactVersion;

using transport::LinkBuffer;

constexpr size_t kMaxVarintBytes = 10;

uint32_t LoadBE32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

enum class MessageScanner::Step : uint8_t {
  kStart,              // the first byte tells the protocol
  kBinaryVersion,      // strict Binary: the version word
  kBinaryNameLength,   // Binary: the name's i32 length (then the name)
  kBinaryOldType,      // non-strict Binary: the type byte after the name
  kCompactHeader,      // Compact: protocol id and version/type byte
  kCompactSeqId,       // Compact: the sequence id varint
  kCompactNameLength,  // Compact: the name's varint length (then the name)
  kNext,               // what follows depends on the innermost open level
  kFieldId,            // Compact: a field id varint (field header delta 0)
  kValue,              // a value of value_type_ starts
  kVarintValue,        // Compact: an integer value
  kCompactListSize,    // Compact: a list/set size varint (size nibble 15)
  kCompactMapTypes,    // Compact: a non-empty map's key/value type byte
  kDone,
};

enum class MessageScanner::Outcome : uint8_t { kProgress, kNeedMore, kComplete, kError };

// The received bytes of one Scan call, read forward from any offset through
// a few iovecs at a time.
class MessageScanner::Window {
 public:
  explicit Window(const LinkBuffer& buf) : buf_(buf), len_(buf.Len()) {}

  uint64_t len() const { return len_; }

  // The byte `at` bytes past the read position. at < len(), and at least
  // the previous call's `at`.
  uint8_t At(uint64_t at) {
    if (at - run_start_ >= run_len_) Seek(at);
    return run_[at - run_start_];
  }

 private:
  static constexpr size_t kIov = 16;

  void Seek(uint64_t at) {
    while (next_ < count_) {
      run_start_ = next_start_;
      run_ = static_cast<const uint8_t*>(iov_[next_].iov_base);
      run_len_ = iov_[next_].iov_len;
      next_start_ += run_len_;
      ++next_;
      if (at < run_start_ + run_len_) return;
    }
    count_ = buf_.PeekIovecs(iov_, kIov, std::numeric_limits<size_t>::max(), at);
    next_ = 1;
    run_start_ = at;
    run_ = static_cast<const uint8_t*>(iov_[0].iov_base);
    run_len_ = iov_[0].iov_len;
    next_start_ = at + run_len_;
  }

  const LinkBuffer& buf_;
  const uint64_t len_;
  iovec iov_[kIov];
  size_t count_ = 0;
  size_t next_ = 0;          // first iovec not yet used as the run
  uint64_t next_start_ = 0;  // offset of iov_[next_]
  const uint8_t* run_ = nullptr;
  uint64_t run_start_ = 0;
  uint64_t run_len_ = 0;
};

MessageScanner::MessageScanner(const Limits& limits) : limits_(limits), step_(Step::kStart) {}

void MessageScanner::Reset() {
  step_ = Step::kStart;
  compact_ = false;
  strict_ = false;
  pos_ = 0;
  examined_ = 0;
  token_len_ = 0;
  value_type_ = TType::kStop;
  pending_elem_ = 0;
  pending_size_ = 0;
  stack_.clear();
  status_ = absl::OkStatus();
}

std::optional<ProtocolId> MessageScanner::protocol() const {
  if (step_ == Step::kStart) return std::nullopt;
  return compact_ ? ProtocolId::kCompact : ProtocolId::kBinary;
}

const char* MessageScanner::protocol_name() const { return compact_ ? "compact" : "binary"; }

absl::StatusOr<std::optional<size_t>> MessageScanner::Scan(const LinkBuffer& in) {
  if (!status_.ok()) return status_;
  Window window(in);
  window_ = &window;
  const Outcome outcome = Run();
  window_ = nullptr;
  switch (outcome) {
    case Outcome::kComplete:
      return std::optional<size_t>(static_cast<size_t>(pos_));
    case Outcome::kNeedMore:
      return std::optional<size_t>();
    default:
      return status_;
  }
}

MessageScanner::Outcome MessageScanner::Fail(absl::Status status) {
  status_ = std::move(status);
  return Outcome::kError;
}

bool MessageScanner::Collect(size_t n) {
  while (token_len_ < n) {
    if (pos_ >= window_->len()) return false;
    token_[token_len_++] = window_->At(pos_++);
    ++examined_;
  }
  return true;
}

MessageScanner::Outcome MessageScanner::CollectVarint(const char* what, size_t max_bytes) {
  while (token_len_ == 0 || (token_[token_len_ - 1] & 0x80) != 0) {
    if (token_len_ == max_bytes) {
      return Fail(MalformedError(protocol_name(),
                                 absl::StrCat(what, ": varint longer than ", max_bytes, " bytes")));
    }
    if (pos_ >= window_->len()) return Outcome::kNeedMore;
    token_[token_len_++] = window_->At(pos_++);
    ++examined_;
  }
  if (max_bytes < kMaxVarintBytes && TokenVarint() > std::numeric_limits<uint32_t>::max()) {
    return Fail(MalformedError(protocol_name(), absl::StrCat(what, ": varint exceeds 32 bits")));
  }
  return Outcome::kProgress;
}

uint64_t MessageScanner::TokenVarint() const {
  uint64_t v = 0;
  for (uint8_t i = 0; i < token_len_; ++i) v |= uint64_t{token_[i] & 0x7Fu} << (7 * i);
  return v;
}

MessageScanner::Outcome MessageScanner::Run() {
  while (true) {
    Outcome outcome = Outcome::kProgress;
    switch (step_) {
      case Step::kStart: {
        if (!Collect(1)) return Outcome::kNeedMore;
        // The first byte stays in the token: it is part of what comes next.
        if (token_[0] == kCompactProtocolId) {
          compact_ = true;
          step_ = Step::kCompactHeader;
        } else {
          strict_ = (token_[0] & 0x80) != 0;
          step_ = strict_ ? Step::kBinaryVersion : Step::kBinaryNameLength;
        }
        break;
      }
      case Step::kBinaryVersion: {
        if (!Collect(4)) return Outcome::kNeedMore;
        const uint32_t word = LoadBE32(token_);
        ClearToken();
        if ((word >> 16) != 0x8001) {
          return Fail(MalformedError(
              "binary", absl::StrCat("message version 0x", absl::Hex(word >> 16, absl::kZeroPad4),
                                     ", want 0x8001")));
        }
        if (!IsMessageType(word & 0xFF)) {
          return Fail(MalformedError("binary", absl::StrCat("message type ", word & 0xFF)));
        }
        step_ = Step::kBinaryNameLength;
        break;
      }
      case Step::kBinaryNameLength: {
        if (!Collect(4)) return Outcome::kNeedMore;
        const int32_t n = static_cast<int32_t>(LoadBE32(token_));
        ClearToken();
        if (n < 0) {
          return Fail(
              MalformedError("binary", absl::StrCat("message name length ", n, " is negative")));
        }
        if (static_cast<uint32_t>(n) > limits_.max_string_size) {
          return Fail(
              LimitError("max_string_size", "message name length", n, limits_.max_string_size));
        }
        Jump(static_cast<uint32_t>(n));
        if (strict_) {
          Jump(4);  // sequence id
          outcome = BeginStruct();
        } else {
          step_ = Step::kBinaryOldType;
        }
        break;
      }
      case Step::kBinaryOldType: {
        if (!Collect(1)) return Outcome::kNeedMore;
        const uint8_t type = token_[0];
        ClearToken();
        if (!IsMessageType(type)) {
          return Fail(MalformedError("binary", absl::StrCat("message type ", type)));
        }
        Jump(4);  // sequence id
        outcome = BeginStruct();
        break;
      }
      case Step::kCompactHeader: {
        if (!Collect(2)) return Outcome::kNeedMore;
        const uint8_t b = token_[1];
        ClearToken();
        if ((b & 0x1F) != kCompactVersion) {
          return Fail(MalformedError("compact", absl::StrCat("version ", b & 0x1F, ", want 1")));
        }
        if (!IsMessageType(b >> 5)) {
          return Fail(MalformedError("compact", absl::StrCat("message type ", b >> 5)));
        }
        step_ = Step::kCompactSeqId;
        break;
      }
      case Step::kCompactSeqId: {
        outcome = CollectVarint("sequence id");
        if (outcome != Outcome::kProgress) return outcome;
        ClearToken();
        step_ = Step::kCompactNameLength;
        break;
      }
      case Step::kCompactNameLength: {
        outcome = CollectVarint("message name length");
        if (outcome != Outcome::kProgress) return outcome;
        const uint64_t n = TokenVarint();
        ClearToken();
        if (n > limits_.max_string_size) {
          return Fail(
              LimitError("max_string_size", "message name length", n, limits_.max_string_size));
        }
        Jump(n);
        outcome = BeginStruct();
        break;
      }
      case Step::kNext:
        outcome = Next();
        break;
      case Step::kFieldId: {
        outcome = CollectVarint("field id");
        if (outcome != Outcome::kProgress) return outcome;
        ClearToken();
        step_ = value_type_ == TType::kStop ? Step::kNext : Step::kValue;
        break;
      }
      case Step::kValue:
        outcome = Value();
        break;
      case Step::kVarintValue: {
        outcome = CollectVarint("integer value", value_type_ == TType::kI64 ? kMaxVarintBytes : 5);
        if (outcome != Outcome::kProgress) return outcome;
        ClearToken();
        step_ = Step::kNext;
        break;
      }
      case Step::kCompactListSize: {
        outcome = CollectVarint(value_type_ == TType::kSet ? "set size" : "list size");
        if (outcome != Outcome::kProgress) return outcome;
        const uint64_t n = TokenVarint();
        ClearToken();
        outcome = BeginContainer(Level::Kind::kList, pending_elem_, 0, n);
        break;
      }
      case Step::kCompactMapTypes: {
        if (!Collect(1)) return Outcome::kNeedMore;
        const uint8_t b = token_[0];
        ClearToken();
        outcome = BeginContainer(Level::Kind::kMap, b >> 4, b & 0x0F, pending_size_);
        break;
      }
      case Step::kDone:
        return Outcome::kComplete;
    }
    if (outcome == Outcome::kError) return outcome;
    // Checked after every step, jumps included: a message announcing a
    // string past the limit fails now, not once the bytes have arrived.
    if (pos_ > limits_.max_frame_size) {
      return Fail(LimitError("max_frame_size", "Buffered message size (at least)", pos_,
                             limits_.max_frame_size));
    }
    if (outcome != Outcome::kProgress) return outcome;
  }
}

MessageScanner::Outcome MessageScanner::BeginStruct() {
  if (stack_.size() >= limits_.max_depth) {
    return Fail(LimitError("max_depth", "nesting depth", stack_.size() + 1, limits_.max_depth));
  }
  stack_.push_back(Level{Level::Kind::kStruct, TType::kStop, TType::kStop, 0});
  step_ = Step::kNext;
  return Outcome::kProgress;
}

MessageScanner::Outcome MessageScanner::Next() {
  if (stack_.empty()) {
    step_ = Step::kDone;
    return Outcome::kComplete;
  }
  Level& top = stack_.back();
  switch (top.kind) {
    case Level::Kind::kStruct: {
      if (!Collect(1)) return Outcome::kNeedMore;
      const uint8_t b = token_[0];
      ClearToken();
      if (b == 0) {  // field stop
        stack_.pop_back();
        return Outcome::kProgress;
      }
      if (!compact_) {
        if (!IsValueType(b)) {
          return Fail(MalformedError("binary", absl::StrCat("field type ", b)));
        }
        Jump(2);  // field id
        value_type_ = static_cast<TType>(b);
        step_ = Step::kValue;
        return Outcome::kProgress;
      }
      const TType type = CompactTypeOf(b & 0x0F);
      if (type == TType::kStop) {
        return Fail(MalformedError("compact", absl::StrCat("field type ", b & 0x0F)));
      }
      // A bool field's value is its type nibble: no value bytes follow.
      value_type_ = type == TType::kBool ? TType::kStop : type;
      if ((b >> 4) == 0) {
        step_ = Step::kFieldId;  // the id follows as a varint
      } else {
        step_ = value_type_ == TType::kStop ? Step::kNext : Step::kValue;
      }
      return Outcome::kProgress;
    }
    case Level::Kind::kList:
      if (top.left == 0) {
        stack_.pop_back();
        return Outcome::kProgress;
      }
      --top.left;
      value_type_ = top.elem;
      step_ = Step::kValue;
      return Outcome::kProgress;
    case Level::Kind::kMap:
      if (top.left == 0) {
        stack_.pop_back();
        return Outcome::kProgress;
      }
      // `left` counts keys and values down from an even number: even means
      // a key is next.
      value_type_ = top.left % 2 == 0 ? top.elem : top.value;
      --top.left;
      step_ = Step::kValue;
      return Outcome::kProgress;
  }
  return Fail(absl::InternalError("MessageScanner: bad level"));
}

MessageScanner::Outcome MessageScanner::Value() {
  const TType type = value_type_;
  if (!compact_) {
    if (const size_t n = BinaryFixedSize(type); n != 0) {
      Jump(n);
      step_ = Step::kNext;
      return Outcome::kProgress;
    }
    switch (type) {
      case TType::kString: {
        if (!Collect(4)) return Outcome::kNeedMore;
        const int32_t n = static_cast<int32_t>(LoadBE32(token_));
        ClearToken();
        if (n < 0) {
          return Fail(MalformedError("binary", absl::StrCat("string length ", n, " is negative")));
        }
        if (static_cast<uint32_t>(n) > limits_.max_string_size) {
          return Fail(LimitError("max_string_size", "string length", n, limits_.max_string_size));
        }
        Jump(static_cast<uint32_t>(n));
        step_ = Step::kNext;
        return Outcome::kProgress;
      }
      case TType::kStruct:
        return BeginStruct();
      case TType::kList:
      case TType::kSet: {
        if (!Collect(5)) return Outcome::kNeedMore;
        const uint8_t elem = token_[0];
        const int32_t n = static_cast<int32_t>(LoadBE32(token_ + 1));
        ClearToken();
        if (n < 0) {
          return Fail(MalformedError("binary", absl::StrCat(type == TType::kSet ? "set" : "list",
                                                            " size ", n, " is negative")));
        }
        return BeginContainer(Level::Kind::kList, elem, 0, static_cast<uint32_t>(n));
      }
      case TType::kMap: {
        if (!Collect(6)) return Outcome::kNeedMore;
        const uint8_t key = token_[0];
        const uint8_t value = token_[1];
        const int32_t n = static_cast<int32_t>(LoadBE32(token_ + 2));
        ClearToken();
        if (n < 0) {
          return Fail(MalformedError("binary", absl::StrCat("map size ", n, " is negative")));
        }
        return BeginContainer(Level::Kind::kMap, key, value, static_cast<uint32_t>(n));
      }
      default:
        return Fail(absl::InternalError("MessageScanner: bad value type"));
    }
  }
  switch (type) {
    case TType::kBool:
    case TType::kByte:
    case TType::kDouble:
    case TType::kUuid:
      Jump(CompactFixedSize(type));
      step_ = Step::kNext;
      return Outcome::kProgress;
    case TType::kI16:
    case TType::kI32:
    case TType::kI64:
      step_ = Step::kVarintValue;
      return Outcome::kProgress;
    case TType::kString: {
      const Outcome outcome = CollectVarint("string length");
      if (outcome != Outcome::kProgress) return outcome;
      const uint64_t n = TokenVarint();
      ClearToken();
      if (n > limits_.max_string_size) {
        return Fail(LimitError("max_string_size", "string length", n, limits_.max_string_size));
      }
      Jump(n);
      step_ = Step::kNext;
      return Outcome::kProgress;
    }
    case TType::kStruct:
      return BeginStruct();
    case TType::kList:
    case TType::kSet: {
      if (!Collect(1)) return Outcome::kNeedMore;
      const uint8_t b = token_[0];
      ClearToken();
      if ((b >> 4) == 0x0F) {  // the size follows as a varint
        pending_elem_ = b & 0x0F;
        step_ = Step::kCompactListSize;
        return Outcome::kProgress;
      }
      return BeginContainer(Level::Kind::kList, b & 0x0F, 0, b >> 4);
    }
    case TType::kMap: {
      const Outcome outcome = CollectVarint("map size");
      if (outcome != Outcome::kProgress) return outcome;
      const uint64_t n = TokenVarint();
      ClearToken();
      // An empty map has no type byte.
      if (n == 0) return BeginContainer(Level::Kind::kMap, 0, 0, 0);
      if (n > limits_.max_container_size) {
        return Fail(LimitError("max_container_size", "map size", n, limits_.max_container_size));
      }
      pending_size_ = n;
      step_ = Step::kCompactMapTypes;
      return Outcome::kProgress;
    }
    default:
      return Fail(absl::InternalError("MessageScanner: bad value type"));
  }
}

MessageScanner::Outcome MessageScanner::BeginContainer(Level::Kind kind, uint8_t elem,
                                                       uint8_t value, uint64_t size) {
  const bool map = kind == Level::Kind::kMap;
  // value_type_ still names the container being opened.
  const char* noun = map ? "map" : value_type_ == TType::kSet ? "set" : "list";
  if (size > limits_.max_container_size) {
    return Fail(LimitError("max_container_size", absl::StrCat(noun, " size"), size,
                           limits_.max_container_size));
  }
  step_ = Step::kNext;
  // An empty container's element types are not checked: writers put
  // anything there, and nothing of those types follows.
  if (size == 0) return Outcome::kProgress;
  auto to_type = [this](uint8_t id) {
    if (compact_) return CompactTypeOf(id);
    return IsValueType(id) ? static_cast<TType>(id) : TType::kStop;
  };
  const TType elem_type = to_type(elem);
  const TType value_type = map ? to_type(value) : TType::kStop;
  if (elem_type == TType::kStop || (map && value_type == TType::kStop)) {
    return Fail(
        MalformedError(protocol_name(), map ? absl::StrCat("map key/value types ", elem, "/", value)
                                            : absl::StrCat(noun, " element type ", elem)));
  }
  if (stack_.size() >= limits_.max_depth) {
    return Fail(LimitError("max_depth", "nesting depth", stack_.size() + 1, limits_.max_depth));
  }
  auto fixed = [this](TType t) { return compact_ ? CompactFixedSize(t) : BinaryFixedSize(t); };
  const size_t elem_size = fixed(elem_type);
  const size_t value_size = map ? fixed(value_type) : 0;
  if (elem_size != 0 && (!map || value_size != 0)) {
    // Fixed-size elements: nothing in them shapes the message; jump.
    Jump(size * (elem_size + value_size));
    return Outcome::kProgress;
  }
  stack_.push_back(Level{kind, elem_type, value_type, map ? 2 * size : size});
  return Outcome::kProgress;
}

}  // namespace vireo::codec
