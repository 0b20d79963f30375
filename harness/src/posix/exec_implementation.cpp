#include <shmcheck/harness/exec_implementation.hpp>
#include <shmcheck/harness/interrupt.hpp>
#include <shmcheck/harness/leftovers.hpp>

#include "isolation.hpp"
#include "proc_stat.hpp"

#include <shmcheck/protocol/driver_text.hpp>
#include <shmcheck/protocol/item_codec.hpp>
#include <shmcheck/protocol/result_shapes.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

extern char** environ;

namespace shmcheck::harness {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxLine = 16u << 20;   // a longer line is a flood
constexpr std::size_t kErrTail = 64u << 10;   // stderr kept for diagnostics

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

std::string quote_argv(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

// This process's environment with SHMCHECK_SHM_PREFIX set to `prefix`; built before fork,
// since the child may only call async-signal-safe functions until it execs.
// With a private /tmp, TMPDIR is that: a TMPDIR of the machine's would let the implementation
// step around the shortage the fault puts there.
std::vector<std::string> environment_with_prefix(const std::string& prefix, bool private_tmp) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "SHMCHECK_SHM_PREFIX=", 20) != 0 && !(private_tmp && std::strncmp(*e, "TMPDIR=", 7) == 0)) env.emplace_back(*e);
  env.push_back("SHMCHECK_SHM_PREFIX=" + prefix);
  if (private_tmp) env.push_back(std::string("TMPDIR=") + kPrivateTmpDir);
  return env;
}

std::string tmpfs_options(std::optional<std::uint64_t> bytes) {
  return bytes ? "mode=1777,size=" + std::to_string(*bytes) : "mode=1777";
}

std::atomic<unsigned> drivers_started{0};

// Whether process group `pgid` has a member that is not a zombie (a zombie runs no more; it
// waits for init to reap it).
bool group_running(pid_t pgid) {
  if (kill(-pgid, 0) != 0) return false;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec))
    if (const auto st = detail::read_proc_stat(e.path()); st && st->pgrp == pgid && st->running()) return true;
  return false;
}

// Every live descendant of `root` (children, their children, ...), by the ppid links in /proc:
// a child that left the driver's process group (setsid) is still found while its parent lives.
std::vector<pid_t> descendants(pid_t root) {
  std::vector<std::pair<pid_t, pid_t>> links;  // (pid, ppid)
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec))
    if (const auto st = detail::read_proc_stat(e.path()); st && st->pid > 0) links.emplace_back(st->pid, st->ppid);
  std::vector<pid_t> out{root};
  for (std::size_t i = 0; i < out.size(); ++i)
    for (const auto& [pid, ppid] : links)
      if (ppid == out[i] && pid > 0) out.push_back(pid);
  out.erase(out.begin());
  return out;
}

}  // namespace

std::string confinement_unavailable(const Confinement& c) {
  if (!c.mounts()) return "";
  const detail::Isolation& iso = detail::isolation();
  return iso.namespaces ? "" : "a /dev/shm or /tmp of its own needs a mount namespace: " + iso.why_not;
}

