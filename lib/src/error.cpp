#include <shmcheck/error.hpp>

#include <array>
#include <cstring>

namespace shmcheck {
namespace {

struct KindName {
  ErrorKind kind;
  std::string_view name;    // in results and the driver protocol
  std::string_view python;  // what CPython raises
};

// The mapping between shmcheck's error kinds and CPython's exceptions. The last two kinds
// are the harness's own: no Python exception stands for them.
constexpr std::array<KindName, 10> kKinds{{
    {ErrorKind::index, "index_error", "IndexError"},
    {ErrorKind::type, "type_error", "TypeError"},
    {ErrorKind::value, "value_error", "ValueError"},
    {ErrorKind::overflow, "overflow_error", "OverflowError"},
    {ErrorKind::attribute, "attribute_error", "AttributeError"},
    {ErrorKind::runtime, "runtime_error", "RuntimeError"},
    {ErrorKind::assertion, "assertion_error", "AssertionError"},
    {ErrorKind::os, "os_error", "OSError"},
    {ErrorKind::timeout, "timeout", ""},
    {ErrorKind::crashed, "crashed", ""},
}};

const KindName& entry(ErrorKind k) noexcept {
  for (const auto& e : kKinds)
    if (e.kind == k) return e;
  return kKinds.back();  // unreachable: every enumerator is in the table
}

}  // namespace

std::string_view to_string(ErrorKind kind) noexcept { return entry(kind).name; }
std::string_view python_exception(ErrorKind kind) noexcept { return entry(kind).python; }

bool parse_error_kind(std::string_view name, ErrorKind& out) noexcept {
  for (const auto& e : kKinds)
    if (e.name == name) {
      out = e.kind;
      return true;
    }
  return false;
}

OSError::OSError(int err, const std::string& what)
    : Error(ErrorKind::os, "[Errno " + std::to_string(err) + "] " + std::strerror(err) + ": " + what),
      errno_(err) {}

}  // namespace shmcheck
