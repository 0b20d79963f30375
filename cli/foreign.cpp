#include "foreign.hpp"

#include "locate.hpp"
#include "pythons.hpp"

#include "audit/src/config.hpp"
#include "audit/src/process.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/harness/emulator.hpp>
#include <shmcheck/harness/exec_implementation.hpp>
#include <shmcheck/harness/replay.hpp>

#include <sys/utsname.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <utility>

namespace shmcheck::cli {
namespace fs = std::filesystem;

namespace {

const audit::AuditData& abi_data() {
  static const audit::AuditData data = audit::load_data(data_path("audit"));
  return data;
}

std::string host_machine() {
  utsname u{};
  uname(&u);
  return u.machine;
}

// Run by this machine's kernel as it is, without an emulator (i686 on an x86-64 kernel).
bool runs_natively_here(const audit::AbiConfig& a) {
  static const std::string machine = host_machine();
  return a.emulator.empty() && std::find(a.native_on.begin(), a.native_on.end(), machine) != a.native_on.end();
}

// An ABI that runs here under its emulator, or natively in a compatibility mode; the host's own
// is not foreign.
const audit::AbiConfig* foreign_abi(const std::string& name) {
  const audit::AbiConfig* a = abi_data().find(name);
  return a && a->how == "executed" && (!a->emulator.empty() || runs_natively_here(*a)) ? a : nullptr;
}

bool emulator_missing(const audit::AbiConfig& a) { return !a.emulator.empty() && audit::find_program(a.emulator).empty(); }

bool is_wine(const audit::AbiConfig& a) { return a.emulator == "wine"; }

std::string driver_path(const audit::AbiConfig& a) {
  return cross_dir() + "/" + a.abi + "/bin/shmcheck_ref_driver" + (is_wine(a) ? ".exe" : "");
}

std::string root_path(const audit::AbiConfig& a) { return cross_dir() + "/roots/" + a.debian_arch; }

std::string known_abis() {
  std::string out;
  for (const auto& a : abi_data().abis)
    if (foreign_abi(a.abi)) out += (out.empty() ? "" : ", ") + a.abi;
  return out;
}

// The emulator's words as the foreign program's own children need them again
// (SHMCHECK_EXEC_WRAPPER, drivers/common/exec_wrapper.hpp): qemu with the root for a dynamic
// program (Python), qemu alone for the static driver, wine alone.
std::vector<std::string> emulator_words(const audit::AbiConfig& a, const std::string& root) {
  std::vector<std::string> w{a.emulator};
  if (!root.empty()) w.insert(w.end(), {"-L", root});
  return w;
}

std::string shell_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + harness::shell_word(w);
  return out;
}

// The environment of a driver under this ABI's emulator, as `env` arguments.
std::vector<std::string> env_words(const audit::AbiConfig& a, const std::vector<std::string>& wrapper) {
  std::vector<std::string> env{"/usr/bin/env", "SHMCHECK_EXEC_WRAPPER=" + shell_words(wrapper)};
  for (const auto& [k, v] : a.emulator_env) env.push_back(k + "=" + v);
  // One prefix for every wine driver of this cross directory: its first start costs seconds
  // (the prefix is made), later ones well under one.
  if (is_wine(a)) env.push_back("WINEPREFIX=" + cross_dir() + "/wine");
  return env;
}

// Emulated code is slower: each deadline gets the time its native counterpart has, times this.
// (Under qemu-user a CPython spawn child takes 1-4 s to start, against ~0.1 s natively.)
constexpr int kEmulatedSlowdown = 4;

// The implementation as it is, with the ABI it runs as in its description. Under an emulator
// (slowdown > 1) the suites see native times: request deadlines and the deadlines inside
// requests (harness/emulator.hpp) are stretched on the way in.
class OnAbi : public harness::Implementation {
 public:
  OnAbi(std::unique_ptr<harness::Implementation> inner, std::string abi, int slowdown = 1, std::function<void()> after_stop = {})
      : inner_(std::move(inner)), description_(inner_->describe()), slowdown_(slowdown), after_stop_(std::move(after_stop)) {
    description_.abi = std::move(abi);
  }
  ~OnAbi() override {
    inner_.reset();
    if (after_stop_) std::exchange(after_stop_, {})();  // once
  }
  const harness::Description& describe() const override { return description_; }
  std::vector<harness::Outcome> run(const nlohmann::json& ops) override {
    // Every request of every host implementation passes here too (on_host_abi): no copy then.
    return slowdown_ == 1 ? inner_->run(ops) : inner_->run(harness::stretch_deadlines(ops, slowdown_));
  }
  void set_timeout(std::chrono::milliseconds t) override { inner_->set_timeout(t * slowdown_); }
  std::chrono::milliseconds timeout() const override { return inner_->timeout() / slowdown_; }
  bool kill_now() override { return inner_->kill_now(); }
  int process_group() const override { return inner_->process_group(); }
  std::vector<std::string> stop() override {
    auto left = inner_->stop();
    if (after_stop_) std::exchange(after_stop_, {})();  // once
    return left;
  }
  std::optional<std::vector<std::string>> own_dev_shm() const override { return inner_->own_dev_shm(); }
  std::string isolation() const override { return inner_->isolation(); }
  std::string name_prefix() const override { return inner_->name_prefix(); }

