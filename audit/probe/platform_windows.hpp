#pragma once
// The probe's Windows half: the shared block is a named pagefile-backed mapping
// (CreateFileMappingW), workers are this program started again with CreateProcessW and
// `--worker ROLE INDEX PARENT`, which open the mapping and the named mutex by name. Windows
// has no memfd and no shm_open (false, not unknown); its named mutexes report a dead owner as
// WAIT_ABANDONED, the counterpart of a robust mutex's EOWNERDEAD.
#include "scenarios.hpp"

#include <windows.h>

#include <cstdlib>
#include <string>

namespace probe {

inline Shared* the_block = nullptr;
inline HANDLE the_mutex = nullptr;

inline Shared* shared_block() { return the_block; }
inline void lock_acquire(Shared*) { WaitForSingleObject(the_mutex, INFINITE); }
inline void lock_release(Shared*) { ReleaseMutex(the_mutex); }

inline std::wstring object_name(DWORD parent, const wchar_t* what) {
  return L"Local\\shmcheck-probe-" + std::to_wstring(parent) + L"-" + what;
}

inline std::string last_error(const char* what) { return std::string(what) + ": Windows error " + std::to_string(GetLastError()); }

// Answers the parent's word through the mapping: proof that both see one block.
inline void platform_check_worker(Shared* s, int) { s->platform_value = s->platform_value * 2 + 1; }

inline std::string platform_init() {
  const DWORD me = GetCurrentProcessId();
  HANDLE map = CreateFileMappingW(INVALID_HANDLE_VALUE, nullptr, PAGE_READWRITE, 0, sizeof(Shared),
                                  object_name(me, L"block").c_str());
  if (!map) return last_error("CreateFileMappingW");
  void* p = MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, sizeof(Shared));
  if (!p) return last_error("MapViewOfFile");
  the_block = new (p) Shared{};
  the_mutex = CreateMutexW(nullptr, FALSE, object_name(me, L"lock").c_str());
  return the_mutex ? "" : last_error("CreateMutexW");
}

inline std::string start_worker(const std::string& args, PROCESS_INFORMATION& pi) {
  wchar_t exe[MAX_PATH];
  GetModuleFileNameW(nullptr, exe, MAX_PATH);
  std::wstring line = L"\"" + std::wstring(exe) + L"\" --worker " + std::wstring(args.begin(), args.end());
  STARTUPINFOW si{};
  si.cb = sizeof si;
  if (!CreateProcessW(exe, line.data(), nullptr, nullptr, FALSE, 0, nullptr, nullptr, &si, &pi))
    return last_error("CreateProcessW");
  return "";
}

inline std::string wait_worker(PROCESS_INFORMATION& pi, int index) {
  std::string error;
  DWORD code = 1;
  if (WaitForSingleObject(pi.hProcess, 600000) != WAIT_OBJECT_0) error = "worker " + std::to_string(index) + " did not end";
  else if (!GetExitCodeProcess(pi.hProcess, &code) || code != 0) error = "worker " + std::to_string(index) + " exited " + std::to_string(code);
  CloseHandle(pi.hProcess);
  CloseHandle(pi.hThread);
  return error;
}

inline std::string run_workers(Role role, int n) {
  PROCESS_INFORMATION pis[kMaxWorkers];
  int started = 0;
  std::string error;
  for (; started < n; ++started) {
    error = start_worker(std::to_string(static_cast<int>(role)) + " " + std::to_string(started) + " " +
                             std::to_string(GetCurrentProcessId()),
                         pis[started]);
    if (!error.empty()) break;
  }
  if (!error.empty()) the_block->workers = started;  // release the barrier for those that run
  for (int i = 0; i < started; ++i)
    if (std::string e = wait_worker(pis[i], i); !e.empty()) error = e;
  return error;
}

