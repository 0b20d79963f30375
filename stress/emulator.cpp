#include "emulator.hpp"

namespace shmcheck::stress {

std::optional<std::string> emulator_artefact(const harness::Description& d, const StressCase& c, harness::Verdict v) {
  if (v != harness::Verdict::fail) return std::nullopt;
  const nlohmann::json& p = d.platform;
  // A robust mutex learns of its owner's death from the kernel, which walks the dead thread's
  // robust list. qemu-user registers none (set_robust_list is ENOSYS there), so on it no robust
  // lock can ever be recovered: what fails is the emulator, for an implementation that says its
  // lock is robust. One that does not (CPython's semaphore) fails for its own reason.
  if (c.scenario == "owner-death" && d.capabilities.robust_lock && p.is_object() && p.contains("robust_futex") &&
      p.at("robust_futex") == false)
    return "emulator: the kernel's robust futex list is not available here (get_robust_list: " +
           p.value("robust_futex_error", std::string("fails")) +
           "; qemu-user does not implement it), so no robust lock can learn that its owner died";
  return std::nullopt;
}

}  // namespace shmcheck::stress
