#include <shmcheck/error.hpp>

#include <cstring>

namespace shmcheck {

OSError::OSError(int err, const std::string& what)
    : Error(ErrorKind::os, "[Errno " + std::to_string(err) + "] " + std::strerror(err) + ": " + what),
      errno_(err) {}

}  // namespace shmcheck
