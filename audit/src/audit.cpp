#include "audit.hpp"

#include "findings.hpp"
#include "observe.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/harness/interrupt.hpp>
#include <shmcheck/harness/replay.hpp>

#include <fmt/format.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;

namespace shmcheck::audit {

using harness::Verdict;

namespace {

std::string host_machine() {
  utsname u{};
  uname(&u);
  return u.machine;
}

void add(std::vector<std::string>& out, const std::string& name) {
  if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
}

harness::Description describe_abi(const AbiRun& run) {
  harness::Description d;
  d.spec = "abi:" + run.name;
  d.name = run.name;
  d.version = run.obs.compiler.empty() ? "unknown" : run.obs.compiler;
  const std::string os = run.name.substr(0, run.name.find('-'));
  const std::string machine = run.config->triple.substr(0, run.config->triple.find('-'));
  d.platform = {{"os", os}, {"machine", machine},
                {"detail", fmt::format("{} {}{}", run.how, run.config->triple, run.obs.emulator.empty() ? "" : " under " + run.obs.emulator)}};
  if (run.ok()) {
    for (const auto& [code, t] : run.obs.probe["typecodes"].items()) {
      d.capabilities.typecodes += code;
      d.capabilities.sizes[code[0]] = {t.value("size", 0), t.value("align", 0)};
    }
    const auto& facts = run.obs.probe["facts"];
    d.capabilities.robust_lock = facts.value("robust_mutex", false);
    d.capabilities.atomic_ops = run.obs.probe["typecodes"]["q"].value("lock_free", false);
    d.capabilities.child = run.how == "executed";
  }
  return d;
}

harness::Description describe_cpython(const AbiRun& run) {
  harness::Description d;
  d.spec = "python:" + run.python;
  const auto& p = run.obs.probe;
  // What runs the probe: CPython, PyPy... (its ctypes is what is audited).
  d.name = run.ok() ? p.value("implementation", std::string("python")) : "python";
  std::transform(d.name.begin(), d.name.end(), d.name.begin(), [](unsigned char c) { return std::tolower(c); });
  d.version = run.ok() ? p.value("version", std::string("unknown")) : "unknown";
  d.platform = {{"os", run.ok() ? p.value("system", std::string("unknown")) : "unknown"},
                {"machine", run.ok() ? p.value("machine", std::string("unknown")) : "unknown"},
                {"detail", run.python}};
  if (run.ok())
    for (const auto& [code, t] : p["typecodes"].items())
      if (!t.contains("missing")) {
        d.capabilities.typecodes += code;
        d.capabilities.sizes[code[0]] = {t.value("size", 0), t.value("align", 0)};
      }
  return d;
}

harness::CaseResult make_case(const std::string& id, const std::string& source, const std::string& repro, Verdict v,
                              std::string message, double seconds) {
  harness::CaseResult r;
  r.suite = "audit";
  r.id = id;
  r.source = source;
  r.repro = repro;
  r.verdict = v;
  r.message = std::move(message);
  r.seconds = seconds;
  return r;
}

Verdict verdict_of(const Observation& o) {
  return o.status == Observation::Status::unsupported ? Verdict::unsupported : Verdict::broken;
}

std::string cpython_name(const AbiRun& run, const std::vector<AbiRun>& done) {
  const auto& p = run.obs.probe;
  std::string system = p.value("system", std::string("unknown"));
  std::transform(system.begin(), system.end(), system.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string impl = p.value("implementation", std::string("python"));
  std::transform(impl.begin(), impl.end(), impl.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string name = fmt::format("{}-{}-{}-{}", impl, p.value("version", std::string("?")), system, p.value("machine", std::string("?")));
  // Two interpreters of one version (pyenv's and the distribution's): the second is named by its path.
  for (const auto& d : done)
    if (d.name == name) return name + " (" + run.python + ")";
  return name;
}

}  // namespace

std::vector<std::string> resolve_selection(const AuditData& data, const std::vector<std::string>& select,
                                           const std::vector<std::string>& cpythons, const std::string& machine) {
  std::vector<std::string> abis, pythons;
  const AbiConfig* native = native_abi(data, machine);
  for (const auto& s : select) {
    if (s == "all" || s == "executed" || s == "probed") {
      for (const auto& a : data.abis)
        if (s == "all" || a.how == s) add(abis, a.abi);
      if (s == "all")
        for (const auto& py : cpythons) add(pythons, "python:" + py);
    } else if (s == "native") {
      add(abis, native ? native->abi : data.baseline);
    } else if (s == "cpython" || s == "python") {
      for (const auto& py : cpythons) add(pythons, "python:" + py);
    } else if (s.rfind("cpython:", 0) == 0 && s.size() > 8) {
      add(pythons, "python:" + s.substr(8));
    } else if (s.rfind("python:", 0) == 0 && s.size() > 7) {
      add(pythons, s);
    } else if (data.find(s)) {
      add(abis, s);
    } else {
      std::string known;
      for (const auto& a : data.abis) known += " " + a.abi;
      throw ValueError("unknown ABI '" + s + "' (known: native, executed, probed, python (cpython), python:PYTHON, all," + known + ")");
    }
  }
  // The baseline, and the native ABI CPython is compared with, are always observed.
  add(abis, data.baseline);
  if (!pythons.empty() && native) add(abis, native->abi);
  // Executed before probed: a probed control is checked against its executed ABI.
  std::vector<std::string> ordered;
  for (const char* how : {"executed", "probed"})
    for (const auto& a : data.abis)
      if (a.how == how && std::find(abis.begin(), abis.end(), a.abi) != abis.end()) ordered.push_back(a.abi);
  ordered.insert(ordered.end(), pythons.begin(), pythons.end());
  return ordered;
}

AuditOutcome run_audit(const AuditData& data, const AuditOptions& options,
                       const std::function<void(const AbiRun&, const std::vector<AuditCase>&)>& progress,
                       const std::function<void(const std::string&, const std::string&)>& starting) {
  AuditOutcome out;
  Environment env;
  env.audit_dir = data.dir;
  env.native_probe = options.native_probe;
  env.host_machine = host_machine();
  env.work_dir = options.work_dir;
  if (env.work_dir.empty()) {
    std::string templ = (fs::temp_directory_path() / "shmcheck-audit-XXXXXX").string();
    if (!mkdtemp(templ.data())) throw OSError(errno, "creating a scratch directory for the audit");
    env.work_dir = templ;
  } else {
    fs::create_directories(env.work_dir);
  }
  const std::vector<std::string> selection = resolve_selection(data, options.select, options.cpythons, env.host_machine);
  const AbiConfig* native_config = native_abi(data, env.host_machine);
  std::vector<nlohmann::json> table_failures;
  out.runs.reserve(selection.size());  // AbiRun pointers below stay valid
  for (const auto& name : selection) {
    if (harness::interrupted()) break;
    AbiRun run;
    std::vector<AuditCase> cases;
    const std::string repro = harness::replay_command("audit --abi " + harness::shell_word(name));
    if (starting) starting(name, repro);
    if (name.rfind("python:", 0) == 0) {
      run.how = "cpython";
      run.python = name.substr(7);
      run.obs = observe_cpython(run.python, env);
      run.name = run.ok() ? cpython_name(run, out.runs) : name;
      const AbiRun* native = nullptr;
      for (const auto& r : out.runs)
        if (native_config && r.name == native_config->abi) native = &r;
      std::string message;
      const Verdict v = run.ok() ? judge_cpython(run, native, data, message) : verdict_of(run.obs);
      cases.push_back({describe_cpython(run),
                       make_case("ctypes-vs-c-abi", "audit/probe/cpython_probe.py", repro, v, run.ok() ? message : run.obs.reason, run.obs.seconds)});
    } else {
      run.config = data.find(name);
      run.name = name;
      run.how = run.config->how;
      run.obs = run.how == "executed" ? observe_executed(*run.config, data, env) : observe_probed(*run.config, data, env);
      const harness::Description d = describe_abi(run);
      const std::string source = "audit/data/abis.json#" + name;
      if (!run.ok()) {
        cases.push_back({d, make_case("table", source, repro, verdict_of(run.obs), run.obs.reason, run.obs.seconds)});
      } else {
        const AbiRun* control = nullptr;
        for (const auto& r : out.runs)
          if (r.name == run.config->control_of) control = &r;
        std::string message;
        const Verdict v = judge_table(run, data, control, message);
        if (v == Verdict::fail) table_failures.push_back(table_finding(run, message, data.findings));
        cases.push_back({d, make_case("table", source, repro, v, message, run.obs.seconds)});
        if (run.how == "executed") {
          const std::string scenarios = "audit/probe/scenarios.hpp#";
          const Verdict c = judge_counter(run, message);
          cases.push_back({d, make_case("counter", scenarios + "counter", repro, c, message, 0)});
          const Verdict t = judge_torn(run, message);
          cases.push_back({d, make_case("torn-read", scenarios + "torn", repro, t, message, 0)});
          const Verdict s = judge_cas16(run, message);
          cases.push_back({d, make_case("cas16", scenarios + "cas16", repro, s, message, 0)});
        }
      }
    }
    if (harness::interrupted()) {
      // Its probe was killed by the interruption: what it said is cut short, not the ABI's.
      cases.resize(1);
      cases[0].result.verdict = Verdict::broken;
      cases[0].result.message = harness::interruption();
      if (progress) progress(run, cases);
      out.cases.insert(out.cases.end(), cases.begin(), cases.end());
      break;
    }
    out.runs.push_back(std::move(run));
    if (progress) progress(out.runs.back(), cases);
    out.cases.insert(out.cases.end(), cases.begin(), cases.end());
  }
  stop_wineserver(env);

  // The section: observed ABIs, their findings (C ABIs against the baseline, CPython
  // against the native C ABI), and what could not run.
  const AbiRun* baseline = nullptr;
  const AbiRun* native = nullptr;
  std::vector<const AbiRun*> c_abis, cpythons;
  nlohmann::json abis = nlohmann::json::array(), not_run = nlohmann::json::array();
  for (const auto& r : out.runs) {
    if (!r.ok()) {
      not_run.push_back({{"abi", r.name}, {"how", r.how}, {"verdict", harness::to_string(verdict_of(r.obs))}, {"reason", r.obs.reason}});
      continue;
    }
    (r.how == "cpython" ? cpythons : c_abis).push_back(&r);
    if (r.name == data.baseline) baseline = &r;
    if (native_config && r.name == native_config->abi) native = &r;
  }
  for (const auto& r : out.runs)
    if (r.ok()) abis.push_back(section_entry(r, data, native));  // CPython after native: native is known by now
  std::vector<nlohmann::json> findings = table_failures;
  if (baseline) {
    auto f = abi_findings(c_abis, *baseline, data.findings);
    findings.insert(findings.end(), f.begin(), f.end());
  }
  if (native && !cpythons.empty()) {
    auto f = cpython_findings(cpythons, *native, data.findings);
    findings.insert(findings.end(), f.begin(), f.end());
  }
  out.section = {{"abis", abis}, {"findings", findings}, {"not_run", not_run}, {"data", "audit/data/"}};
  if (baseline) out.section["baseline"] = baseline->name;
  if (options.keep_work || !options.work_dir.empty()) {
    out.work_dir = env.work_dir;
  } else {
    std::error_code ec;
    fs::remove_all(env.work_dir, ec);
  }
  return out;
}

}  // namespace shmcheck::audit