ExecImplementation::ExecImplementation(std::string spec, std::vector<std::string> argv, std::chrono::milliseconds timeout,
                                       SharedNamespaces shared, Confinement confinement)
    : spec_(std::move(spec)), argv_(std::move(argv)), timeout_(timeout) {
  if (argv_.empty()) throw Broken(spec_ + ": no command to run");
  if (const std::string why = confinement_unavailable(confinement); !why.empty() || (confinement.mounts() && !shared.why.empty()))
    throw Broken(spec_ + ": cannot be confined: " + (why.empty() ? shared.why : why));
  private_tmp_wanted_ = confinement.tmp_bytes.has_value();
  shm_prefix_ = "shmcheck-" + std::to_string(getpid()) + "-" + std::to_string(++drivers_started) + "-";
  std::vector<std::string> env = environment_with_prefix(shm_prefix_, private_tmp_wanted_);
  const std::string dev_shm_options = tmpfs_options(confinement.dev_shm_bytes), tmp_options = tmpfs_options(confinement.tmp_bytes);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (auto& a : argv_) args.push_back(a.data());
  args.push_back(nullptr);
  int in[2], out[2], err[2], status[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0 || pipe2(status, O_CLOEXEC) != 0)
    throw Broken(spec_ + ": cannot create pipes: " + std::strerror(errno));
  // An exec'ed program that dies must not take us with it through SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
  detail::Isolation not_isolated;
  not_isolated.why_not = shared.why;
  const detail::Isolation& iso = shared.why.empty() ? detail::isolation() : not_isolated;
  isolated_ = iso.namespaces;
  isolation_ = iso.describe();
  const int parent = detail::parent_pidfd();
  detail::ChildSetup setup{geteuid(), getegid(), iso.user_namespace, iso.namespaces, parent};
  setup.dev_shm_options = dev_shm_options.c_str();
  if (private_tmp_wanted_) setup.tmp_options = tmp_options.c_str();
  const std::string cannot_execute = "cannot execute " + argv_[0] + ": ";
  pid_ = detail::start_process(detail::clone_flags(iso));
  const int fork_errno = errno;
  if (pid_ != 0 && parent >= 0) ::close(parent);
  if (pid_ < 0) throw Broken(spec_ + ": fork failed: " + std::strerror(fork_errno));
  if (pid_ == 0) {
    // Only system calls from here to exec: the parent may have other threads.
    setpgid(0, 0);  // its own group: killing it kills everything it started
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    const char* step = "";
    if (!detail::setup_child(setup, &step)) {
      const char* why = strerror(errno);
      for (const char* part : {"cannot isolate the driver: ", step, ": ", why, "\n"}) (void)!write(2, part, std::strlen(part));
      _exit(126);
    }
    if (setup.private_dev_shm) detail::run_driver_under_init(args.data(), envp.data(), status[1], cannot_execute.c_str());
    execvpe(args[0], args.data(), envp.data());
    const char* why = strerror(errno);
    for (const char* part : {cannot_execute.c_str(), why, "\n"}) (void)!write(2, part, std::strlen(part));
    _exit(127);
  }
  setpgid(pid_, pid_);  // also from here, so that it holds before either side goes on
  register_group(pid_);  // an interrupted shmcheck kills it at once
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  ::close(status[1]);
  driver_status_ = status[0];
  set_nonblocking(driver_status_);
  to_child_ = in[1];
  from_child_ = out[0];
  child_err_ = err[0];
  set_nonblocking(from_child_);
  set_nonblocking(child_err_);
  set_nonblocking(to_child_);  // a driver that stops reading must not block us past the deadline

  const json hello = request({{"op", "hello"}, {"protocol", 1}});
  // Its /dev/shm, kept open: what it leaves can be counted and named even after it died.
  // Opened once it answered, so after it mounted the tmpfs (before exec).
  if (isolated_) private_dev_shm_ = detail::open_private_dev_shm(pid_);
  if (isolated_ && private_tmp_wanted_) private_tmp_ = detail::open_private_tmp(pid_);
  const Outcome o = Outcome::from_json(hello);
  if (!o.ok) broken("handshake refused: " + o.kind + ": " + protocol::excerpt(o.message, protocol::kConsoleTextMax));
  const json& h = o.result;
  try {
    if (h.at("protocol") != 1)
      broken("protocol version mismatch: it speaks " + protocol::excerpt(h.at("protocol").dump(), 100) + ", shmcheck 1");
    description_ = Description::from_hello(spec_, h);
  } catch (const json::exception& e) {
    broken(std::string("malformed hello: ") + e.what() + ": " + protocol::excerpt(h.dump(), 300));
  }
}

ExecImplementation::~ExecImplementation() {
  if (!dead_) close();
  kill_group();
  for (int fd : {to_child_, from_child_, child_err_, private_dev_shm_, private_tmp_, driver_status_})
    if (fd >= 0) ::close(fd);
}

