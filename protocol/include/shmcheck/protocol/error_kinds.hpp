#pragma once
// The protocol's error kinds, generated at configure time from the one table of them: the
// schema's $defs/error_kind (driver-protocol.schema.json). The conformance checker and the
// Python driver read the same table.
#include <shmcheck/error.hpp>

#include <optional>
#include <span>
#include <string_view>

namespace shmcheck::protocol {

struct ErrorKindInfo {
  std::string_view name;                        // "index_error": what outcomes carry
  std::string_view python;                      // "IndexError": the exception it stands for ("" if none)
  std::optional<shmcheck::ErrorKind> reference; // the reference's error of this kind, if it raises one
  std::string_view meaning;
};

// Every kind, in the table's order.
std::span<const ErrorKindInfo> error_kinds() noexcept;
bool is_error_kind(std::string_view name) noexcept;
// The kind, and the Python exception, that an error of the reference is reported as.
std::string_view kind_name(shmcheck::ErrorKind kind) noexcept;
std::string_view python_exception(shmcheck::ErrorKind kind) noexcept;

}  // namespace shmcheck::protocol