 private:
  std::unique_ptr<harness::Implementation> inner_;
  harness::Description description_;
  int slowdown_;
  std::function<void()> after_stop_;
};

}  // namespace

std::string cross_dir() {
  if (const char* d = std::getenv("SHMCHECK_CROSS_DIR"); d && *d) return d;
  return data_path("build-cross");
}

std::string host_abi() {
  const std::string machine = host_machine();
  for (const auto& a : abi_data().abis)
    if (a.how == "executed" && a.emulator.empty() && a.native_machine == machine) return a.abi;
  return "";
}

bool is_foreign_spec(const std::string& spec) {
  const auto colon = spec.find(':');
  return colon != std::string::npos && abi_data().find(spec.substr(0, colon)) != nullptr;
}

ForeignSpec parse_foreign_spec(const std::string& spec) {
  const auto colon = spec.find(':');
  ForeignSpec f{spec.substr(0, colon), colon == std::string::npos ? "" : spec.substr(colon + 1)};
  const audit::AbiConfig* a = foreign_abi(f.abi);
  if (!a) throw ValueError("'" + spec + "': " + f.abi + " is not a foreign ABI this machine runs (those it runs: " + known_abis() + ")");
  const bool python = f.inner == "python" || f.inner.rfind("python@", 0) == 0;
  if (f.inner != "ref" && !python)
    throw ValueError("'" + spec + "': after '" + f.abi + ":' comes ref, python[@METHOD] or all, not '" + f.inner + "'");
  if (python && is_wine(*a)) throw ValueError("'" + spec + "': there is no Python for " + f.abi + " here (only ref runs under wine)");
  if (python) parse_python_spec(f.inner);  // a bad start method is bad usage, now
  // The root's CPython finds its own libraries through qemu's -L; without an emulator it would
  // need the root as its file system.
  if (python && a->emulator.empty())
    throw ValueError("'" + spec + "': " + f.abi + " runs without an emulator, and a root's CPython runs only under one here (" +
                     "the same CPython under qemu: the ABI's emulated sibling)");
  if (emulator_missing(*a))
    throw ValueError("'" + spec + "': its emulator " + a->emulator + " is not installed (ci/foreign installs qemu-user and wine)");
  if (!python && !fs::exists(driver_path(*a)))
    throw ValueError("'" + spec + "': no driver built for " + f.abi + " at " + driver_path(*a) + " (ci/cross-build " + f.abi + " builds it)");
  // Debian 12 has no riscv64 release, so no CPython of it: no root can be made.
  if (python && a->debian_arch == "riscv64")
    throw ValueError("'" + spec + "': Debian 12 (bookworm) has no riscv64 release, so there is no CPython of " + f.abi + " to run");
  if (python && (a->debian_arch.empty() || !fs::exists(root_path(*a) + "/usr/bin/python3")))
    throw ValueError("'" + spec + "': no Python root for " + f.abi + " at " + root_path(*a) + " (ci/foreign-roots " + a->debian_arch +
                     " makes it)");
  return f;
}

