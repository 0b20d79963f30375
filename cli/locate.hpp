#pragma once
// Where shmcheck finds its programs and its data: the one place that knows the layout of a
// build tree and of an installed tree.
//   programs (shmcheck_mutant, shmcheck_boost_driver, shmcheck_audit_probe): next to the
//     running shmcheck in a build tree, <bin>/../libexec/shmcheck in an installed one;
//   data (spec/clauses.json, drivers/python/, audit/, reports/, protocol/): $SHMCHECK_DATA_DIR
//     if set, else <bin>/../share/shmcheck when shmcheck is installed, else the source tree it
//     was built from.
// Both are found from the running program, so an installed tree may be moved as a whole.
#include <string>

namespace shmcheck::cli {

// The running program's own path (/proc/self/exe).
std::string self_path();
// A path that executes this very program: self_path(), or /proc/PID/exe when the file was
// replaced or removed since it started (a rebuild during a long run), which still runs the
// program as it was rather than failing, or running the new build in the middle of a run.
std::string self_exec_path();
// The path of program `name` next to the running one (it may not exist: starting it says so).
std::string program_path(const std::string& name);
// The data directory, and a path in it ("drivers/python/driver.py").
std::string data_dir();
std::string data_path(const std::string& relative);

}  // namespace shmcheck::cli
