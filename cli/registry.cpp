#include "registry.hpp"

#include "locate.hpp"

#include "drivers/ref/ref_session.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/harness/exec_implementation.hpp>
#include <shmcheck/harness/in_process.hpp>
#include <shmcheck/harness/replay.hpp>

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

std::vector<std::string> split_words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

// The interpreter names cpython:all looks for in each PATH directory: python, python2,
// python2.7, python3 and python3.N.
bool is_python_name(const std::string& name) {
  if (name == "python" || name == "python2" || name == "python2.7" || name == "python3") return true;
  if (name.rfind("python3.", 0) != 0 || name.size() == 8) return false;
  return std::all_of(name.begin() + 8, name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_executable_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && access(p.c_str(), X_OK) == 0;  // follows symlinks
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

}  // namespace

std::vector<std::string> find_cpythons() {
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
    const std::string real = fs::weakly_canonical(c, ec).string();
    if (seen.insert(real).second) out.push_back(c);
  }
  return out;
}

std::vector<MutantInfo> list_mutants() {
  const std::string bin = program_path("shmcheck_mutant");
  FILE* f = popen((harness::shell_word(bin) + " --list 2>/dev/null").c_str(), "r");
  if (!f) throw ValueError("cannot run " + bin + " --list");
  std::string text;
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
  const int status = pclose(f);
  std::vector<MutantInfo> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const auto a = line.find('\t'), b = line.find('\t', a == std::string::npos ? a : a + 1);
    if (b == std::string::npos) continue;
    out.push_back({line.substr(0, a), line.substr(a + 1, b - a - 1), line.substr(b + 1)});
  }
  if (status != 0 || out.empty()) throw ValueError("mutants: " + bin + " --list did not list any (is it built?)");
  return out;
}

std::vector<std::string> expand_specs(const std::vector<std::string>& specs) {
  std::vector<std::string> out;
  for (const auto& s : specs) {
    if (s == "cpython:all" || starts_with(s, "cpython:all@")) {
      // cpython:all@spawn: the start method applies to each interpreter it stands for.
      const std::string method = s.size() > 11 ? s.substr(11) : "";
      if (!method.empty() && method != "@fork" && method != "@spawn" && method != "@forkserver")
        throw ValueError("unknown start method '" + method.substr(1) + "' in '" + s + "' (known: fork, spawn, forkserver)");
      for (const auto& py : find_cpythons()) out.push_back("cpython:" + py + method);
    } else if (s == "mutant:all") {
      for (const auto& m : list_mutants()) out.push_back("mutant:" + m.name);
    } else if (starts_with(s, "mutant:")) {
      const auto known = list_mutants();
      if (std::none_of(known.begin(), known.end(), [&](const MutantInfo& m) { return "mutant:" + m.name == s; }))
        throw ValueError("unknown mutant '" + s.substr(7) + "' (shmcheck list impls --impl mutant:all lists them)");
      out.push_back(s);
    } else if (s == "boost") {
      out.push_back(s);
    } else if (s == "ref" || s == "cpython" || starts_with(s, "cpython:") || starts_with(s, "exec:")) {
      out.push_back(s);
    } else {
      throw ValueError("unknown implementation '" + s + "' (known: ref, boost, exec:CMD, cpython[:PYTHON], cpython:all, mutant:NAME, mutant:all)");
    }
  }
  return out;
}

std::unique_ptr<harness::Implementation> open_implementation(const std::string& spec, std::chrono::milliseconds timeout) {
  if (spec == "ref") {
    // In process: the reference's session behind the harness's in-process adapter.
    auto session = std::make_shared<drivers::RefSession>();
    return std::make_unique<harness::InProcessImplementation>(spec, [session](const nlohmann::json& op) { return session->perform(op); });
  }
  if (spec == "boost")
    return std::make_unique<harness::ExecImplementation>(spec, std::vector<std::string>{program_path("shmcheck_boost_driver")}, timeout);
  if (starts_with(spec, "exec:")) {
    const std::string cmd = spec.substr(5);
    if (split_words(cmd).empty()) throw ValueError("exec: needs a command, as in exec:./my-driver --flag");
    // Through the shell, so that quoting works as users expect; `exec` keeps the driver the
    // leader of its process group.
    return std::make_unique<harness::ExecImplementation>(spec, std::vector<std::string>{"/bin/sh", "-c", "exec " + cmd}, timeout);
  }
  if (spec == "cpython" || starts_with(spec, "cpython:")) {
    std::string python = spec == "cpython" ? "python3" : spec.substr(8);
    // A trailing @fork, @spawn or @forkserver picks the start method of the driver's
    // multiprocessing context (fork by default).
    std::string method = "fork";
    for (const char* m : {"@fork", "@spawn", "@forkserver"}) {
      const std::string suffix = m;
      if (python.size() >= suffix.size() && python.compare(python.size() - suffix.size(), suffix.size(), suffix) == 0) {
        method = suffix.substr(1);
        python.resize(python.size() - suffix.size());
      }
    }
    if (split_words(python).empty()) python = "python3";
    const std::string cmd = "exec " + python + " " + harness::shell_word(data_path("drivers/cpython/driver.py")) + " --start-method " + method;
    return std::make_unique<harness::ExecImplementation>(spec, std::vector<std::string>{"/bin/sh", "-c", cmd}, timeout);
  }
  if (starts_with(spec, "mutant:"))
    return std::make_unique<harness::ExecImplementation>(spec, std::vector<std::string>{program_path("shmcheck_mutant"), spec.substr(7)},
                                                         timeout);
  throw ValueError("unknown implementation '" + spec + "'");
}

harness::Opener opener(std::chrono::milliseconds timeout) {
  return [timeout](const std::string& spec) { return open_implementation(spec, timeout); };
}

std::unique_ptr<harness::Implementation> open_killable(const std::string& spec, std::chrono::milliseconds timeout) {
  if (spec == "ref") return open_implementation("exec:" + harness::shell_word(self_path()) + " driver ref", timeout);
  return open_implementation(spec, timeout);
}

harness::Expectations expectations_for(const std::string& expect_option, const std::string& spec) {
  if (expect_option == "none") return {};
  harness::Expectations e;
  const std::string kind = spec.substr(0, spec.find_first_of(":@"));
  const std::string own = data_path("drivers/" + kind + "/expectations.json");
  if (!expect_option.empty()) e = harness::Expectations::load(expect_option);
  else if ((kind == "cpython" || kind == "boost") && fs::exists(own)) e = harness::Expectations::load(own);
  const auto at = spec.rfind('@');
  if (at != std::string::npos) e.set_start_method(spec.substr(at + 1));
  return e;
}

std::vector<harness::Subject> subjects_of(const std::vector<std::string>& specs, const std::string& expect_option) {
  std::vector<harness::Subject> out;
  for (const auto& spec : expand_specs(specs)) out.push_back({spec, {spec}, expectations_for(expect_option, spec)});
  return out;
}

}  // namespace shmcheck::cli
