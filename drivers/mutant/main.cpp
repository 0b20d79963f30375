// shmcheck_mutant NAME: the reference implementation with one seeded fault (lib/src/fault.hpp),
// served over the driver protocol on stdin/stdout, so that shmcheck can show that its suites
// catch a broken implementation. It is the reference driver (RefSession + serve) built
// against shmcheck_ref_mutable; `shmcheck run --impl mutant:NAME` starts it.
//
//   shmcheck_mutant NAME     select the fault NAME, then serve (NAME "none": no fault)
//   shmcheck_mutant --list   NAME<TAB>SUITE<TAB>DESCRIPTION, one line per fault
//   shmcheck_mutant NAME --attach-read HANDLE   the exec'ed reader of lifetime-exec
#include "drivers/common/serve.hpp"
#include "drivers/ref/ref_session.hpp"

#include <shmcheck/faults.hpp>
#include <shmcheck/version.hpp>

#include <iostream>
#include <string>
#include <string_view>

namespace {

int usage(int status) {
  (status == 0 ? std::cout : std::cerr)
      << "usage: shmcheck_mutant NAME | --list\n"
         "Serves the reference implementation with the seeded fault NAME over the driver\n"
         "protocol (protocol/PROTOCOL.md) on stdin/stdout. --list prints NAME, the suite\n"
         "expected to catch it and a description, tab-separated, one fault per line.\n";
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace shmcheck;
  if (argc != 2 && !(argc == 4 && std::string_view(argv[2]) == "--attach-read")) return usage(2);
  const std::string_view arg = argv[1];
  if (arg == "--help" || arg == "-h") return usage(0);
  if (arg == "--list") {
    for (const mutant::FaultInfo& f : mutant::faults()) std::cout << f.name << '\t' << f.suite << '\t' << f.description << '\n';
    return 0;
  }
  if (arg.starts_with("-") || !mutant::select_fault(arg)) {
    std::cerr << "shmcheck_mutant: unknown fault '" << arg << "' (shmcheck_mutant --list shows them)\n";
    return 2;
  }
  if (argc == 4) return drivers::attach_read_main(argv[3]);  // the exec'ed reader of lifetime-exec
  drivers::RefSession::attach_reader = {"/proc/self/exe", std::string(arg), "--attach-read"};
  const std::string version = std::string(shmcheck::version) + "+" + std::string(arg);
  drivers::RefSession ref;
  return drivers::serve([&](const nlohmann::json& op) {
    protocol::Outcome o = ref.perform(op);
    if (o.ok && op.value("op", "") == "hello") {
      o.result["name"] = "shmcheck-mutant";
      o.result["version"] = version;
    }
    return o;
  });
}