void ExecImplementation::close() {
  if (dead_) return;
  // What its processes hold now is its own: whatever of it is still in /dev/shm once they
  // are all gone was left behind (kill_group removes it with the prefixed names).
  if (!isolated_) {
    held_at_stop_ = dev_shm_held_by_group(pid_);
    strays_ = descendants(pid_);  // before it exits: its orphans lose the link to it
  }
  try {
    request({{"op", "bye"}});
  } catch (const Broken&) {
  }
  ::close(to_child_);
  to_child_ = -1;
  // A clean exit within 5 s, then the group is killed whatever it does.
  for (int i = 0; i < 500; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      dead_ = true;
      break;
    }
    usleep(10000);
  }
  // What it started may still be finishing (Python's resource tracker unlinks the semaphores
  // its users leaked when the last of them is gone): up to 2 s more before the SIGKILL, which
  // would leave them in /dev/shm.
  for (int i = 0; dead_ && i < 200 && group_running(pid_); ++i) usleep(10000);
  kill_group();
}

void ExecImplementation::kill_group() {
  stop_group();
  if (!cleaned_up_) {
    cleaned_up_ = true;
    remove_shm_leftovers();
  }
}

void ExecImplementation::stop_group() {
  if (pid_ <= 0 || group_gone_) return;
  // In a PID namespace the kernel kills everything with the driver; without one, what left its
  // group (setsid) is found by its ancestry first, while the links are still there.
  if (!isolated_ && !dead_)
    for (const pid_t p : descendants(pid_)) strays_.push_back(p);
  kill(-pid_, SIGKILL);  // the whole group: the driver and anything it started
  for (const pid_t p : strays_) kill(p, SIGKILL);
  strays_.clear();
  if (!dead_) {
    waitpid(pid_, nullptr, 0);
    dead_ = true;
  }
  // Its children die a moment later; until they have, one could still be finishing a
  // shm_open. Wait (up to 2 s) for the group to be empty, then clean up. Once it is, its id
  // may be reused by someone else's group: it is not signalled again.
  for (int i = 0; i < 200 && group_running(pid_); ++i) usleep(10000);
  group_gone_ = !group_running(pid_);
  if (group_gone_) unregister_group(pid_);
}

