#pragma once
// The few Win32 calls the Windows headers of lib/src/windows/ need inline, without
// <windows.h> (its macros, min and max among them, would reach every file that includes
// robust_mutex.hpp). Internal.

#include <cstdint>
#include <string>

extern "C" __declspec(dllimport) unsigned long __stdcall GetCurrentThreadId(void);

namespace shmcheck::detail::win32 {

inline std::uint32_t current_thread_id() { return static_cast<std::uint32_t>(GetCurrentThreadId()); }
// 64 random bits (BCryptGenRandom); OSError if the system refuses.
std::uint64_t random64();
// "what: Windows error N (message)" for GetLastError() (or `code`), as an OSError's text.
std::string describe_error(const std::string& what, unsigned long code);
// The errno nearest to a Windows error, for OSError.
int errno_of(unsigned long code);

}  // namespace shmcheck::detail::win32
