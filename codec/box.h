// vireo::codec::Box<T>: a value kept on the heap, with value semantics.
//
// vireo-gen holds a struct field in a Box when the field closes a by-value
// cycle (`struct Tree { 1: Tree left }`, or A holds B holds A), which no
// C++ type can hold inline; in a union it also holds the members the IDL
// marks as references. A Box reads like std::optional<T>: empty means the
// field is absent (not written on the wire), `*box` and `box->` reach the
// value, `emplace()` makes one. Unlike a pointer, copying a Box copies the
// value, and `==` / `<=>` compare values (two empty boxes are equal; an
// empty box orders before a full one). T may be incomplete where a Box<T>
// member is declared; it must be complete where the Box is created, copied,
// compared or destroyed.
//
// Example:
//   Tree t;
//   t.left.emplace().value = 1;      // t.left was empty
//   Tree u = t;                      // u.left is a copy of t.left's tree
//   assert(u == t && &*u.left != &*t.left);
//
// Thread rules: as for T; a Box is one object.
#ifndef VIREO_CODEC_BOX_H_
#define VIREO_CODEC_BOX_H_

#include <compare>
#include <memory>
#include <optional>
#include <utility>

namespace vireo::codec {

template <class T>
class Box {
 public:
  using value_type = T;

  // Empty.
  Box() noexcept = default;
  Box(std::nullopt_t) noexcept {}  // NOLINT: converts like std::optional
  // Holding a copy of / the moved `value`.
  Box(const T& value) : p_(std::make_unique<T>(value)) {}        // NOLINT
  Box(T&& value) : p_(std::make_unique<T>(std::move(value))) {}  // NOLINT

  Box(const Box& other) : p_(other.p_ ? std::make_unique<T>(*other.p_) : nullptr) {}
  Box(Box&& other) noexcept = default;
  // Assigns into the held value when both are full, so its storage is
  // reused (a decoded message refills the tree it already has).
  Box& operator=(const Box& other) {
    if (this == &other) return *this;
    if (!other.p_) {
      p_.reset();
    } else if (p_) {
      *p_ = *other.p_;
    } else {
      p_ = std::make_unique<T>(*other.p_);
    }
    return *this;
  }
  Box& operator=(Box&& other) noexcept = default;
  ~Box() = default;

  bool has_value() const noexcept { return p_ != nullptr; }
  explicit operator bool() const noexcept { return p_ != nullptr; }

  // Precondition: has_value().
  T& operator*() & { return *p_; }
  const T& operator*() const& { return *p_; }
  T* operator->() { return p_.get(); }
  const T* operator->() const { return p_.get(); }
  // The value; std::bad_optional_access when empty.
  T& value() {
    if (!p_) throw std::bad_optional_access();
    return *p_;
  }
  const T& value() const {
    if (!p_) throw std::bad_optional_access();
    return *p_;
  }

  // Replaces the value (if any) with T(args...); returns it.
  template <class... Args>
  T& emplace(Args&&... args) {
    p_ = std::make_unique<T>(std::forward<Args>(args)...);
    return *p_;
  }
  // Empties the box.
  void reset() noexcept { p_.reset(); }

  friend bool operator==(const Box& a, const Box& b) {
    if (!a.p_ || !b.p_) return !a.p_ && !b.p_;
    return *a.p_ == *b.p_;
  }
  // Instantiated only when used, so a Box of a type without an ordering
  // is fine until something orders it.
  friend std::partial_ordering operator<=>(const Box& a, const Box& b) {
    if (!a.p_ || !b.p_) return a.has_value() <=> b.has_value();
    return *a.p_ <=> *b.p_;
  }

 private:
  std::unique_ptr<T> p_;
};

}  // namespace vireo::codec

#endif  // VIREO_CODEC_BOX_H_
