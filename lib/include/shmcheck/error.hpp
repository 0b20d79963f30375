#pragma once
// The error vocabulary of shmcheck. Every failure of an operation on a shared object is an
// shmcheck::Error with one ErrorKind; each kind is also its own exception type, so C++ code
// can catch exactly what Python code would catch. Drivers of other implementations normalise
// their errors to the same kinds (the Python name of each kind is a table in error.cpp).

#include <stdexcept>
#include <string>
#include <string_view>

namespace shmcheck {

enum class ErrorKind {
  index,      // IndexError: index out of range
  type,       // TypeError: wrong kind of value, bad typecode
  value,      // ValueError: right kind, bad value (slice size, step 0, negative length)
  overflow,   // OverflowError: array too large
  attribute,  // AttributeError: e.g. get_lock() on a raw object
  runtime,    // RuntimeError: misuse the semantics forbid (stale handle, unrecoverable lock)
  assertion,  // AssertionError: CPython's RLock released by a non-owner
  os,         // OSError: the operating system refused (no memory, no fds, ...)
  timeout,    // a driver or an operation did not answer in time (harness side)
  crashed,    // a process died while doing the operation (harness side)
};

// "index_error", "type_error", ...: the names used in results and the driver protocol.
std::string_view to_string(ErrorKind kind) noexcept;
// Parses the names above; returns false when the name is unknown.
bool parse_error_kind(std::string_view name, ErrorKind& out) noexcept;
// "IndexError", "TypeError", ...: what CPython raises for this kind ("" if it has none).
std::string_view python_exception(ErrorKind kind) noexcept;

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

// One distinct type per kind, so that `catch (const shmcheck::IndexError&)` works.
template <ErrorKind K>
class KindError : public Error {
 public:
  explicit KindError(const std::string& message) : Error(K, message) {}
};

using IndexError = KindError<ErrorKind::index>;
using TypeError = KindError<ErrorKind::type>;
using ValueError = KindError<ErrorKind::value>;
using OverflowError = KindError<ErrorKind::overflow>;
using AttributeError = KindError<ErrorKind::attribute>;
using RuntimeError = KindError<ErrorKind::runtime>;
using AssertionError = KindError<ErrorKind::assertion>;

// An operating-system failure, with the errno that caused it.
class OSError : public Error {
 public:
  OSError(int err, const std::string& what);
  int error_number() const noexcept { return errno_; }

 private:
  int errno_;
};

}  // namespace shmcheck
