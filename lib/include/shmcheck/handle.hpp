#pragma once
// Handles: how a separately exec'ed process (or any process over a unix socket) attaches to
// an Object. A handle is one line of text naming the typecode, shape, length and where the
// data and lock blocks live (a descriptor number and an offset), e.g.
//
//     shmcheck-handle/1 tc=i shape=array n=10 data=7:4160 lock=7:4096
//
// Exporting adds one cross-process reference per block on behalf of the receiver, so the
// memory stays valid even if the sender drops the object before the receiver attaches;
// attaching takes that reference over. A handle is therefore attached once. A handle never
// attached leaks its blocks inside their arenas (safe: never reused while unattached).

#include <shmcheck/object.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace shmcheck {

// For a child started with exec: the descriptors are duplicated without FD_CLOEXEC, so the
// child inherits them; the parent closes its duplicates when the ExportedHandle is destroyed
// (after the child has started).
class ExportedHandle {
 public:
  explicit ExportedHandle(const Object& obj);
  ExportedHandle(ExportedHandle&&) noexcept;
  ExportedHandle& operator=(ExportedHandle&&) = delete;
  ExportedHandle(const ExportedHandle&) = delete;
  ~ExportedHandle();
  const std::string& text() const noexcept { return text_; }

 private:
  std::string text_;
  std::vector<int> fds_;
};

// In the exec'ed child: attaches to the object named by a handle's text. Throws ValueError
// for text that is not a handle, RuntimeError for a stale one.
Object attach(std::string_view handle_text);

// Over a connected unix socket (SCM_RIGHTS): send_object adds the receiver's references;
// receive_object attaches. Both throw OSError on socket failures.
void send_object(int socket_fd, const Object& obj);
Object receive_object(int socket_fd);

}  // namespace shmcheck
