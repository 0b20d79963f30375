#pragma once
// Segment: one mapping of a shared-memory object that has no name anyone could leak.
//
// On Linux the object is a memfd; elsewhere (and on request) it is shm_open'ed with O_EXCL,
// mode 0600 and a random name, and unlinked before create() returns, so the name exists for
// microseconds inside one call. Either way the object is reached only through its file
// descriptor: inherited across fork, inherited across exec when made inheritable, or passed
// with SCM_RIGHTS. The kernel frees the memory when the last descriptor and mapping go,
// whichever process held them and however it died.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace shmcheck {

// pagefile: Windows' only one, an unnamed pagefile-backed file mapping (CreateFileMappingW),
// reached through its handle; memfd and shm_open are POSIX's and refused on Windows, pagefile
// is refused on POSIX (OSError).
enum class SegmentBackend { memfd, shm_open, pagefile };

std::string_view to_string(SegmentBackend b) noexcept;
// memfd where the OS has it, unless SHMCHECK_SEGMENT_BACKEND=shm_open asks for the fallback;
// pagefile on Windows.
SegmentBackend default_segment_backend();

class Segment {
 public:
  // A new zero-filled object of `size` bytes, mapped read-write. Its pages are reserved up
  // front (fallocate), so running out of memory is an OSError here and never a SIGBUS later.
  static Segment create(std::size_t size, SegmentBackend backend = default_segment_backend());
  // Maps the object behind `fd`; takes ownership of the descriptor. On Windows `fd` is the
  // mapping's HANDLE as an int (HandleToLong), as fd() returns it.
  static Segment adopt(int fd);

  Segment() = default;
  Segment(Segment&& other) noexcept;
  Segment& operator=(Segment&& other) noexcept;
  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;
  ~Segment();

  void* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  int fd() const noexcept { return fd_; }
  // Identifies the underlying object across processes and descriptors (device and inode).
  std::uint64_t identity() const noexcept { return identity_; }
  explicit operator bool() const noexcept { return data_ != nullptr; }

 private:
  Segment(int fd, void* data, std::size_t size, std::uint64_t identity) noexcept
      : fd_(fd), data_(data), size_(size), identity_(identity) {}
  void reset() noexcept;

  int fd_ = -1;
  void* data_ = nullptr;
  std::size_t size_ = 0;
  std::uint64_t identity_ = 0;
};

}  // namespace shmcheck
