#pragma once
// Implementations on another ABI than shmcheck's own (issue 16), named `ABI:INNER`:
//   ABI    an executed ABI of audit/data/abis.json that runs here under its emulator
//          (linux-i686, linux-armhf, linux-aarch64, linux-riscv64, linux-s390x, linux-ppc64el,
//          linux-x86_64-qemu (the host's own ABI under qemu: the emulator's control),
//          windows-x64-mingw (wine))
//   INNER  ref                 the reference's driver cross-built for ABI (ci/cross-build)
//          python[@METHOD]     Debian's CPython of that ABI, from its root (ci/foreign-roots)
//          all                 each of those that is present
// Both live under the cross directory: $SHMCHECK_CROSS_DIR, else build-cross/ in the data
// directory (the source tree of a build tree). Every implementation opened here is tagged with
// the ABI it runs as (results.json implementations[].abi; the host's ABI for the others).
#include <shmcheck/harness/implementation.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace shmcheck::cli {

struct ForeignSpec {
  std::string abi;    // "linux-armhf"
  std::string inner;  // "ref", "python@spawn"
};

// Whether `spec` starts with the name of an executed ABI and a colon.
bool is_foreign_spec(const std::string& spec);
// ValueError when the ABI cannot run here or INNER is not ref or python[@METHOD], naming what
// to install or build.
ForeignSpec parse_foreign_spec(const std::string& spec);
// `foreign:all`: every ABI:INNER whose parts are present (cross-built drivers, roots);
// `ABI:all`: those of one ABI (ValueError when it has none).
std::vector<std::string> present_foreign_specs(const std::string& only_abi = "");
// Starts it (Broken as any exec: driver) and tags it with its ABI.
std::unique_ptr<harness::Implementation> open_foreign(const std::string& spec, std::chrono::milliseconds timeout);
// Tags an implementation of this machine's own ABI.
std::unique_ptr<harness::Implementation> on_host_abi(std::unique_ptr<harness::Implementation> impl);
// The start method of INNER (fork for ref).
std::string foreign_start_method(const ForeignSpec& f);
// This machine's executed ABI in abis.json ("linux-x86_64"), "" when none is.
std::string host_abi();
// The cross directory.
std::string cross_dir();

}  // namespace shmcheck::cli
