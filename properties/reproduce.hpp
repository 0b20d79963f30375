#pragma once
// The --reproduce string: RapidCheck's reproduce map as shmcheck prints it after a failure
// (an encoded map of property ids to cases), read before any property runs. RapidCheck reports
// a malformed one with its own exception (or std::bad_alloc: it trusts the lengths the string
// encodes), which is no shmcheck::Error: let through, it ended the program (std::terminate,
// SIGABRT) instead of being bad usage.
#include <rapidcheck/detail/Configuration.h>

#include <string>
#include <unordered_map>

namespace shmcheck::properties {

// The cases to replay, by property id, read exactly as the runner reads the string.
// ValueError naming what is wrong when RapidCheck cannot read it, or when a case's size is
// one no shmcheck run generates with (0..the default maximum size): such a case is not one
// shmcheck printed, and replaying it could take any time.
std::unordered_map<std::string, rc::detail::Reproduce> parse_reproduce(const std::string& text);

}  // namespace shmcheck::properties
