#include "pythons.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/harness/replay.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

namespace shmcheck::cli {
namespace fs = std::filesystem;

namespace {

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

bool all_digits(const std::string& s, std::size_t from) {
  return s.size() > from && std::all_of(s.begin() + static_cast<std::ptrdiff_t>(from), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The interpreter names python:all looks for in each PATH directory.
bool is_python_name(const std::string& name) {
  if (name == "python" || name == "python2" || name == "python2.7" || name == "python3" || name == "pypy" || name == "pypy3")
    return true;
  return (starts_with(name, "python3.") && all_digits(name, 8)) || (starts_with(name, "pypy3.") && all_digits(name, 6));
}

// PyPy by its name: pypy, pypy3, pypy3.9, or a pyenv version directory pypy3.9-7.3.11.
bool is_pypy_path(const fs::path& p) {
  for (const auto& part : p)
    if (starts_with(part.string(), "pypy")) return true;
  return false;
}

bool is_executable_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && access(p.c_str(), X_OK) == 0;  // follows symlinks
}

bool is_identifier_path(const std::string& s) {  // a module name: "billiard", "my.fork"
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }) &&
         !std::isdigit(static_cast<unsigned char>(s.front()));
}

std::string pyenv_root() {
  if (const char* r = std::getenv("PYENV_ROOT")) return r;
  if (FILE* f = popen("pyenv root 2>/dev/null", "r")) {
    char buf[4096] = {};
    const bool got = fgets(buf, sizeof buf, f) != nullptr;
    pclose(f);
    std::string root = got ? buf : "";
    while (!root.empty() && root.back() == '\n') root.pop_back();
    if (!root.empty()) return root;
  }
  if (const char* home = std::getenv("HOME")) return std::string(home) + "/.pyenv";
  return "";
}

// Runs `argv` (no shell) and returns its standard output, "" when it cannot be run.
std::string output_of(const std::vector<std::string>& argv) {
  int out[2];
  if (pipe(out) != 0) return "";
  const pid_t pid = fork();
  if (pid < 0) return "";
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(out[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return text;
}

}  // namespace

bool is_python_spec(const std::string& s) {
  return s == "python" || s == "cpython" || starts_with(s, "python:") || starts_with(s, "cpython:") || starts_with(s, "python@") ||
         starts_with(s, "cpython@") || starts_with(s, "python+") || starts_with(s, "cpython+");
}

PythonSpec parse_python_spec(const std::string& spec) {
  PythonSpec p;
  std::string rest = spec.substr(spec.find_first_of(":+@") == std::string::npos ? spec.size() : spec.find_first_of(":+@"));
  if (starts_with(rest, ":")) rest = rest.substr(1);
  // @METHOD last, then +MODULE: a module name is a dotted identifier, so a '+' in a path
  // ("/opt/c++/bin/python") is not mistaken for one.
  if (const auto at = rest.rfind('@'); at != std::string::npos && rest.find('/', at) == std::string::npos) {
    p.method = rest.substr(at + 1);
    rest.resize(at);
    if (p.method != "fork" && p.method != "spawn" && p.method != "forkserver")
      throw ValueError("unknown start method '" + p.method + "' in '" + spec + "' (known: fork, spawn, forkserver)");
  }
  if (const auto plus = rest.rfind('+'); plus != std::string::npos && is_identifier_path(rest.substr(plus + 1))) {
    p.module = rest.substr(plus + 1);
    rest.resize(plus);
  }
  std::istringstream words(rest);
  std::string first;
  if (words >> first) p.python = rest;
  return p;
}

std::vector<std::string> python_driver_command(const PythonSpec& s, const std::string& driver_py) {
  const std::string cmd = "exec " + s.python + " " + harness::shell_word(driver_py) + " --module " + harness::shell_word(s.module) +
                          " --start-method " + s.method;
  return {"/bin/sh", "-c", cmd};
}

const std::vector<std::string>& known_forks() {
  static const std::vector<std::string> forks{"billiard", "multiprocess"};
  return forks;
}

std::vector<std::string> importable_modules(const std::string& python, const std::vector<std::string>& modules) {
  // One interpreter start for all the modules; what it prints is what it could import.
  std::vector<std::string> argv{python, "-c",
                                "import importlib, sys\n"
                                "for m in sys.argv[1:]:\n"
                                "    try:\n"
                                "        importlib.import_module(m + '.sharedctypes')\n"
                                "        print(m)\n"
                                "    except Exception:\n"
                                "        pass\n"};
  argv.insert(argv.end(), modules.begin(), modules.end());
  std::istringstream lines(output_of(argv));
  std::vector<std::string> out;
  for (std::string line; std::getline(lines, line);)
    if (std::find(modules.begin(), modules.end(), line) != modules.end()) out.push_back(line);
  return out;
}

std::vector<std::string> find_pythons(bool cpython_only) {
  std::vector<std::string> candidates;
  const std::string root = pyenv_root();
  std::error_code ec;
  if (!root.empty() && fs::is_directory(root + "/versions", ec)) {
    std::vector<fs::path> versions;
    for (const auto& e : fs::directory_iterator(root + "/versions", ec)) versions.push_back(e.path());
    // Oldest first, by version number ("3.9.18" before "3.10.13").
    auto key = [](const fs::path& p) {
      std::vector<int> parts;
      std::istringstream in(p.filename().string());
      for (std::string part; std::getline(in, part, '.');) parts.push_back(std::atoi(part.c_str()));
      return parts;
    };
    std::sort(versions.begin(), versions.end(), [&](const fs::path& a, const fs::path& b) { return key(a) < key(b); });
    for (const auto& v : versions)
      if (fs::exists(v / "bin/python", ec)) candidates.push_back((v / "bin/python").string());
  }
  // Then every interpreter on PATH, in PATH order and by name within a directory. pyenv's
  // shims directory is skipped: its wrappers only re-dispatch to the versions listed above
  // (and hide the interpreters after them on PATH, such as the distribution's /usr/bin/python3).
  const fs::path shims = root.empty() ? fs::path() : fs::weakly_canonical(fs::path(root) / "shims", ec);
  if (const char* path = std::getenv("PATH")) {
    std::istringstream dirs(path);
    std::set<fs::path> scanned;  // /bin and /usr/bin are often one directory
    for (std::string dir; std::getline(dirs, dir, ':');) {
      if (dir.empty()) continue;
      const fs::path d = fs::weakly_canonical(dir, ec);
      if ((!shims.empty() && d == shims) || !scanned.insert(d).second) continue;
      std::vector<std::string> names;
      for (const auto& e : fs::directory_iterator(d, ec))
        if (is_python_name(e.path().filename().string()) && is_executable_file(e.path())) names.push_back(e.path().string());
      std::sort(names.begin(), names.end());
      candidates.insert(candidates.end(), names.begin(), names.end());
    }
  }
  std::vector<std::string> out;
  std::set<std::string> seen;  // one per real executable
  for (const auto& c : candidates) {
    const fs::path real = fs::weakly_canonical(c, ec);
    if (cpython_only && (is_pypy_path(c) || is_pypy_path(real))) continue;
    if (seen.insert(real.string()).second) out.push_back(c);
  }
  return out;
}

std::vector<std::string> find_cpythons() { return find_pythons(true); }

std::vector<std::string> expand_python_spec(const std::string& s) {
  const bool cpython_all = starts_with(s, "cpython:all") && (s.size() == 11 || s[11] == '@');
  const bool python_all = starts_with(s, "python:all") && (s.size() == 10 || s[10] == '@' || s[10] == '+');
  if (!cpython_all && !python_all) return {s};
  const PythonSpec p = parse_python_spec(s);
  const std::string method = p.method == "fork" && s.find('@') == std::string::npos ? "" : "@" + p.method;
  std::vector<std::string> out;
  const bool module_named = s.find('+') != std::string::npos;
  for (const auto& py : find_pythons(cpython_all)) {
    const std::string kind = cpython_all ? "cpython:" : "python:";
    if (!module_named) out.push_back(kind + py + method);
    if (cpython_all) continue;
    // The forks installed for this interpreter (or the one module named), each a column of its own.
    const std::vector<std::string> wanted = module_named ? std::vector<std::string>{p.module} : known_forks();
    for (const auto& m : importable_modules(py, wanted)) out.push_back(kind + py + "+" + m + method);
  }
  return out;
}

}  // namespace shmcheck::cli
