// shmcheck_ref_driver: the reference implementation served over the driver protocol on
// stdin/stdout, as a program of its own. `shmcheck driver ref` serves the same session from
// inside shmcheck; this one exists for what cannot be shmcheck: a build for another ABI
// (ci/cross-build; run under qemu-user or wine, spec `ABI:ref`), which needs nothing but the
// reference, the protocol and nlohmann-json (CMake option SHMCHECK_DRIVER_ONLY).
//
//   shmcheck_ref_driver                      serve
//   shmcheck_ref_driver --attach-read HANDLE the exec'ed reader of lifetime-exec
#include "drivers/common/serve.hpp"
#include "drivers/ref/platform.hpp"
#include "drivers/ref/ref_session.hpp"

#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace {

int usage(int status) {
  (status == 0 ? std::cout : std::cerr)
      << "usage: shmcheck_ref_driver [--attach-read HANDLE]\n"
         "Serves the reference implementation over the driver protocol (protocol/PROTOCOL.md)\n"
         "on stdin/stdout. SHMCHECK_EXEC_WRAPPER (the emulator's command line, shell-quoted)\n"
         "is put before this program when it runs itself again.\n";
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace shmcheck;
  if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) return usage(0);
  if (argc == 3 && std::string_view(argv[1]) == "--attach-read") return drivers::attach_read_main(argv[2]);
  if (argc != 1) return usage(2);
  try {
    // An exec of this program goes through the emulator this one runs under (binfmt_misc
    // cannot be relied on to start a foreign program by itself): drivers/ref/platform.hpp.
    std::vector<std::string> reader = drivers::self_command();
    reader.push_back("--attach-read");
    drivers::RefSession::attach_reader = reader;
  } catch (const std::invalid_argument& e) {
    std::cerr << "shmcheck_ref_driver: SHMCHECK_EXEC_WRAPPER: " << e.what() << '\n';
    return 2;
  }
  drivers::RefSession ref;
  return drivers::serve([&](const nlohmann::json& op) { return ref.perform(op); });
}
