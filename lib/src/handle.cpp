// Handles as text, exported and attached; the descriptors are the platform's
// (descriptors.hpp: posix/handle_transfer.cpp, windows/handle_transfer.cpp).
#include "handle_text.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/handle.hpp>

#include <charconv>
#include <sstream>

namespace shmcheck {
namespace detail {
namespace {

constexpr std::string_view kPrefix = "shmcheck-handle/1";

std::string place_text(int fd, std::uint64_t offset) { return std::to_string(fd) + ":" + std::to_string(offset); }

Place parse_place(std::string_view text, std::string_view whole) {
  const auto colon = text.find(':');
  Place p{};
  if (colon == std::string_view::npos ||
      std::from_chars(text.data(), text.data() + colon, p.fd).ec != std::errc() ||
      std::from_chars(text.data() + colon + 1, text.data() + text.size(), p.offset).ec != std::errc())
    throw ValueError("malformed handle '" + std::string(whole) + "': bad place '" + std::string(text) + "'");
  return p;
}

}  // namespace

std::string describe(const Object& obj, int data_fd, int lock_fd) {
  std::string t = std::string(kPrefix) + " tc=" + obj.typecode().code +
                  " shape=" + (obj.shape() == Shape::value ? "value" : "array") +
                  " n=" + std::to_string(obj.element_count()) + " data=" + place_text(data_fd, obj.block().offset());
  if (obj.is_synchronized()) {
    auto& lock = const_cast<Object&>(obj).get_lock();
    t += " lock=" + place_text(lock_fd, lock.block().offset());
  }
  return t;
}

Parsed parse(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::string word;
  if (!(in >> word) || word != kPrefix)
    throw ValueError("not a shmcheck handle: '" + std::string(text) + "' (expected it to start with " + std::string(kPrefix) + ")");
  Parsed p;
  bool have_data = false;
  while (in >> word) {
    const auto eq = word.find('=');
    if (eq == std::string::npos) throw ValueError("malformed handle '" + std::string(text) + "': field '" + word + "'");
    const std::string key = word.substr(0, eq), val = word.substr(eq + 1);
    if (key == "tc") p.tc = &typecode(std::string_view(val));
    else if (key == "shape" && (val == "value" || val == "array")) p.shape = val == "value" ? Shape::value : Shape::array;
    else if (key == "n") {
      if (std::from_chars(val.data(), val.data() + val.size(), p.n).ec != std::errc())
        throw ValueError("malformed handle '" + std::string(text) + "': bad length '" + val + "'");
    }
    else if (key == "data") p.data = parse_place(val, text), have_data = true;
    else if (key == "lock") p.lock = parse_place(val, text);
    else throw ValueError("malformed handle '" + std::string(text) + "': unknown field '" + key + "'");
  }
  if (!p.tc || !have_data) throw ValueError("malformed handle '" + std::string(text) + "': tc and data are required");
  return p;
}

Object build(const Parsed& p, int data_fd, int lock_fd) {
  Block data;
  try {
    data = Block::adopt_transferred(data_fd, p.data.offset);  // owns data_fd from here
  } catch (...) {
    if (lock_fd >= 0) close_descriptor(lock_fd);
    throw;
  }
  std::optional<Lock> lock;
  if (p.lock) lock = Lock::from_block(Block::adopt_transferred(lock_fd, p.lock->offset));
  return Object::from_parts(*p.tc, p.shape, std::move(data), p.n, std::move(lock));
}

void add_transfer_references(const Object& obj) {
  obj.block().add_reference_for_transfer();
  if (obj.is_synchronized()) const_cast<Object&>(obj).get_lock().block().add_reference_for_transfer();
}

}  // namespace detail

using namespace detail;

ExportedHandle::ExportedHandle(const Object& obj) {
  try {
    const int data_fd = duplicate_inheritable(obj.block().segment_fd());
    fds_.push_back(data_fd);
    int lock_fd = -1;
    if (obj.is_synchronized()) {
      lock_fd = duplicate_inheritable(const_cast<Object&>(obj).get_lock().block().segment_fd());
      fds_.push_back(lock_fd);
    }
    text_ = describe(obj, data_fd, lock_fd);
  } catch (...) {  // the destructor of a half-built object does not run
    for (int fd : fds_) close_descriptor(fd);
    throw;
  }
  add_transfer_references(obj);  // last: nothing after it can throw
}

ExportedHandle::ExportedHandle(ExportedHandle&& o) noexcept : text_(std::move(o.text_)), fds_(std::move(o.fds_)) {
  o.fds_.clear();
}

ExportedHandle::~ExportedHandle() {
  for (int fd : fds_) close_descriptor(fd);
}

Object attach(std::string_view handle_text) {
  const Parsed p = parse(handle_text);
  // Each block adopts its own descriptor (the registry keeps one mapping per segment).
  const int data_fd = duplicate_private(p.data.fd);
  int lock_fd = -1;
  if (p.lock) {
    try {
      lock_fd = duplicate_private(p.lock->fd);
    } catch (...) {
      close_descriptor(data_fd);
      throw;
    }
  }
  Object obj = build(p, data_fd, lock_fd);
  // The inherited descriptors have served their purpose: the registry holds its own.
  close_descriptor(p.data.fd);
  if (p.lock && p.lock->fd != p.data.fd) close_descriptor(p.lock->fd);
  return obj;
}

}  // namespace shmcheck
