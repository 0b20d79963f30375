// What a Segment is on every platform: its backends' names, moving and ending one. Making,
// attaching and releasing it is the platform's (src/posix/segment.cpp, src/windows/segment.cpp: reset()).
#include <shmcheck/segment.hpp>

namespace shmcheck {

std::string_view to_string(SegmentBackend b) noexcept {
  switch (b) {
    case SegmentBackend::memfd: return "memfd";
    case SegmentBackend::shm_open: return "shm_open";
    case SegmentBackend::pagefile: return "pagefile";
  }
  return "?";
}

Segment::Segment(Segment&& o) noexcept : fd_(o.fd_), data_(o.data_), size_(o.size_), identity_(o.identity_) {
  o.fd_ = -1;
  o.data_ = nullptr;
  o.size_ = 0;
}

Segment& Segment::operator=(Segment&& o) noexcept {
  if (this != &o) {
    reset();
    fd_ = o.fd_;
    data_ = o.data_;
    size_ = o.size_;
    identity_ = o.identity_;
    o.fd_ = -1;
    o.data_ = nullptr;
    o.size_ = 0;
  }
  return *this;
}

Segment::~Segment() { reset(); }

}  // namespace shmcheck
