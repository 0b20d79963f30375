// Shared-memory segments on Windows: an unnamed pagefile-backed file mapping
// (CreateFileMappingW(INVALID_HANDLE_VALUE, ...)), reached only through its handle: inherited
// by a child started with CreateProcess, or duplicated into one. The kernel frees it when the
// last handle and view are gone, whichever process held them and however it ended, so nothing
// can be left behind, and there is no name to leak.
#include "../fault.hpp"
#include "win32.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/segment.hpp>

#include <windows.h>

#include <cerrno>
#include <string>

namespace shmcheck {

SegmentBackend default_segment_backend() { return SegmentBackend::pagefile; }

namespace {

// A handle has no size or identity to ask the kernel for (short of ntdll's NtQuerySection), so
// the segment carries them in its last bytes, past what the caller asked for: the mapping is
// rounded up to whole pages with room for this trailer.
struct Trailer {
  std::uint64_t magic;
  std::uint64_t identity;  // random: equal for every handle and view of one mapping
  std::uint64_t size;      // what the caller asked for
};
constexpr std::uint64_t kTrailerMagic = 0x4c52546765536d73ULL;  // "smSegTRL"

[[noreturn]] void fail(const std::string& what) {
  const DWORD code = GetLastError();
  throw OSError(detail::win32::errno_of(code), detail::win32::describe_error(what, code));
}

HANDLE handle_of(int fd) { return LongToHandle(fd); }

Trailer* trailer_of(void* view, std::size_t view_bytes) {
  return reinterpret_cast<Trailer*>(static_cast<char*>(view) + view_bytes - sizeof(Trailer));
}

// The bytes a view of the whole mapping spans (the mapping's size, whole pages).
std::size_t view_size(void* view) {
  MEMORY_BASIC_INFORMATION mbi{};
  if (VirtualQuery(view, &mbi, sizeof mbi) == 0) fail("VirtualQuery of a segment's view");
  return mbi.RegionSize;
}

void check_space(std::size_t size) {
  // A pagefile-backed mapping commits all of its pages when it is made (SEC_COMMIT): it is
  // refused then, never a fault on first touch. Refused up front too when the commit limit has
  // no room, with the numbers.
  MEMORYSTATUSEX ms{};
  ms.dwLength = sizeof ms;
  if (GlobalMemoryStatusEx(&ms) && size > ms.ullAvailPageFile)
    throw OSError(ENOSPC, "cannot allocate " + std::to_string(size) + " bytes of shared memory (" +
                              std::to_string(ms.ullAvailPageFile) + " available to pagefile)");
}

}  // namespace

Segment Segment::create(std::size_t size, SegmentBackend backend) {
  if (size == 0) throw ValueError("a segment needs at least one byte");
  if (backend != SegmentBackend::pagefile)
    throw OSError(ENOSYS, std::string(to_string(backend)) + " is not available on Windows (pagefile is)");
  check_space(size);
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  const std::size_t page = si.dwPageSize;
  if (size > (std::size_t{1} << 62)) throw OSError(ENOMEM, "cannot allocate " + std::to_string(size) + " bytes of shared memory");
  const std::size_t total = (size + sizeof(Trailer) + page - 1) / page * page;
  // Not inheritable: only the duplicates made for a child are (handle.hpp).
  HANDLE h = CreateFileMappingW(INVALID_HANDLE_VALUE, nullptr, PAGE_READWRITE | SEC_COMMIT,
                                static_cast<DWORD>(static_cast<std::uint64_t>(total) >> 32),
                                static_cast<DWORD>(total & 0xffffffffu), nullptr);
  if (!h) fail("CreateFileMappingW of " + std::to_string(size) + " bytes");
  void* p = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0);
  if (!p) {
    const DWORD code = GetLastError();
    CloseHandle(h);
    throw OSError(detail::win32::errno_of(code), detail::win32::describe_error("MapViewOfFile", code));
  }
  Trailer* t = trailer_of(p, total);
  t->identity = detail::win32::random64();
  t->size = size;
  t->magic = kTrailerMagic;
  UnmapViewOfFile(p);
  return adopt(static_cast<int>(HandleToLong(h)));
}

Segment Segment::adopt(int fd) {
  HANDLE h = handle_of(fd);
  void* p = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0);
  if (!p) {
    const DWORD code = GetLastError();
    CloseHandle(h);
    throw OSError(detail::win32::errno_of(code), detail::win32::describe_error("MapViewOfFile of handle " + std::to_string(fd), code));
  }
  std::size_t bytes = 0;
  const Trailer* t = nullptr;
  try {
    bytes = view_size(p);
    if (bytes >= sizeof(Trailer)) t = trailer_of(p, bytes);
  } catch (...) {
    UnmapViewOfFile(p);
    CloseHandle(h);
    throw;
  }
  if (!t || t->magic != kTrailerMagic || t->size == 0 || t->size > bytes - sizeof(Trailer)) {
    UnmapViewOfFile(p);
    CloseHandle(h);
    throw RuntimeError("handle " + std::to_string(fd) + " is not a shmcheck segment (no trailer)");
  }
  return Segment(fd, p, static_cast<std::size_t>(t->size), t->identity);
}

void Segment::reset() noexcept {
  const bool leak = SHMCHECK_FAULT(segment_leaked);
  if (data_ && !leak) UnmapViewOfFile(data_);
  if (fd_ != -1 && !leak) CloseHandle(handle_of(fd_));
  fd_ = -1;
  data_ = nullptr;
  size_ = 0;
}

}  // namespace shmcheck
