#pragma once
// The census as these tests may compare it: other processes (a parallel ctest, a CI job beside
// this one) make and remove names in /dev/shm at any time, so a test counts only the names its
// own process could have made. Every unit-test process gets a prefix of its own (own_census.cpp
// sets SHMCHECK_SHM_PREFIX before main), and the reference names what it creates with it.
#include <shmcheck/census.hpp>

#include <string>

namespace shmcheck::test {

const std::string& own_shm_prefix();
// `c` with only this process's /dev/shm names.
Census own(Census c);

}  // namespace shmcheck::test