std::optional<std::vector<std::string>> ExecImplementation::own_dev_shm() const {
  std::vector<std::string> names;
  if (!isolated_) {
    const std::set<std::string> held = group_gone_ ? std::set<std::string>{} : dev_shm_held_by_group(pid_);
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/dev/shm", ec)) {
      const std::string name = e.path().filename().string();
      if (name.rfind(shm_prefix_, 0) == 0 || name.rfind("sem." + shm_prefix_, 0) == 0 || held.count(name)) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  if (private_dev_shm_ < 0) return names;
  const int fd = dup(private_dev_shm_);  // fdopendir takes it, closedir closes it
  if (fd < 0) return names;
  DIR* d = fdopendir(fd);
  if (!d) {
    ::close(fd);
    return names;
  }
  // The private temporary directory's mount point is shmcheck's, not the implementation's.
  const std::string mount_point = private_tmp_wanted_ ? std::filesystem::path(kPrivateTmpDir).filename().string() : "";
  rewinddir(d);
  while (const dirent* e = readdir(d)) {
    const std::string n = e->d_name;
    if (n != "." && n != ".." && n != mount_point) names.push_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<pid_t> ExecImplementation::processes() const {
  if (pid_ <= 0 || dead_) return {};
  std::vector<pid_t> out = descendants(pid_);  // in namespaces pid_ is their init
  if (!isolated_) out.insert(out.begin(), pid_);
  return out;
}

std::vector<std::string> ExecImplementation::tmp_entries() const {
  std::vector<std::string> out;
  if (private_tmp_ < 0) return out;
  namespace fs = std::filesystem;
  // Through /proc/self/fd: the directory is the pinned tmpfs, wherever its namespace is.
  const fs::path root = "/proc/self/fd/" + std::to_string(private_tmp_);
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    // By the text: fs::relative would resolve the link, to a directory of this namespace.
    const std::string rel = it->path().string().substr(root.string().size() + 1);
    out.push_back(std::string(kPrivateTmpDir) + "/" + rel + (it->is_directory(ec) ? "/" : ""));
  }
  std::sort(out.begin(), out.end());
  return out;
}

void ExecImplementation::remove_shm_leftovers() {
  if (isolated_) {
    // Everything in its private /dev/shm is its own.
    for (const auto& name : own_dev_shm().value_or(std::vector<std::string>{}))
      if (unlinkat(private_dev_shm_, name.c_str(), 0) == 0) shm_leftovers_.push_back(name);
    return;
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> removed;
  for (const auto& e : fs::directory_iterator("/dev/shm", ec)) {
    const std::string name = e.path().filename().string();
    // A POSIX named semaphore NAME is /dev/shm/sem.NAME; drivers name theirs with the prefix too.
    const bool prefixed = name.rfind(shm_prefix_, 0) == 0 || name.rfind("sem." + shm_prefix_, 0) == 0;
    if ((prefixed || held_at_stop_.count(name)) && fs::remove(e.path(), ec)) removed.push_back(name);
  }
  // The suite loop names them (stop()); the results count them.
  shm_leftovers_.insert(shm_leftovers_.end(), removed.begin(), removed.end());
}

bool ExecImplementation::kill_now() {
  // Killed, not cleaned up after: the caller takes its census of what the group left first;
  // the destructor removes it.
  stop_group();
  return true;
}

void ExecImplementation::broken(const std::string& reason) {
  drain_stderr();
  // As at a stop: what it holds is its own (not at kill_now(), a crash on purpose, whose
  // leftovers are the observation).
  if (!dead_ && !group_gone_ && !isolated_) held_at_stop_ = dev_shm_held_by_group(pid_);
  kill_group();
  throw Broken(spec_ + " (" + quote_argv(argv_) + "): " + reason, err_tail_);
}

void ExecImplementation::drain_stderr() {
  char buf[8192];
  while (child_err_ >= 0) {
    const ssize_t n = read(child_err_, buf, sizeof buf);
    if (n == 0) {  // its stderr is closed: stop polling it
      ::close(child_err_);
      child_err_ = -1;
    }
    if (n <= 0) break;
    err_tail_.append(buf, static_cast<std::size_t>(n));
    if (err_tail_.size() > kErrTail) err_tail_.erase(0, err_tail_.size() - kErrTail);
  }
}

std::string ExecImplementation::how_it_ended(const std::string& otherwise) {
  // Its pipes closed; the exit itself may follow a moment later. Wait up to 1 s for it so
  // that the reason can say how it ended.
  int status = 0;
  auto said = [](int st) {
    return WIFSIGNALED(st) ? "crashed (signal " + std::to_string(WTERMSIG(st)) + ")" : "exited early (status " + std::to_string(WEXITSTATUS(st)) + ")";
  };
  for (int i = 0; i < 100; ++i) {
    // In namespaces its parent is the namespace's init, which passes its status on.
    if (isolated_ && read(driver_status_, &status, sizeof status) == static_cast<ssize_t>(sizeof status)) {
      ending_.wait_status = status;
      return said(status);
    }
    if (!isolated_ && waitpid(pid_, &status, WNOHANG) == pid_) {
      dead_ = true;
      ending_.wait_status = status;
      return said(status);
    }
    usleep(10000);
  }
  return otherwise;
}

std::string ExecImplementation::read_line(std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto nl = out_buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = out_buffer_.substr(0, nl);
      out_buffer_.erase(0, nl + 1);
      return line;
    }
    if (out_buffer_.size() > kMaxLine) broken("flooded its output: a line longer than 16 MiB");
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ending_.timed_out = true;
      broken("timed out: no answer within " + std::to_string(timeout_.count()) + " ms");
    }
    pollfd fds[2] = {{from_child_, POLLIN, 0}, {child_err_, POLLIN, 0}};
    const int r = poll(fds, 2, static_cast<int>(left.count()));
    if (r < 0 && errno != EINTR) broken(std::string("poll failed: ") + std::strerror(errno));
    if (interrupted()) broken(interruption());  // its processes were killed; nothing more will come
    if (fds[1].revents) drain_stderr();
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      char buf[65536];
      const ssize_t n = read(from_child_, buf, sizeof buf);
      if (n > 0) out_buffer_.append(buf, static_cast<std::size_t>(n));
      else if (n == 0) {
        broken(how_it_ended("closed its output") + " before answering");
      }
    }
  }
}

