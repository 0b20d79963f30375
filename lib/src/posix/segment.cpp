// Shared-memory segments on POSIX: memfd (Linux) or shm_open with an immediate unlink.
#include "../fault.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/segment.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

namespace shmcheck {

namespace {

std::uint64_t identity_of(const struct stat& st) {
  return (static_cast<std::uint64_t>(st.st_dev) << 40) ^ static_cast<std::uint64_t>(st.st_ino);
}

int open_memfd() {
#ifdef MFD_CLOEXEC
  const int fd = memfd_create("shmcheck", MFD_CLOEXEC);
  if (fd < 0) throw OSError(errno, "memfd_create");
  return fd;
#else
  throw OSError(ENOSYS, "memfd_create is not available on this platform");
#endif
}

// "shmcheck-", or SHMCHECK_SHM_PREFIX when it is a usable name part (no '/', not too long).
std::string shm_prefix() {
  const char* env = std::getenv("SHMCHECK_SHM_PREFIX");
  const std::string_view p = env ? env : "";
  if (p.empty() || p.size() > 128 || p.find('/') != std::string_view::npos) return "shmcheck-";
  return std::string(p);
}

int open_unlinked_shm() {
  // The name is random, created exclusively with mode 0600 and unlinked before we return: it
  // exists for the few microseconds between the two calls and can't be guessed meanwhile.
  std::uint64_t rnd = 0;
  if (getrandom(&rnd, sizeof rnd, 0) != sizeof rnd) throw OSError(errno, "getrandom");
  // A harness that runs us as a driver gives us a prefix of our own (SHMCHECK_SHM_PREFIX,
  // "shmcheck-<its pid>-<n>-"): whatever we leave behind, it can find and remove by that.
  char tail[48];
  std::snprintf(tail, sizeof tail, "%d-%016llx", static_cast<int>(getpid()), static_cast<unsigned long long>(rnd));
  const std::string name = "/" + shm_prefix() + tail;
  const int fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw OSError(errno, "shm_open " + name);
  if (!SHMCHECK_FAULT(shm_name_left_behind)) shm_unlink(name.c_str());
  return fd;
}

// Bytes a new segment of this backend could really get: a memfd is limited by memory, an
// shm_open object by the tmpfs mounted at /dev/shm.
unsigned long long available_bytes(SegmentBackend backend) {
  if (backend == SegmentBackend::memfd) {
    if (FILE* f = std::fopen("/proc/meminfo", "r")) {
      char line[128];
      unsigned long long kib = 0;
      bool found = false;
      while (!found && std::fgets(line, sizeof line, f)) found = std::sscanf(line, "MemAvailable: %llu kB", &kib) == 1;
      std::fclose(f);
      if (found) return kib * 1024;
    }
  }
  struct statvfs vfs;
  if (statvfs("/dev/shm", &vfs) == 0) return static_cast<unsigned long long>(vfs.f_bavail) * vfs.f_frsize;
  return ~0ULL;  // unknown: let the kernel answer
}

void check_space(std::size_t size, SegmentBackend backend) {
  // Refuse what could not be backed instead of letting the kernel OOM-kill someone while it
  // reserves the pages.
  const unsigned long long avail = available_bytes(backend);
  // Beyond ptrdiff_t no mapping can be made, and on a 32-bit ABI off_t would wrap: a host
  // with more memory than the target's address space must not get that far.
  if (size > avail || size > static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max()))
    throw OSError(ENOSPC, "cannot allocate " + std::to_string(size) + " bytes of shared memory (" +
                              std::to_string(avail) + " available to " + std::string(to_string(backend)) + ")");
}

}  // namespace

SegmentBackend default_segment_backend() {
  if (SHMCHECK_FAULT(shm_name_left_behind) || SHMCHECK_FAULT(pages_not_reserved)) return SegmentBackend::shm_open;
  const char* env = std::getenv("SHMCHECK_SEGMENT_BACKEND");
  if (env && std::string_view(env) == "shm_open") return SegmentBackend::shm_open;
#ifdef MFD_CLOEXEC
  return SegmentBackend::memfd;
#else
  return SegmentBackend::shm_open;
#endif
}

Segment Segment::create(std::size_t size, SegmentBackend backend) {
  if (size == 0) throw ValueError("a segment needs at least one byte");
  if (backend == SegmentBackend::pagefile) throw OSError(ENOSYS, "the pagefile backend is Windows'");
  check_space(size, backend);
  const int fd = backend == SegmentBackend::memfd ? open_memfd() : open_unlinked_shm();
  if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
    const int err = errno;
    close(fd);
    throw OSError(err, "ftruncate of a shared-memory segment to " + std::to_string(size) + " bytes");
  }
  // Reserve the pages now: a sparse object that can't be backed later kills its user with
  // SIGBUS on first touch. tmpfs supports this; where a filesystem doesn't, carry on.
  const int rc = SHMCHECK_FAULT(pages_not_reserved) ? 0 : posix_fallocate(fd, 0, static_cast<off_t>(size));
  if (rc != 0 && rc != EOPNOTSUPP && rc != EINVAL) {
    close(fd);
    throw OSError(rc, "reserving " + std::to_string(size) + " bytes of shared memory");
  }
  return adopt(fd);
}

Segment Segment::adopt(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    const int err = errno;
    close(fd);
    throw OSError(err, "fstat of descriptor " + std::to_string(fd));
  }
  if (st.st_size <= 0) {
    close(fd);
    throw RuntimeError("descriptor " + std::to_string(fd) + " is not a shared-memory segment (size 0)");
  }
  const std::size_t size = static_cast<std::size_t>(st.st_size);
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) {
    const int err = errno;
    close(fd);
    throw OSError(err, "mmap of " + std::to_string(size) + " bytes");
  }
  return Segment(fd, p, size, identity_of(st));
}

void Segment::reset() noexcept {
  const bool leak = SHMCHECK_FAULT(segment_leaked);
  if (data_ && !leak) munmap(data_, size_);
  if (fd_ >= 0 && !leak) close(fd_);
  fd_ = -1;
  data_ = nullptr;
  size_ = 0;
}

}  // namespace shmcheck