// --worker ROLE INDEX PARENT, or a role of the facts below: opens the parent's objects by name.
inline bool platform_child_main(int argc, char** argv, int& status) {
  if (argc < 5 || std::string(argv[1]) != "--worker") return false;
  const std::string role = argv[2];
  const int index = std::atoi(argv[3]);
  const DWORD parent = static_cast<DWORD>(std::strtoul(argv[4], nullptr, 10));
  status = 1;
  if (role == "abandon") {  // take the parent's mutex and die holding it
    HANDLE m = OpenMutexW(SYNCHRONIZE, FALSE, object_name(parent, L"robust").c_str());
    if (m && WaitForSingleObject(m, 5000) == WAIT_OBJECT_0) status = 0;
    return true;
  }
  if (role == "post") {
    HANDLE sem = OpenSemaphoreW(SEMAPHORE_MODIFY_STATE, FALSE, object_name(parent, L"sem").c_str());
    status = sem && ReleaseSemaphore(sem, 1, nullptr) ? 0 : 1;
    return true;
  }
  HANDLE map = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, object_name(parent, L"block").c_str());
  void* p = map ? MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, sizeof(Shared)) : nullptr;
  the_mutex = OpenMutexW(SYNCHRONIZE | MUTEX_MODIFY_STATE, FALSE, object_name(parent, L"lock").c_str());
  if (!p || !the_mutex) return true;
  the_block = static_cast<Shared*>(p);
  worker(static_cast<Role>(std::atoi(role.c_str())), index, the_block);
  status = 0;
  return true;
}

inline std::string run_helper(const char* role) {
  PROCESS_INFORMATION pi;
  if (std::string e = start_worker(std::string(role) + " 0 " + std::to_string(GetCurrentProcessId()), pi); !e.empty()) return e;
  return wait_worker(pi, 0);
}

inline void platform_facts(Json& j, Json& why) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  j.key("page_size").integer(si.dwPageSize);
  j.key("allocation_granularity").integer(si.dwAllocationGranularity);
  j.key("memfd").boolean(false);
  why.key("memfd").str("Windows has no memfd_create");
  j.key("shm_open").boolean(false);
  why.key("shm_open").str("Windows has no shm_open: CreateFileMappingW names a pagefile-backed mapping instead");

  bool mapped = false;
  if (the_block) {
    the_block->platform_value = 20;
    reset(the_block, 1);
    const std::string e = run_workers(Role::platform_check, 1);
    mapped = e.empty() && the_block->platform_value == 41;
    if (!mapped) why.key("named_mapping").str(e.empty() ? "the worker did not see the parent's write" : e);
  }
  j.key("named_mapping").boolean(mapped);

  HANDLE robust = CreateMutexW(nullptr, FALSE, object_name(GetCurrentProcessId(), L"robust").c_str());
  j.key("robust_mutex_created").boolean(robust != nullptr);
  bool abandoned = false;
  if (robust) {
    const std::string e = run_helper("abandon");
    const DWORD w = WaitForSingleObject(robust, 2000);
    abandoned = w == WAIT_ABANDONED;
    if (w == WAIT_ABANDONED || w == WAIT_OBJECT_0) ReleaseMutex(robust);
    if (!abandoned) why.key("robust_mutex").str(e.empty() ? "no WAIT_ABANDONED after the owner died, wait returned " + std::to_string(w) : e);
  } else {
    why.key("robust_mutex").str(last_error("CreateMutexW"));
  }
  j.key("robust_mutex").boolean(abandoned);

  HANDLE sem = CreateSemaphoreW(nullptr, 0, 1, object_name(GetCurrentProcessId(), L"sem").c_str());
  bool posted = false;
  if (sem) {
    const std::string e = run_helper("post");
    posted = WaitForSingleObject(sem, 2000) == WAIT_OBJECT_0;
    if (!posted) why.key("process_shared_semaphore").str(e.empty() ? "the worker's release was not seen" : e);
  } else {
    why.key("process_shared_semaphore").str(last_error("CreateSemaphoreW"));
  }
  j.key("process_shared_semaphore").boolean(posted);
}

}  // namespace probe
