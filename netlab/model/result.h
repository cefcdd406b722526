#pragma once
// A small expected-like result: errors travel as values between layers and
// become one message at the command boundary (docs/architecture.md "Errors").
#include <string>
#include <utility>
#include <variant>

namespace netlab {

/// An error as a value: a human sentence saying what failed and why.
struct Error {
  std::string message;
  /// The request itself was wrong (e.g. it names a lab that does not exist):
  /// nothing was changed, and the command exits 2 rather than 1.
  bool bad_input = false;
};

/// Holds either a T or an Error. Check with ok() / operator bool before value().
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit on purpose
  Result(Error error) : v_(std::move(error)) {}      // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

/// Success or an Error, for operations with no value.
class Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  static Status success() { return {}; }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace netlab
