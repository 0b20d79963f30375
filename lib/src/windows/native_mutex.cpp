#include "../robust_mutex.hpp"

#include <shmcheck/error.hpp>

#include <windows.h>
#include <bcrypt.h>

#include <cerrno>
#include <cstdio>
#include <string>

namespace shmcheck::detail {

namespace win32 {

std::uint64_t random64() {
  std::uint64_t r = 0;
  const NTSTATUS st = BCryptGenRandom(nullptr, reinterpret_cast<PUCHAR>(&r), sizeof r, BCRYPT_USE_SYSTEM_PREFERRED_RNG);
  if (st != 0) throw OSError(EIO, "BCryptGenRandom: status " + std::to_string(static_cast<long>(st)));
  return r;
}

std::string describe_error(const std::string& what, unsigned long code) {
  char text[256] = {};
  const DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr, code, 0, text, sizeof text, nullptr);
  std::string msg(text, n);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r' || msg.back() == ' ' || msg.back() == '.')) msg.pop_back();
  return what + ": Windows error " + std::to_string(code) + (msg.empty() ? "" : " (" + msg + ")");
}

int errno_of(unsigned long code) {
  switch (code) {
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
    case ERROR_COMMITMENT_LIMIT:
      return ENOMEM;
    case ERROR_DISK_FULL:
      return ENOSPC;
    case ERROR_INVALID_HANDLE:
      return EBADF;
    case ERROR_ACCESS_DENIED:
      return EACCES;
    case ERROR_TOO_MANY_OPEN_FILES:
      return EMFILE;
    case ERROR_INVALID_PARAMETER:
      return EINVAL;
    default:
      return EIO;
  }
}

}  // namespace win32

namespace {

[[noreturn]] void fail(const std::string& what) {
  const DWORD code = GetLastError();
  throw OSError(win32::errno_of(code), win32::describe_error(what, code));
}

std::wstring name_of(std::uint64_t id) {
  wchar_t name[64];
  std::swprintf(name, 64, L"Local\\shmcheck-mutex-%016llx", static_cast<unsigned long long>(id));
  return name;
}

}  // namespace

void robust_mutex_init(RobustMutex& m, bool recursive) {
  m.id = win32::random64();
  m.recursive = recursive ? 1 : 0;
  m.holder.store(0);
  m.count.store(0);
}

void* MutexAccess::handle() {
  if (void* h = handle_.load(std::memory_order_acquire)) return h;
  // Not inheritable (no SECURITY_ATTRIBUTES): a child opens its own by name.
  HANDLE mine = CreateMutexW(nullptr, FALSE, name_of(m_->id).c_str());
  if (!mine) fail("CreateMutexW for a shared lock");
  void* expected = nullptr;
  if (handle_.compare_exchange_strong(expected, mine, std::memory_order_acq_rel)) return mine;
  CloseHandle(mine);  // another thread of this process opened it first
  return expected;
}

MutexAccess::~MutexAccess() {
  if (void* h = handle_.load()) CloseHandle(h);
}

LockResult MutexAccess::lock(bool blocking, std::optional<std::chrono::nanoseconds> timeout) {
  constexpr auto relaxed = std::memory_order_relaxed;
  const DWORD me = GetCurrentThreadId();
  if (!m_->recursive && m_->holder.load(relaxed) == me && m_->count.load(relaxed) > 0)
    throw OSError(EDEADLK, "acquiring a non-recursive mutex this thread holds");
  HANDLE h = handle();
  // Milliseconds, rounded up (a timeout never ends early); INFINITE is a value of its own, so a
  // longer wait is cut into pieces.
  std::optional<std::chrono::milliseconds> left;
  if (!blocking) left = std::chrono::milliseconds(0);
  else if (timeout) left = std::chrono::ceil<std::chrono::milliseconds>(std::max(*timeout, std::chrono::nanoseconds(0)));
  DWORD rc;
  for (;;) {
    const DWORD piece = !left ? INFINITE : static_cast<DWORD>(std::min<long long>(left->count(), 0x7fffffff));
    rc = WaitForSingleObject(h, piece);
    if (rc != WAIT_TIMEOUT || !left || left->count() <= piece) break;
    *left -= std::chrono::milliseconds(piece);
  }
  if (rc == WAIT_TIMEOUT) return blocking ? LockResult::timed_out : LockResult::busy;
  if (rc != WAIT_OBJECT_0 && rc != WAIT_ABANDONED) fail("WaitForSingleObject on a shared lock");
  // Ours now. A holder other than us with acquisitions left died holding it: reported by the
  // kernel (WAIT_ABANDONED) or, when its mutex object died with it, by what it left here.
  const std::uint32_t before = m_->holder.load(relaxed);
  bool recovered = rc == WAIT_ABANDONED;
  if (before != me && m_->count.load(relaxed) > 0) recovered = true;
  if (recovered || before != me) {
    m_->holder.store(me, relaxed);
    m_->count.store(1, relaxed);
    return recovered ? LockResult::recovered : LockResult::acquired;
  }
  m_->count.store(m_->count.load(relaxed) + 1, relaxed);
  return LockResult::reentered;
}

bool MutexAccess::unlock() {
  constexpr auto relaxed = std::memory_order_relaxed;
  const DWORD me = GetCurrentThreadId();
  void* h = handle_.load(std::memory_order_acquire);
  const std::uint32_t count = m_->count.load(relaxed);
  if (!h || m_->holder.load(relaxed) != me || count == 0) return false;  // not ours
  m_->count.store(count - 1, relaxed);
  if (count == 1) m_->holder.store(0, relaxed);
  if (ReleaseMutex(h)) return true;
  m_->holder.store(me, relaxed);  // the kernel says it was not ours after all
  m_->count.store(count, relaxed);
  return false;
}

std::size_t page_size() {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  return si.dwPageSize;
}

}  // namespace shmcheck::detail
