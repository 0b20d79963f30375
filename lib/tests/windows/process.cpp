#include "windows/process.hpp"

#include <windows.h>

#include <stdexcept>

namespace shmcheck::test {

namespace {

// One argument as CommandLineToArgvW reads it back: quoted, with quotes and the backslashes
// before them escaped.
std::string quote(const std::string& a) {
  std::string q = "\"";
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::size_t slashes = 0;
    while (i < a.size() && a[i] == '\\') ++slashes, ++i;
    if (i == a.size()) {
      q.append(slashes * 2, '\\');
      break;
    }
    if (a[i] == '"') q.append(slashes * 2 + 1, '\\');
    else q.append(slashes, '\\');
    q += a[i];
  }
  return q + "\"";
}

}  // namespace

Process::Process(const std::vector<std::string>& argv) {
  SECURITY_ATTRIBUTES sa{sizeof sa, nullptr, TRUE};
  HANDLE read_end = nullptr, write_end = nullptr;
  if (!CreatePipe(&read_end, &write_end, &sa, 0)) throw std::runtime_error("CreatePipe");
  SetHandleInformation(read_end, HANDLE_FLAG_INHERIT, 0);  // ours only
  std::string line;
  for (const auto& a : argv) line += (line.empty() ? "" : " ") + quote(a);
  STARTUPINFOA si{};
  si.cb = sizeof si;
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
  si.hStdOutput = write_end;
  si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
  PROCESS_INFORMATION pi{};
  // bInheritHandles: the child gets every inheritable handle, the exported segments among them.
  const BOOL ok = CreateProcessA(argv.at(0).c_str(), line.data(), nullptr, nullptr, TRUE, 0, nullptr, nullptr, &si, &pi);
  CloseHandle(write_end);
  if (!ok) {
    CloseHandle(read_end);
    throw std::runtime_error("CreateProcess " + argv[0] + ": error " + std::to_string(GetLastError()));
  }
  CloseHandle(pi.hThread);
  process_ = pi.hProcess;
  stdout_ = read_end;
}

Process::~Process() {
  if (process_) {
    TerminateProcess(process_, 137);
    WaitForSingleObject(process_, 10000);
    CloseHandle(process_);
  }
  if (stdout_) CloseHandle(stdout_);
}

bool Process::read_until(const std::string& line, std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (out_.find(line + "\n") == std::string::npos && out_.find(line + "\r\n") == std::string::npos) {
    DWORD avail = 0;
    if (!PeekNamedPipe(stdout_, nullptr, 0, nullptr, &avail, nullptr)) return false;  // ended
    if (avail == 0) {
      if (std::chrono::steady_clock::now() >= end) return false;
      Sleep(5);
      continue;
    }
    char buf[512];
    DWORD n = 0;
    if (!ReadFile(stdout_, buf, std::min<DWORD>(avail, sizeof buf), &n, nullptr) || n == 0) return false;
    out_.append(buf, n);
  }
  return true;
}

int Process::wait(std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  for (;;) {  // drain stdout meanwhile, or a child writing much would block on a full pipe
    DWORD avail = 0;
    if (PeekNamedPipe(stdout_, nullptr, 0, nullptr, &avail, nullptr) && avail > 0) {
      char buf[512];
      DWORD n = 0;
      if (ReadFile(stdout_, buf, std::min<DWORD>(avail, sizeof buf), &n, nullptr)) out_.append(buf, n);
      continue;
    }
    if (WaitForSingleObject(process_, 5) == WAIT_OBJECT_0) break;
    if (std::chrono::steady_clock::now() >= end) {
      kill();
      return -1;
    }
  }
  DWORD avail = 0;  // what it wrote last
  while (PeekNamedPipe(stdout_, nullptr, 0, nullptr, &avail, nullptr) && avail > 0) {
    char buf[512];
    DWORD n = 0;
    if (!ReadFile(stdout_, buf, std::min<DWORD>(avail, sizeof buf), &n, nullptr)) break;
    out_.append(buf, n);
  }
  DWORD code = 0;
  GetExitCodeProcess(process_, &code);
  return static_cast<int>(code);
}

void Process::kill() {
  TerminateProcess(process_, 137);
  WaitForSingleObject(process_, 10000);
}

std::pair<int, std::string> run(const std::vector<std::string>& argv) {
  Process p(argv);
  const int rc = p.wait();
  std::string out = p.output();
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return {rc, out};
}

}  // namespace shmcheck::test