std::vector<std::string> present_foreign_specs(const std::string& only_abi) {
  std::vector<std::string> out;
  for (const auto& a : abi_data().abis) {
    if ((!only_abi.empty() && a.abi != only_abi) || !foreign_abi(a.abi) || emulator_missing(a)) continue;
    if (fs::exists(driver_path(a))) out.push_back(a.abi + ":ref");
    if (!is_wine(a) && !a.emulator.empty() && !a.debian_arch.empty() && fs::exists(root_path(a) + "/usr/bin/python3")) out.push_back(a.abi + ":python");
  }
  if (!only_abi.empty() && out.empty())
    throw ValueError("'" + only_abi + ":all': nothing is built for " + only_abi + " (ci/cross-build " + only_abi + ", ci/foreign-roots)");
  return out;
}

std::string foreign_start_method(const ForeignSpec& f) { return f.inner == "ref" ? "fork" : parse_python_spec(f.inner).method; }

std::unique_ptr<harness::Implementation> open_foreign(const std::string& spec, std::chrono::milliseconds timeout) {
  const ForeignSpec f = parse_foreign_spec(spec);
  const audit::AbiConfig& a = *foreign_abi(f.abi);
  const auto emulated_timeout = timeout * kEmulatedSlowdown;
  std::unique_ptr<harness::Implementation> impl;
  if (f.inner == "ref" && is_wine(a)) {
    std::vector<std::string> argv = env_words(a, {});
    argv.push_back(a.emulator);
    argv.push_back(driver_path(a));
    // Wine's clients tell wineserver the pids they see; in a PID namespace of its own a driver's
    // pids are not the wineserver's, which then kills the wrong process (6 of 6 stress runs lost
    // the driver to SIGKILL inside namespaces, 0 of 4 outside).
    impl = std::make_unique<harness::ExecImplementation>(
        spec, argv, emulated_timeout,
        harness::SharedNamespaces{"wine: wineserver must see the driver's own pids, so no PID namespace"});
    // wineserver runs in a session of its own, outside the driver's process group: stop it
    // with the last wine driver of the run (a lifetime case runs a second one beside the
    // first), or it outlives the run by seconds.
    static int running = 0;  // implementations are opened and stopped by the suite loop's thread
    ++running;
    const std::string prefix = cross_dir() + "/wine";
    return std::make_unique<OnAbi>(std::move(impl), f.abi, kEmulatedSlowdown, [prefix] {
      if (--running == 0) audit::run_command({"wineserver", "-k"}, {{"WINEPREFIX", prefix}}, 30);
    });
  }
  if (f.inner == "ref" && a.emulator.empty()) {
    std::vector<std::string> argv = env_words(a, {});
    argv.push_back(driver_path(a));
    return std::make_unique<OnAbi>(std::make_unique<harness::ExecImplementation>(spec, argv, timeout), f.abi);
  }
  if (f.inner == "ref") {
    std::vector<std::string> argv = env_words(a, emulator_words(a, ""));
    argv.push_back(a.emulator);
    argv.push_back(driver_path(a));
    impl = std::make_unique<harness::ExecImplementation>(spec, argv, emulated_timeout);
  } else {
    // qemu -L ROOT: the interpreter's own files (/usr/lib/python3.11, its libraries) are read
    // from the root, and everything not in it (the driver, /dev/shm) from the machine.
    const std::string root = root_path(a);
    const std::vector<std::string> wrapper = emulator_words(a, root);
    std::vector<std::string> command = env_words(a, wrapper);
    command.insert(command.end(), wrapper.begin(), wrapper.end());
    command.push_back(root + "/usr/bin/python3");
    PythonSpec p = parse_python_spec(f.inner);
    p.python = shell_words(command);
    impl = std::make_unique<harness::ExecImplementation>(spec, python_driver_command(p, data_path("drivers/python/driver.py")),
                                                         emulated_timeout);
  }
  return std::make_unique<OnAbi>(std::move(impl), f.abi, kEmulatedSlowdown);
}

std::unique_ptr<harness::Implementation> on_host_abi(std::unique_ptr<harness::Implementation> impl) {
  static const std::string abi = host_abi();
  if (abi.empty()) return impl;
  return std::make_unique<OnAbi>(std::move(impl), abi);
}

}  // namespace shmcheck::cli
