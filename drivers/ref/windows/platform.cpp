// The reference's driver on Windows: no fork, so no children and no forked stress workers;
// lifetime-exec's reader and owner-death's owner are this program started again with
// CreateProcessW, inheriting the handles of an ExportedHandle (bInheritHandles). Every process
// started here is in a job object that kills it when the driver's last handle to the job goes
// (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE), so none outlives the driver, however it ends.
#include "../platform.hpp"
#include "../ref_session.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/handle.hpp>

#include <windows.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

namespace shmcheck::drivers {

using nlohmann::json;

namespace {

std::string last_error(const std::string& what) { return what + ": Windows error " + std::to_string(GetLastError()); }

std::string this_program() {
  wchar_t path[32768];
  const DWORD n = GetModuleFileNameW(nullptr, path, 32768);
  if (n == 0 || n >= 32768) throw OSError(EIO, last_error("GetModuleFileNameW"));
  const int bytes = WideCharToMultiByte(CP_UTF8, 0, path, static_cast<int>(n), nullptr, 0, nullptr, nullptr);
  std::string out(static_cast<std::size_t>(bytes), '\0');
  WideCharToMultiByte(CP_UTF8, 0, path, static_cast<int>(n), out.data(), bytes, nullptr, nullptr);
  return out;
}

std::wstring wide(const std::string& s) {
  const int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring w(static_cast<std::size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), w.data(), n);
  return w;
}

// One argument as the child's CommandLineToArgvW (or its C runtime) reads it back.
std::wstring quote(const std::wstring& a) {
  std::wstring q = L"\"";
  for (std::size_t i = 0;; ++i) {
    std::size_t slashes = 0;
    while (i < a.size() && a[i] == L'\\') ++slashes, ++i;
    if (i == a.size()) {
      q.append(slashes * 2, L'\\');
      break;
    }
    q.append(a[i] == L'"' ? slashes * 2 + 1 : slashes, L'\\');
    q += a[i];
  }
  return q + L"\"";
}

HANDLE the_job() {
  static HANDLE job = [] {
    HANDLE j = CreateJobObjectW(nullptr, nullptr);
    if (j) {
      JOBOBJECT_EXTENDED_LIMIT_INFORMATION info{};
      info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
      SetInformationJobObject(j, JobObjectExtendedLimitInformation, &info, sizeof info);
    }
    return j;
  }();
  return job;
}

// A process started from the attach reader's command line with `arg` appended, its stdout a
// pipe read here, the handles exported for it inherited.
struct Started {
  PROCESS_INFORMATION pi{};
  HANDLE out = nullptr;
  ~Started() {
    if (pi.hProcess) {
      TerminateProcess(pi.hProcess, 137);
      WaitForSingleObject(pi.hProcess, 10000);
      CloseHandle(pi.hProcess);
    }
    if (out) CloseHandle(out);
  }
};

std::unique_ptr<Started> start_reader(const std::string& arg) {
  std::vector<std::string> argv = RefSession::attach_reader;
  if (argv.empty() || argv[0].empty() || argv[0] == "/proc/self/exe") argv.at(0) = this_program();
  argv.push_back(arg);
  std::wstring line;
  for (const auto& a : argv) line += (line.empty() ? L"" : L" ") + quote(wide(a));
  SECURITY_ATTRIBUTES sa{sizeof sa, nullptr, TRUE};
  HANDLE read_end = nullptr, write_end = nullptr;
  if (!CreatePipe(&read_end, &write_end, &sa, 0)) throw OSError(EIO, last_error("CreatePipe"));
  SetHandleInformation(read_end, HANDLE_FLAG_INHERIT, 0);
  auto p = std::make_unique<Started>();
  p->out = read_end;
  STARTUPINFOW si{};
  si.cb = sizeof si;
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = nullptr;
  si.hStdOutput = write_end;
  si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
  // Suspended until it is in the job: it must not run a moment outside it.
  const BOOL ok = CreateProcessW(wide(argv[0]).c_str(), line.data(), nullptr, nullptr, TRUE, CREATE_SUSPENDED | CREATE_NO_WINDOW,
                                 nullptr, nullptr, &si, &p->pi);
  const std::string error = ok ? "" : last_error("CreateProcessW " + argv[0]);
  CloseHandle(write_end);
  if (!ok) throw OSError(ENOENT, error);
  if (HANDLE job = the_job()) AssignProcessToJobObject(job, p->pi.hProcess);
  ResumeThread(p->pi.hThread);
  CloseHandle(p->pi.hThread);
  p->pi.hThread = nullptr;
  return p;
}

// Reads the child's stdout until `until` appears (empty: to its end) or the deadline passes.
std::string read_output(HANDLE out, const std::string& until, std::chrono::steady_clock::time_point deadline) {
  std::string text;
  while (until.empty() || text.find(until) == std::string::npos) {
    DWORD avail = 0;
    if (!PeekNamedPipe(out, nullptr, 0, nullptr, &avail, nullptr)) break;  // it ended
    if (avail == 0) {
      if (std::chrono::steady_clock::now() >= deadline) break;
      Sleep(2);
      continue;
    }
    char buf[4096];
    DWORD n = 0;
    if (!ReadFile(out, buf, std::min<DWORD>(avail, sizeof buf), &n, nullptr) || n == 0) break;
    text.append(buf, n);
  }
  return text;
}

}  // namespace

std::vector<std::string> self_command() { return {this_program()}; }

json host_capabilities() {
  // No fork: no children, no forked stress workers. What runs: the lifetime scenarios that need
  // no second process, lifetime-exec (CreateProcess with the handle), and owner-death (an
  // exec'ed owner killed with TerminateProcess, waiters as threads).
  return {{"child", false},
          {"async_child", false},
          {"start_methods", json::array()},
          {"scenarios", {"owner-death", "lifetime-cycles", "lifetime-create", "lifetime-exec"}}};
}

bool owner_by_exec() { return true; }

std::vector<std::string> RefSession::attach_reader{"/proc/self/exe", "driver", "attach-read"};

json RefSession::exec_read(const std::string& handle) {
  const ExportedHandle exported(object(json{{"obj", handle}}));
  auto p = start_reader(exported.text());
  const std::string text = read_output(p->out, "", std::chrono::steady_clock::now() + std::chrono::seconds(60));
  DWORD code = 1;
  if (WaitForSingleObject(p->pi.hProcess, 10000) == WAIT_OBJECT_0) GetExitCodeProcess(p->pi.hProcess, &code);
  const json got = json::parse(text, nullptr, false);
  if (code != 0 || got.is_discarded())
    throw RuntimeError("the exec'ed reader failed (exit code " + std::to_string(code) + "): " + text.substr(0, 200));
  return got;
}

std::function<void()> RefSession::exec_hold(const std::string& handle) {
  const ExportedHandle exported(object(json{{"obj", handle}}));
  std::shared_ptr<Started> p = start_reader("hold " + exported.text());
  const std::string text = read_output(p->out, "held", std::chrono::steady_clock::now() + std::chrono::seconds(30));
  if (text.find("held") == std::string::npos) throw RuntimeError("the exec'ed owner did not take the lock: " + text.substr(0, 200));
  return [p] {
    TerminateProcess(p->pi.hProcess, 137);
    WaitForSingleObject(p->pi.hProcess, 10000);
  };
}

}  // namespace shmcheck::drivers
