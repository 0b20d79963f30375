// shmcheck list typecodes: the typecode table of this platform.
#include "cli/commands.hpp"

#include <shmcheck/typecode.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

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
}

}  // namespace shmcheck::cli
