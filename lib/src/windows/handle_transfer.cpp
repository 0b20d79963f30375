// Descriptors of handles on Windows: HANDLEs (as ints, HandleToLong) duplicated inheritable
// for a child started with CreateProcess(bInheritHandles=TRUE), or not. Windows has no
// SCM_RIGHTS: send_object and receive_object are OSError (ENOSYS) here.
#include "../handle_text.hpp"
#include "win32.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/handle.hpp>

#include <windows.h>

#include <cerrno>

namespace shmcheck {
namespace detail {
namespace {

int duplicate(int fd, bool inheritable, const char* what) {
  HANDLE out = nullptr;
  if (!DuplicateHandle(GetCurrentProcess(), LongToHandle(fd), GetCurrentProcess(), &out, 0, inheritable ? TRUE : FALSE,
                       DUPLICATE_SAME_ACCESS)) {
    const DWORD code = GetLastError();
    throw OSError(win32::errno_of(code), win32::describe_error(std::string(what) + " " + std::to_string(fd), code));
  }
  return static_cast<int>(HandleToLong(out));
}

}  // namespace

int duplicate_inheritable(int fd) { return duplicate(fd, true, "DuplicateHandle (inheritable) of segment handle"); }
int duplicate_private(int fd) { return duplicate(fd, false, "handle named by the handle text:"); }
void close_descriptor(int fd) noexcept { CloseHandle(LongToHandle(fd)); }

}  // namespace detail

void send_object(int, const Object&) {
  throw OSError(ENOSYS, "send_object: Windows has no descriptor passing over sockets (SCM_RIGHTS); export a handle to a child instead");
}

Object receive_object(int) {
  throw OSError(ENOSYS, "receive_object: Windows has no descriptor passing over sockets (SCM_RIGHTS)");
}

}  // namespace shmcheck
