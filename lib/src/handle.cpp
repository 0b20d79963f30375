#include <shmcheck/error.hpp>
#include <shmcheck/handle.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <sstream>

namespace shmcheck {
namespace {

constexpr std::string_view kPrefix = "shmcheck-handle/1";

struct Place {
  int fd;
  std::uint64_t offset;
};

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

// The fields of a handle, whatever the descriptors are called on this side.
struct Parsed {
  const Typecode* tc = nullptr;
  Shape shape = Shape::value;
  std::size_t n = 0;
  Place data{-1, 0};
  std::optional<Place> lock;
};

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
    if (lock_fd >= 0) close(lock_fd);
    throw;
  }
  std::optional<Lock> lock;
  if (p.lock) lock = Lock::from_block(Block::adopt_transferred(lock_fd, p.lock->offset));
  return Object::from_parts(*p.tc, p.shape, std::move(data), p.n, std::move(lock));
}

int dup_inheritable(int fd) {
  const int d = fcntl(fd, F_DUPFD, 3);  // F_DUPFD, not F_DUPFD_CLOEXEC: the child must inherit it
  if (d < 0) throw OSError(errno, "dup of a segment descriptor");
  return d;
}

void add_transfer_references(const Object& obj) {
  obj.block().add_reference_for_transfer();
  if (obj.is_synchronized()) const_cast<Object&>(obj).get_lock().block().add_reference_for_transfer();
}

}  // namespace

ExportedHandle::ExportedHandle(const Object& obj) {
  try {
    const int data_fd = dup_inheritable(obj.block().segment_fd());
    fds_.push_back(data_fd);
    int lock_fd = -1;
    if (obj.is_synchronized()) {
      lock_fd = dup_inheritable(const_cast<Object&>(obj).get_lock().block().segment_fd());
      fds_.push_back(lock_fd);
    }
    text_ = describe(obj, data_fd, lock_fd);
  } catch (...) {  // the destructor of a half-built object does not run
    for (int fd : fds_) close(fd);
    throw;
  }
  add_transfer_references(obj);  // last: nothing after it can throw
}

ExportedHandle::ExportedHandle(ExportedHandle&& o) noexcept : text_(std::move(o.text_)), fds_(std::move(o.fds_)) {
  o.fds_.clear();
}

ExportedHandle::~ExportedHandle() {
  for (int fd : fds_) close(fd);
}

Object attach(std::string_view handle_text) {
  const Parsed p = parse(handle_text);
  // Each block adopts its own descriptor (the registry keeps one mapping per segment).
  const int data_fd = fcntl(p.data.fd, F_DUPFD_CLOEXEC, 3);
  if (data_fd < 0) throw OSError(errno, "descriptor " + std::to_string(p.data.fd) + " named by the handle");
  int lock_fd = -1;
  if (p.lock) {
    lock_fd = fcntl(p.lock->fd, F_DUPFD_CLOEXEC, 3);
    if (lock_fd < 0) {
      const int err = errno;
      close(data_fd);
      throw OSError(err, "descriptor " + std::to_string(p.lock->fd) + " named by the handle");
    }
  }
  Object obj = build(p, data_fd, lock_fd);
  // The inherited descriptors have served their purpose: the registry holds its own.
  close(p.data.fd);
  if (p.lock && p.lock->fd != p.data.fd) close(p.lock->fd);
  return obj;
}

void send_object(int socket_fd, const Object& obj) {
  const int data_fd = obj.block().segment_fd();
  const int lock_fd = obj.is_synchronized() ? const_cast<Object&>(obj).get_lock().block().segment_fd() : -1;
  // The text names descriptors by their index in the message: 0 data, 1 lock.
  const std::string text = describe(obj, 0, 1);
  int fds[2] = {data_fd, lock_fd};
  const int nfds = lock_fd >= 0 ? 2 : 1;
  char control[CMSG_SPACE(sizeof fds)] = {};
  const std::uint32_t len = static_cast<std::uint32_t>(text.size());
  std::string payload(reinterpret_cast<const char*>(&len), sizeof len);
  payload += text;
  iovec iov{payload.data(), payload.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
  cmsghdr* cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
  std::memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
  add_transfer_references(obj);  // before sending: the receiver may attach at once
  if (sendmsg(socket_fd, &msg, MSG_NOSIGNAL) != static_cast<ssize_t>(payload.size())) {
    const int err = errno;
    obj.block().withdraw_reference_for_transfer();  // nobody will take them over
    if (obj.is_synchronized()) const_cast<Object&>(obj).get_lock().block().withdraw_reference_for_transfer();
    throw OSError(err, "sendmsg of a shared object");
  }
}

Object receive_object(int socket_fd) {
  char buf[4096];
  char control[CMSG_SPACE(sizeof(int) * 2)] = {};
  iovec iov{buf, sizeof buf};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t n = recvmsg(socket_fd, &msg, MSG_CMSG_CLOEXEC);
  if (n < 0) throw OSError(errno, "recvmsg of a shared object");
  int fds[2] = {-1, -1};
  for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
      std::memcpy(fds, CMSG_DATA(cm), std::min<std::size_t>(cm->cmsg_len - CMSG_LEN(0), sizeof fds));
  auto close_all = [&] {
    for (int fd : fds)
      if (fd >= 0) close(fd);
  };
  std::uint32_t len = 0;
  if (n < static_cast<ssize_t>(sizeof len) || fds[0] < 0) {
    close_all();
    throw RuntimeError("malformed shared-object message on socket " + std::to_string(socket_fd));
  }
  std::memcpy(&len, buf, sizeof len);
  if (sizeof len + len != static_cast<std::size_t>(n)) {
    close_all();
    throw RuntimeError("truncated shared-object message on socket " + std::to_string(socket_fd));
  }
  try {
    const Parsed p = parse(std::string_view(buf + sizeof len, len));
    if (p.lock && fds[1] < 0) throw RuntimeError("shared-object message names a lock but carries no descriptor for it");
    const int data_fd = fds[0], lock_fd = fds[1];
    fds[0] = fds[1] = -1;  // adopted (or closed) by build from here on
    if (!p.lock && lock_fd >= 0) close(lock_fd);
    return build(p, data_fd, p.lock ? lock_fd : -1);
  } catch (...) {
    close_all();
    throw;
  }
}

}  // namespace shmcheck
