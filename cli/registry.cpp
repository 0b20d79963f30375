#include "registry.hpp"

#include "foreign.hpp"
#include "locate.hpp"
#include "pythons.hpp"

#include "drivers/ref/ref_session.hpp"
#include "faults/suite.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/harness/exec_implementation.hpp>
#include <shmcheck/harness/in_process.hpp>
#include <shmcheck/harness/replay.hpp>
#include <shmcheck/protocol/driver_text.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace shmcheck::cli {
namespace fs = std::filesystem;

namespace {

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

std::string start_method_of(const std::string& spec) {
  if (is_foreign_spec(spec)) return foreign_start_method(parse_foreign_spec(spec));
  return is_python_spec(spec) ? parse_python_spec(spec).method : "fork";
}

}  // namespace

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
    if (s == "foreign:all") {
      for (auto& one : present_foreign_specs()) out.push_back(std::move(one));
    } else if (is_foreign_spec(s) && s.size() > 4 && s.ends_with(":all")) {
      for (auto& one : present_foreign_specs(s.substr(0, s.size() - 4))) out.push_back(std::move(one));
    } else if (is_foreign_spec(s)) {
      parse_foreign_spec(s);  // what is missing to run it is bad usage, now
      out.push_back(s);
    } else if (is_python_spec(s)) {
      for (auto& one : expand_python_spec(s)) {
        parse_python_spec(one);  // a bad start method or module name is bad usage, now
        out.push_back(std::move(one));
      }
    } else if (s == "mutant:all") {
      for (const auto& m : list_mutants()) out.push_back("mutant:" + m.name);
    } else if (starts_with(s, "mutant:")) {
      const auto known = list_mutants();
      if (std::none_of(known.begin(), known.end(), [&](const MutantInfo& m) { return "mutant:" + m.name == s; }))
        throw ValueError("unknown mutant '" + s.substr(7) + "' (shmcheck list impls --impl mutant:all lists them)");
      out.push_back(s);
    } else if (s == "ref" || s == "boost" || starts_with(s, "exec:")) {
      out.push_back(s);
    } else {
      throw ValueError("unknown implementation '" + s +
                       "' (known: ref, boost, exec:CMD, python[:PYTHON][+MODULE][@METHOD], python:all, cpython..., mutant:NAME, "
                       "mutant:all, ABI:ref, ABI:python[@METHOD], foreign:all)");
    }
  }
  return out;
}

namespace {

// The command of a spec that runs as an exec: driver (the reference's own: `shmcheck driver ref`).
std::vector<std::string> driver_command(const std::string& spec) {
  if (spec == "ref") return {self_exec_path(), "driver", "ref"};
  if (spec == "boost") return {program_path("shmcheck_boost_driver")};
  if (starts_with(spec, "exec:")) {
    const std::string cmd = spec.substr(5);
    if (cmd.find_first_not_of(" \t") == std::string::npos) throw ValueError("exec: needs a command, as in exec:./my-driver --flag");
    // Through the shell, so that quoting works as users expect; `exec` keeps the driver the
    // leader of its process group.
    return {"/bin/sh", "-c", "exec " + cmd};
  }
  if (is_python_spec(spec)) return python_driver_command(parse_python_spec(spec), data_path("drivers/python/driver.py"));
  if (starts_with(spec, "mutant:")) return {program_path("shmcheck_mutant"), spec.substr(7)};
  throw ValueError("unknown implementation '" + spec + "'");
}

std::unique_ptr<harness::Implementation> open_native(const std::string& spec, std::chrono::milliseconds timeout) {
  if (spec == "ref") {
    // In process: the reference's session behind the harness's in-process adapter.
    auto session = std::make_shared<drivers::RefSession>();
    return std::make_unique<harness::InProcessImplementation>(spec, [session](const nlohmann::json& op) { return session->perform(op); });
  }
  return std::make_unique<harness::ExecImplementation>(spec, driver_command(spec), timeout);
}

}  // namespace

std::unique_ptr<harness::Implementation> open_implementation(const std::string& spec, std::chrono::milliseconds timeout) {
  if (is_foreign_spec(spec)) return open_foreign(spec, timeout);
  return on_host_abi(open_native(spec, timeout));
}

harness::Opener opener(std::chrono::milliseconds timeout) {
  return [timeout](const std::string& spec) { return open_implementation(spec, timeout); };
}

std::unique_ptr<harness::ExecImplementation> open_confined(const std::string& spec, std::chrono::milliseconds timeout,
                                                           const harness::Confinement& confinement) {
  if (is_foreign_spec(spec))
    throw faults::CannotConfine("it runs under an emulator or another ABI's loader; the faults are put around drivers of this machine");
  return std::make_unique<harness::ExecImplementation>(spec, driver_command(spec), timeout, harness::SharedNamespaces{}, confinement);
}

std::unique_ptr<harness::Implementation> open_killable(const std::string& spec, std::chrono::milliseconds timeout) {
  if (spec == "ref") return open_implementation("exec:" + harness::shell_word(self_exec_path()) + " driver ref", timeout);
  return open_implementation(spec, timeout);
}

namespace {

// A file whose own "implementation" is not the one its driver says it is applies nothing; say so
// rather than let every expected failure turn into an unexpected one without a word.
harness::Expectations bound(const harness::Expectations& file, const harness::Description& d, const std::string& method) {
  if (!file.implementation().empty() && file.implementation() != d.name)
    std::cerr << fmt::format("shmcheck: warning: {} is for the implementation '{}', but the driver says it is '{}': none of its "
                             "entries apply\n",
                             file.source(), file.implementation(), protocol::for_console(d.name, 200, false));
  return file.bound_to(d, method);
}

}  // namespace

std::function<harness::Expectations(const harness::Description&)> expectations_for(const std::string& expect_option,
                                                                                    const std::string& spec) {
  if (expect_option == "none") return {};
  const std::string method = start_method_of(spec);
  if (!expect_option.empty()) {
    const harness::Expectations file = harness::Expectations::load(expect_option);  // bad input now, not at the first case
    return [file, method](const harness::Description& d) { return bound(file, d, method); };
  }
  // A foreign implementation has its native counterpart's expectations (ABI:python those of
  // the CPython its driver says it is).
  const bool foreign = is_foreign_spec(spec);
  const bool boost = spec == "boost", python = is_python_spec(foreign ? parse_foreign_spec(spec).inner : spec);
  if (!boost && !python) return {};
  return [boost, method](const harness::Description& d) {
    std::string own;
    if (boost) {
      own = data_path("drivers/boost/expectations.json");
    } else {
      const std::string module = d.module.is_object() ? d.module.value("name", "multiprocessing") : "multiprocessing";
      // A fork's file is its own: what it shares with CPython's it says by including cpython.json.
      own = data_path("drivers/python/expectations/" + (module == "multiprocessing" ? d.name : module) + ".json");
    }
    std::error_code ec;
    if (!fs::exists(own, ec)) return harness::Expectations{};
    return bound(harness::Expectations::load(own), d, method);
  };
}

std::vector<harness::Subject> subjects_of(const std::vector<std::string>& specs, const std::string& expect_option) {
  std::vector<harness::Subject> out;
  for (const auto& spec : expand_specs(specs)) out.push_back({spec, {spec}, expectations_for(expect_option, spec)});
  return out;
}

}  // namespace shmcheck::cli
