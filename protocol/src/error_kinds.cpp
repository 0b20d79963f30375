#include <shmcheck/protocol/error_kinds.hpp>

#include <array>

namespace shmcheck::protocol {
namespace {

constexpr ErrorKindInfo kKinds[] = {
#include "error_kinds.inc"
};

}  // namespace

std::span<const ErrorKindInfo> error_kinds() noexcept { return kKinds; }

bool is_error_kind(std::string_view name) noexcept {
  for (const auto& k : kKinds)
    if (k.name == name) return true;
  return false;
}

// Every ErrorKind of the reference has a row (test_error_kinds checks it); "other" otherwise.
std::string_view kind_name(shmcheck::ErrorKind kind) noexcept {
  for (const auto& k : kKinds)
    if (k.reference == kind) return k.name;
  return "other";
}

std::string_view python_exception(shmcheck::ErrorKind kind) noexcept {
  for (const auto& k : kKinds)
    if (k.reference == kind) return k.python;
  return "";
}

}  // namespace shmcheck::protocol
