// shmcheck list typecodes and list impls: the typecode table of this platform, and each
// implementation's hello (text, or JSON with --json).
#include "commands.hpp"
#include "options.hpp"
#include "registry.hpp"

#include <shmcheck/protocol/driver_text.hpp>
#include <shmcheck/typecode.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

namespace shmcheck::cli {
namespace {

std::string_view kind_name(TypeKind k) {
  switch (k) {
    case TypeKind::bytes_char: return "char";
    case TypeKind::wide_char: return "wchar";
    case TypeKind::signed_int: return "signed";
    case TypeKind::unsigned_int: return "unsigned";
    case TypeKind::floating: return "float";
  }
  return "?";
}

std::string range_text(const Typecode& tc, bool min) {
  if (tc.is_float()) return fmt::format("{:g}", min ? -tc.float_max : tc.float_max);
  return to_string(min ? tc.min : tc.max);
}

void print_typecodes(bool as_json) {
  if (as_json) {
    nlohmann::json out = nlohmann::json::array();
    for (const Typecode& tc : typecodes())
      out.push_back({{"code", std::string(1, tc.code)}, {"c_type", tc.c_type}, {"ctypes", tc.ctypes_name},
                     {"kind", kind_name(tc.kind)}, {"size", tc.size}, {"align", tc.align},
                     {"align_in_struct", tc.align_in_struct}, {"signed", tc.is_signed},
                     {"min", range_text(tc, true)}, {"max", range_text(tc, false)}});
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::cout << fmt::format("{:<4} {:<19} {:<12} {:<9} {:>4} {:>5} {:>6} {:>6}  {:>21}  {}\n", "code", "C type", "ctypes",
                           "kind", "size", "align", "struct", "signed", "min", "max");
  for (const Typecode& tc : typecodes())
    std::cout << fmt::format("{:<4} {:<19} {:<12} {:<9} {:>4} {:>5} {:>6} {:>6}  {:>21}  {}\n", tc.code, tc.c_type,
                             tc.ctypes_name, kind_name(tc.kind), tc.size, tc.align, tc.align_in_struct,
                             tc.is_signed ? "yes" : "no", range_text(tc, true), range_text(tc, false));
}

std::string capability_text(const harness::Capabilities& c) {
  std::string s = "typecodes " + c.typecodes;
  s += c.robust_lock ? ", robust lock" : ", no robust lock";
  s += c.atomic_ops ? ", atomic ops" : ", no atomic ops";
  if (c.child) s += ", child (" + fmt::format("{}", fmt::join(c.start_methods, "/")) + ")";
  if (!c.scenarios.empty()) s += ", scenarios " + fmt::format("{}", fmt::join(c.scenarios, " "));
  return s;
}

// For mutant:NAME specs, the seeded fault and the suite expected to catch it.
std::map<std::string, MutantInfo> mutant_infos(const std::vector<std::string>& specs) {
  std::map<std::string, MutantInfo> out;
  if (std::any_of(specs.begin(), specs.end(), [](const std::string& s) { return s.starts_with("mutant:"); }))
    for (auto& m : list_mutants()) out.emplace("mutant:" + m.name, std::move(m));
  return out;
}

int list_impls(std::vector<std::string> specs, int timeout_ms, bool as_json) {
  if (specs.empty()) specs = {"ref", "boost", "python:all", "mutant:all"};
  int status = ok;
  specs = expand_specs(specs);
  const auto mutants = mutant_infos(specs);
  nlohmann::json listed = nlohmann::json::array();  // --json: results.json's implementations[] entries
  for (const auto& spec : specs) {
    std::optional<harness::Description> d;
    std::string broken;
    try {
      d = open_implementation(spec, std::chrono::milliseconds(timeout_ms))->describe();
    } catch (const harness::Broken& e) {
      status = broke;
      broken = harness::reason_with_stderr(e);
    }
    const auto m = mutants.find(spec);
    if (as_json) {
      nlohmann::json entry = d ? d->to_json() : nlohmann::json{{"spec", spec}, {"broken", broken}};
      if (m != mutants.end()) entry["fault"] = {{"description", m->second.description}, {"suite", m->second.suite}};
      listed.push_back(std::move(entry));
      continue;
    }
    // What it says of itself, escaped (driver_text.hpp): no escape sequence reaches the terminal.
    if (d)
      std::cout << fmt::format("{:<44} {}\n{:<44} {}\n", spec, protocol::for_console(d->label(), 400, false), "",
                               protocol::for_console(capability_text(d->capabilities), protocol::kConsoleTextMax, false));
    else
      std::cout << fmt::format("{:<44} broken: {}\n", spec, protocol::for_console(broken));
    if (m != mutants.end())
      std::cout << fmt::format("{:<44} fault: {} (expected to be caught by the {} suite)\n", "", m->second.description, m->second.suite);
  }
  // A driver's text that is not UTF-8 is replaced (U+FFFD), never an abort of the listing.
  if (as_json) std::cout << listed.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return status;
}

}  // namespace

void add_list(CLI::App& app, int& status) {
  auto* list = app.add_subcommand("list", "List what shmcheck knows about");
  list->require_subcommand(1);
  auto* tcs = list->add_subcommand("typecodes", "The 14 typecodes with this platform's C type, size, alignment and range");
  auto as_json = std::make_shared<bool>(false);
  tcs->add_flag("--json", *as_json, "Print JSON instead of a table");
  tcs->callback([&status, as_json] {
    print_typecodes(*as_json);
    status = ok;
  });
  auto* impls = list->add_subcommand("impls", "Start each implementation, shake hands, and print its version and capabilities");
  auto specs = std::make_shared<std::vector<std::string>>();
  auto timeout_ms = std::make_shared<int>(10000);
  impls->add_option("--impl", *specs, "Implementation spec (default: ref, boost, python:all and mutant:all)");
  impls->add_option("--timeout-ms", *timeout_ms, "Per-request deadline for drivers")->capture_default_str()->check(timeout_ms_value());
  auto impls_json = std::make_shared<bool>(false);
  impls->add_flag("--json", *impls_json, "Print JSON (results.json's implementations[] entries) instead of text");
  impls->callback([&status, specs, timeout_ms, impls_json] { status = list_impls(*specs, *timeout_ms, *impls_json); });
}

}  // namespace shmcheck::cli
