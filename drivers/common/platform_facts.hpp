#pragma once
// What a C++ driver says about the machine it runs on (hello's "platform"): os, machine,
// detail, and the facts the harness needs to tell an emulator's artefact from the
// implementation's behaviour (drivers observe, the harness judges):
//   robust_futex  false where the kernel's robust futex list cannot be registered
//                 (get_robust_list fails: qemu-user implements neither it nor set_robust_list),
//                 so that no robust mutex can learn of its owner's death.
#include <nlohmann/json.hpp>

namespace shmcheck::drivers {

nlohmann::json platform_facts();

}  // namespace shmcheck::drivers
