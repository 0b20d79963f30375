#pragma once
// What the reference's driver can do on this platform (posix/platform.cpp,
// windows/platform.cpp, chosen by drivers/CMakeLists.txt), and RefSession::exec_read there;
// the hello's "platform" is drivers/common/platform_facts.hpp.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace shmcheck::drivers {

// How this program runs itself again (lifetime-exec's reader, owner-death's owner), before
// its own arguments: POSIX, SHMCHECK_EXEC_WRAPPER's emulator (qemu-user cannot start a foreign
// program by itself) and this program's path; Windows, this program alone (under wine too: a
// Windows program starts another through wine's CreateProcess, with no emulator in front).
// std::invalid_argument for a malformed SHMCHECK_EXEC_WRAPPER.
std::vector<std::string> self_command();
// The hello's capabilities that depend on the platform: child, async_child, start_methods,
// scenarios (only those the driver can run here: the harness says `unsupported` for the rest).
nlohmann::json host_capabilities();

// Whether owner-death's owner is a process started by exec (RefSession::exec_hold: Windows)
// rather than a forked worker.
bool owner_by_exec();

}  // namespace shmcheck::drivers
