#pragma once
// The ordinary operations each fault runs, on a driver already started in the case's
// surroundings (a small /dev/shm and TMPDIR where the case asks for them). What is done to the
// driver from outside (limits, filling, stopping) is done here too, as steps.
#include "cases.hpp"
#include "stage.hpp"

namespace shmcheck::faults {

// Runs the case; Ended when the driver ended in the middle. The observation has the rest.
void run_procedure(const FaultCase& c, Stage& stage);

}  // namespace shmcheck::faults
