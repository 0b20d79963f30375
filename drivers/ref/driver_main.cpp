// shmcheck_ref_driver: the reference implementation served over the driver protocol on
// stdin/stdout, standalone (`shmcheck driver ref` without the command line around it): the
// program a cross build makes for another ABI, run there under its emulator.
//
//   shmcheck_ref_driver                         serve
//   shmcheck_ref_driver --attach-read HANDLE    lifetime-exec's exec'ed reader (internal)
#include "drivers/common/serve.hpp"
#include "drivers/ref/ref_session.hpp"

#include <iostream>
#include <string_view>

int main(int argc, char** argv) {
  using namespace shmcheck;
  if (argc == 3 && std::string_view(argv[1]) == "--attach-read") return drivers::attach_read_main(argv[2]);
  if (argc != 1) {
    std::cerr << "usage: shmcheck_ref_driver [--attach-read HANDLE]\n"
                 "Serves the reference implementation over the driver protocol (protocol/PROTOCOL.md) on stdin/stdout.\n";
    return argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h") ? 0 : 2;
  }
  drivers::RefSession::attach_reader = {"/proc/self/exe", "--attach-read"};
  drivers::RefSession ref;
  return drivers::serve([&](const nlohmann::json& op) { return ref.perform(op); });
}
