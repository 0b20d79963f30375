// Descriptors of handles on POSIX: dup with or without FD_CLOEXEC, and objects passed over a
// unix socket with SCM_RIGHTS.
#include "../handle_text.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/handle.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace shmcheck {
namespace detail {

int duplicate_inheritable(int fd) {
  const int d = fcntl(fd, F_DUPFD, 3);  // F_DUPFD, not F_DUPFD_CLOEXEC: the child must inherit it
  if (d < 0) throw OSError(errno, "dup of a segment descriptor");
  return d;
}

int duplicate_private(int fd) {
  const int d = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (d < 0) throw OSError(errno, "descriptor " + std::to_string(fd) + " named by the handle");
  return d;
}

void close_descriptor(int fd) noexcept { close(fd); }

}  // namespace detail

using namespace detail;

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
