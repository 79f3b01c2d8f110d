// Result<T>: a value or a klib::Error, with TRY() to propagate errors in one
// line. The kernel has no exceptions; every fallible call returns one of these.
#pragma once

#include <klib/error.hpp>

#include <new>
#include <type_traits>
#include <utility>

namespace klib {

// Tag so `return Err(Error::ENOMEM);` reads naturally and cannot be confused
// with a T that happens to be constructible from an int.
struct Err {
  Error error;
  constexpr explicit Err(Error e) : error(e) {}
};

template <typename T>
class [[nodiscard]] Result {
 public:
  constexpr Result(const T& v) : ok_(true) { new (&storage_) T(v); }
  constexpr Result(T&& v) : ok_(true) { new (&storage_) T(std::move(v)); }
  constexpr Result(Err e) : ok_(false), error_(e.error) {}
  Result(const Result& o) : ok_(o.ok_), error_(o.error_) {
    if (ok_) new (&storage_) T(o.value());
  }
  Result(Result&& o) : ok_(o.ok_), error_(o.error_) {
    if (ok_) new (&storage_) T(std::move(o.value()));
  }
  Result& operator=(const Result&) = delete;
  ~Result() {
    if (ok_) value().~T();
  }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  Error error() const { return error_; }

  T& value() { return *std::launder(reinterpret_cast<T*>(&storage_)); }
  const T& value() const { return *std::launder(reinterpret_cast<const T*>(&storage_)); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  T value_or(T fallback) const { return ok_ ? value() : fallback; }

  // Moves the value out; used by TRY.
  T release() { return std::move(value()); }

 private:
  bool ok_;
  Error error_ = Error::INVAL;
  alignas(T) unsigned char storage_[sizeof(T)];
};

template <>
class [[nodiscard]] Result<void> {
 public:
  constexpr Result() : ok_(true) {}
  constexpr Result(Err e) : ok_(false), error_(e.error) {}
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  Error error() const { return error_; }
  void release() {}

 private:
  bool ok_;
  Error error_ = Error::INVAL;
};

inline Result<void> ok() { return {}; }

}  // namespace klib

// Evaluates a Result expression; on error returns the error from the enclosing
// function, otherwise yields the value (GNU statement expression, supported by
// both GCC and Clang, which are the only compilers Fusion targets).
#define TRY(expr)                                                                 \
  ({                                                                              \
    auto _fusion_try_result = (expr);                                             \
    if (!_fusion_try_result.ok()) return ::klib::Err(_fusion_try_result.error()); \
    _fusion_try_result.release();                                                 \
  })
