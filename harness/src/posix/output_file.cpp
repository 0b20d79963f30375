#include <shmcheck/harness/output_file.hpp>

#include <shmcheck/error.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <random>

namespace shmcheck::harness {

namespace {

const char* kind_of(mode_t mode) {
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// A name beside `path` that nobody can have prepared: random, and opened with O_EXCL.
int open_unique_beside(const std::string& path, std::string& tmp) {
  static constexpr char letters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device random;
  for (int attempt = 0; attempt < 100; ++attempt) {
    tmp = path + ".tmp.";
    for (int k = 0; k < 8; ++k) tmp += letters[random() % (sizeof letters - 1)];
    // 0666 less the umask, as any file the user makes; O_NOFOLLOW besides O_EXCL says why.
    const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  errno = EEXIST;
  return -1;
}

}  // namespace

void check_output_path(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    throw OSError(errno, "looking at " + path);
  }
  if (S_ISREG(st.st_mode)) return;
  throw ValueError("refusing to write " + path + ": it is " + kind_of(st.st_mode) +
                   ", and shmcheck writes its output only as a new file or over a regular one");
}

int take_stdout_for_document() {
  std::fflush(stdout);  // what stdio holds for the old stdout goes there first
  const int document = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (document < 0) throw OSError(errno, "keeping standard output for the document");
  if (dup2(STDERR_FILENO, STDOUT_FILENO) < 0) throw OSError(errno, "sending the console's output to stderr");
  return document;
}

void write_to_descriptor(int fd, std::string_view text, const std::string& what) {
  for (std::size_t off = 0; off < text.size();) {
    const ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw OSError(n < 0 ? errno : EIO, "writing " + what);
    off += static_cast<std::size_t>(n);
  }
}

void write_output_file(const std::string& path, std::string_view text) {
  check_output_path(path);
  std::string tmp;
  const int fd = open_unique_beside(path, tmp);
  if (fd < 0) throw OSError(errno, "creating a file beside " + path);
  const auto fail = [&](const std::string& doing) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    throw OSError(err, doing);
  };
  for (std::size_t off = 0; off < text.size();) {
    const ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("writing " + tmp);
    off += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw OSError(err, "writing " + tmp);
  }
  // Checked again just before: what stands at `path` may have changed since the last write.
  try {
    check_output_path(path);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw OSError(err, "renaming " + tmp + " to " + path);
  }
}

}  // namespace shmcheck::harness
