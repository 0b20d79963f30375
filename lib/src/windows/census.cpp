// The census on Windows, reduced to what Windows can say about one process: its open handles
// (GetProcessHandleCount: every kind, as /proc/self/fd counts every descriptor), the regions of
// its address space (VirtualQuery: map_lines all of them, shared_map_lines the mapped views,
// MEM_MAPPED, one per view as /proc/self/maps shows one line per mapping) and its live child
// processes (a Toolhelp snapshot). There is no /dev/shm and no SysV IPC: those lists stay empty,
// and nothing could be in them, since a mapping vanishes with its last handle.
#include <shmcheck/census.hpp>

#include <windows.h>
#include <tlhelp32.h>

#include <algorithm>

namespace shmcheck {
namespace {

void count_regions(Census& c) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  auto* p = static_cast<char*>(si.lpMinimumApplicationAddress);
  void* last_view = nullptr;
  MEMORY_BASIC_INFORMATION mbi{};
  while (p < si.lpMaximumApplicationAddress && VirtualQuery(p, &mbi, sizeof mbi) == sizeof mbi) {
    if (mbi.State != MEM_FREE) {
      ++c.map_lines;
      // A view may show as several regions (protections differ): count it once, by its base.
      if (mbi.Type == MEM_MAPPED && mbi.AllocationBase != last_view) {
        ++c.shared_map_lines;
        last_view = mbi.AllocationBase;
      }
    }
    p = static_cast<char*>(mbi.BaseAddress) + mbi.RegionSize;
  }
}

std::vector<pid_t> children() {
  std::vector<pid_t> out;
  HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snap == INVALID_HANDLE_VALUE) return out;
  PROCESSENTRY32W e{};
  e.dwSize = sizeof e;
  const DWORD me = GetCurrentProcessId();
  for (BOOL more = Process32FirstW(snap, &e); more; more = Process32NextW(snap, &e))
    if (e.th32ParentProcessID == me) out.push_back(static_cast<pid_t>(e.th32ProcessID));
  CloseHandle(snap);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

Census take_census() {
  Census c;
  DWORD handles = 0;
  if (GetProcessHandleCount(GetCurrentProcess(), &handles)) c.open_fds = handles;
  count_regions(c);
  c.children = children();
  return c;
}

}  // namespace shmcheck
