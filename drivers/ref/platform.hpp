#pragma once
// What the reference's driver can do on this platform (posix/platform.cpp,
// windows/platform.cpp, chosen by drivers/CMakeLists.txt), and RefSession::exec_read there.
#include <nlohmann/json.hpp>

namespace shmcheck::drivers {

// The hello's "platform": os, machine, detail.
nlohmann::json host_platform();
// The hello's capabilities that depend on the platform: child, async_child, start_methods,
// scenarios (only those the driver can run here: the harness says `unsupported` for the rest).
nlohmann::json host_capabilities();

// Whether owner-death's owner is a process started by exec (RefSession::exec_hold: Windows)
// rather than a forked worker.
bool owner_by_exec();

}  // namespace shmcheck::drivers