void ExecImplementation::write_line(const std::string& line, std::chrono::steady_clock::time_point deadline) {
  std::size_t off = 0;
  while (off < line.size()) {
    const ssize_t n = write(to_child_, line.data() + off, line.size() - off);
    if (n > 0) {
      off += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
      broken(how_it_ended(std::string("stopped reading its input: ") + std::strerror(errno)));
    // The pipe is full: wait until it reads, keeping its stderr drained (it may be blocked
    // writing there), and no longer than the request's deadline.
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      broken("timed out writing a request: it read " + std::to_string(off) + " of " + std::to_string(line.size()) +
             " bytes within " + std::to_string(timeout_.count()) + " ms");
    pollfd fds[2] = {{to_child_, POLLOUT, 0}, {child_err_, POLLIN, 0}};
    const int r = poll(fds, 2, static_cast<int>(left.count()));
    if (r < 0 && errno != EINTR) broken(std::string("poll failed: ") + std::strerror(errno));
    if (fds[1].revents) drain_stderr();
    if (fds[0].revents & (POLLERR | POLLHUP)) broken(how_it_ended("closed its input") + " before reading a request");
  }
}

json ExecImplementation::request(json req) {
  if (dead_) throw Broken(spec_ + ": the driver is no longer running", err_tail_);
  const long long id = next_id_++;
  req["id"] = id;
  // One deadline for the whole round trip: writing the request and reading the answer.
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  write_line(req.dump() + "\n", deadline);
  const std::string answer = read_line(deadline);
  // What the driver wrote goes into the reason escaped and cut (driver_text.hpp): a reason is
  // written to results.json, which holds only UTF-8, and to a terminal.
  const auto quoted = [&] { return "'" + protocol::excerpt(answer, 200) + "'"; };
  // Refused before nlohmann builds a tree: its copies and destructors recurse once per level,
  // and 70,000 levels took shmcheck down (SIGSEGV) with the driver's processes left running.
  if (protocol::nested_deeper_than(answer, protocol::kMaxNesting))
    broken("answered with JSON nested deeper than " + std::to_string(protocol::kMaxNesting) + " levels: " + quoted());
  if (!protocol::is_valid_utf8(answer)) broken("answered with a line that is not UTF-8: " + quoted());
  json resp = protocol::parse_message(answer);  // big ints stay ints
  if (resp.is_discarded() || !resp.is_object()) broken("answered with something that is not a JSON object: " + quoted());
  if (!resp.contains("id") || resp.at("id") != id)
    broken("answered request " + std::to_string(id) + " with id " +
           (resp.contains("id") ? protocol::excerpt(resp.at("id").dump(), 100) : "none"));
  try {
    Outcome::from_json(resp);  // validates the outcome's shape
  } catch (const protocol::Violation& e) {
    broken(std::string("answered outside the protocol: ") + e.what());
  }
  return resp;
}

std::vector<Outcome> ExecImplementation::run(const json& ops) {
  const json resp = request({{"op", "batch"}, {"ops", protocol::portable_items(ops)}});
  const Outcome batch = Outcome::from_json(resp);
  if (!batch.ok) broken("refused a batch: " + batch.kind + ": " + protocol::excerpt(batch.message, protocol::kConsoleTextMax));
  if (!batch.result.is_array() || batch.result.size() != ops.size())
    broken("answered a batch of " + std::to_string(ops.size()) + " with " +
           (batch.result.is_array() ? std::to_string(batch.result.size()) + " outcomes" : "no list"));
  std::vector<Outcome> out;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    try {
      out.push_back(Outcome::from_json(batch.result[i]));
    } catch (const protocol::Violation& e) {
      broken(std::string("answered outside the protocol: ") + e.what());
    }
    // A result of the wrong shape is not an observation to judge: the driver is broken.
    try {
      if (out.back().ok) protocol::validate_result(ops[i], out.back().result);
    } catch (const protocol::Violation& e) {
      broken(e.what());
    }
  }
  return out;
}

}  // namespace shmcheck::harness
