#pragma once
// The reference's errors. Every failure of an operation on a shared object is an
// shmcheck::Error with one ErrorKind; each kind is also its own exception type, so C++ code
// can catch exactly what Python code would catch (IndexError, TypeError, ...). How each kind
// is reported in the driver protocol is the protocol's table (protocol/, error_kinds.hpp).

#include <stdexcept>
#include <string>

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
};

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
