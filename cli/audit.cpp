// shmcheck audit: the portability audit (audit/README.md). Observes each selected ABI (the
// probe executed natively, under qemu-user or wine; or compiled with clang --target and read
// back; or CPython's ctypes), judges it against audit/data/, prints the ABI x typecode table
// and the findings, and writes results.json with its `audit` section.
#include "commands.hpp"
#include "locate.hpp"
#include "options.hpp"
#include "suites.hpp"

#include "audit/src/config.hpp"

#include <shmcheck/version.hpp>

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <sstream>

namespace shmcheck::cli {
namespace {

struct AuditCli {
  std::vector<std::string> abis;
  std::string json_out;
  std::string work_dir;
  bool keep_work = false;
  bool list = false;
};

void print_table(const nlohmann::json& section) {
  std::cout << fmt::format("\n{:<34}", "size/align (struct align if other)");
  for (const char c : std::string_view(audit::kTypecodes)) std::cout << fmt::format(" {:>6}", c);
  std::cout << "\n";
  for (const auto& abi : section.at("abis")) {
    std::cout << fmt::format("{:<34}", abi.at("abi").get<std::string>().substr(0, 34));
    for (const char c : std::string_view(audit::kTypecodes)) {
      const auto& t = abi.at("typecodes");
      const std::string code(1, c);
      if (!t.contains(code)) {
        std::cout << fmt::format(" {:>6}", "-");
        continue;
      }
      std::string cell = fmt::format("{}/{}", t[code].value("size", 0), t[code].value("align", 0));
      if (t[code].contains("align_in_struct") && t[code]["align_in_struct"].is_number() &&
          t[code]["align_in_struct"] != t[code]["align"])
        cell += fmt::format("({})", t[code]["align_in_struct"].get<int>());
      std::cout << fmt::format(" {:>6}", cell);
    }
    std::cout << "\n";
  }
}

int run_audit_command(const AuditCli& o) {
  if (o.list) {
    const audit::AuditData data = audit::load_data(data_path("audit"));
    nlohmann::json listed = nlohmann::json::array();  // with --json FILE|-
    for (const auto& a : data.abis) {
      if (o.json_out.empty())
        std::cout << fmt::format("{:<22} {:<8} {:<26} {}{}\n", a.abi, a.how, a.triple, a.compiler.empty() ? "" : a.compiler,
                                 a.emulator.empty() ? "" : " under " + a.emulator);
      listed.push_back({{"abi", a.abi}, {"how", a.how}, {"triple", a.triple}, {"compiler", a.compiler}, {"emulator", a.emulator}});
    }
    if (!o.json_out.empty()) write_json(o.json_out, listed);
    return ok;
  }
  std::vector<std::string> select;
  for (const auto& a : o.abis) {
    std::stringstream in(a);  // --abi a,b and --abi a --abi b alike
    for (std::string one; std::getline(in, one, ',');)
      if (!one.empty()) select.push_back(one);
  }
  if (select.empty()) select = {"native"};
  harness::Results results = make_results(o.json_out, 0);
  std::cout << fmt::format("shmcheck {} audit: {}\n", version, fmt::join(select, ","));
  const audit::AuditRan ran = audit_suite({select, o.work_dir, o.keep_work, {}}, results);
  const nlohmann::json& section = ran.section;
  print_table(section);
  std::cout << "\nfindings:\n";
  for (const auto& f : section.at("findings"))
    std::cout << fmt::format("- [{}] {}\n  ({})\n", f.at("severity").get<std::string>(), f.at("text").get<std::string>(),
                             fmt::join(f.at("abis"), ", "));
  for (const auto& n : section.at("not_run"))
    std::cout << fmt::format("not run: {} ({}): {}\n", n.at("abi").get<std::string>(), n.at("verdict").get<std::string>(),
                             n.at("reason").get<std::string>());
  if (!ran.work_dir.empty()) std::cout << "probes and object files kept in " << ran.work_dir << "\n";
  results.print_summary(ran.impls);
  return results.exit_status();
}

}  // namespace

void add_audit(CLI::App& app, int& status) {
  auto o = std::make_shared<AuditCli>();
  auto* cmd = app.add_subcommand("audit", "Portability audit: typecode sizes and shared-memory behaviour across ABIs");
  cmd->add_option("--abi", o->abis,
                  "native (default), executed, probed, python (every Python's ctypes; also cpython), python:PYTHON, all, or ABI names (--list); "
                  "comma-separated or repeated. The baseline ABI is always audited.");
  cmd->add_option("--json", o->json_out, "Write results JSON (schema v1, with the audit section) here, or - for stdout (once, at the "
                  "end); with --list, the list as JSON")->check(output_file());
  add_color_option(*cmd);
  cmd->add_option("--work-dir", o->work_dir, "Build the probes here and keep them (default: a scratch directory, removed)");
  cmd->add_flag("--keep-work", o->keep_work, "Keep the scratch directory with the probes and object files");
  cmd->add_flag("--list", o->list, "List the ABIs of audit/data/abis.json and exit");
  cmd->footer(std::string("A missing cross compiler, emulator or clang makes that ABI unsupported, not failed (ci/audit installs them).\n") +
              exit_status_help);
  cmd->callback([&status, o] { status = run_audit_command(*o); });
}

}  // namespace shmcheck::cli
