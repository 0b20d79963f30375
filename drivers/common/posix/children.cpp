#include "../children.hpp"
#include "../die_with_parent.hpp"
#include "../request.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/protocol/item_codec.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>
#include <thread>

namespace shmcheck::drivers {

using protocol::Outcome;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

bool write_all(int fd, const std::string& text) {
  for (std::size_t off = 0; off < text.size();) {
    const ssize_t n = write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads `fd` to end of file or until `deadline`; false if the deadline came first.
bool read_until(int fd, Clock::time_point deadline, std::string& out) {
  char buf[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int r = poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;  // re-check the deadline
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) out.append(buf, static_cast<std::size_t>(n));
    else if (n == 0 || errno != EINTR) return true;
  }
}

// The complete lines of `text` that are JSON, up to the first that is not (a child that died
// mid-write leaves at most one partial line).
json outcome_lines(const std::string& text) {
  json out = json::array();
  for (std::size_t pos = 0;;) {
    const std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) break;
    json o = protocol::parse_message(std::string_view(text).substr(pos, end - pos));
    if (o.is_discarded()) break;
    out.push_back(std::move(o));
    pos = end + 1;
  }
  return out;
}

double timeout_of(const json& op) {
  if (!op.contains("timeout") || op.at("timeout").is_null()) return Children::default_timeout_s;
  const double t = op.at("timeout").get<double>();
  if (!(t > 0 && t <= 3600)) throw ProtocolError("child: timeout must be in (0, 3600] seconds");
  return t;
}

}  // namespace

Children::~Children() {
  for (auto& [handle, r] : running_) {
    kill(r.pid, SIGKILL);
    close(r.fd);
    while (waitpid(r.pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

Children::Running Children::fork_child(const json& op, const Perform& perform) {
  // fork: the child shares every object of the session (the implementation's memory is
  // MAP_SHARED); it sends each outcome as one JSON line through a pipe as soon as it has it,
  // so that what it answered before dying survives.
  if (in_child_) throw Unsupported("a child does not start children of its own");
  const std::string start = op.value("start", "fork");
  if (start != "fork") throw Unsupported("start method '" + start + "' is not available (fork only)");
  const json& ops = need(op, "ops");
  if (!ops.is_array()) throw ProtocolError("child: ops must be a list of requests");
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_of(op)));
  int fds[2];
  if (pipe(fds) != 0) throw OSError(errno, "pipe for a child");
  const pid_t parent = getpid();  // for die_with_parent(), taken before fork
  const pid_t pid = fork();
  if (pid < 0) {
    const int err = errno;
    close(fds[0]), close(fds[1]);
    throw OSError(err, "fork");
  }
  if (pid == 0) {
    die_with_parent(parent);
    close(fds[0]);
    for (auto& [handle, r] : running_) close(r.fd);  // siblings are the parent's business
    running_.clear();
    in_child_ = true;
    try {  // nothing may return into the driver's loop from here
      for (const auto& o : ops)
        if (!write_all(fds[1], perform(o).to_json().dump() + "\n")) _exit(3);
    } catch (...) {
      _exit(4);
    }
    _exit(0);  // no destructors, no flushing: the objects and streams stay the parent's
  }
  close(fds[1]);
  return Running{pid, fds[0], ops.size(), deadline};
}

json Children::collect(Running r) {
  std::string text;
  const bool finished = read_until(r.fd, r.deadline, text);
  close(r.fd);
  if (!finished) kill(r.pid, SIGKILL);
  int status = 0;
  while (waitpid(r.pid, &status, 0) < 0 && errno == EINTR) {
  }
  const bool signalled = WIFSIGNALED(status);
  const int how_n = signalled ? WTERMSIG(status) : WEXITSTATUS(status);
  const std::string how = (signalled ? "signal " : "exit code ") + std::to_string(how_n);
  json outcomes = outcome_lines(text);
  for (std::size_t i = outcomes.size(), first = i; i < r.count; ++i) {
    Outcome o;
    o.ok = false;
    if (!finished) {
      o.kind = "timeout";
      o.type = "ChildTimeout";
      o.message = std::string(i == first ? "the child timed out while running this request" : "not run: the child timed out earlier") +
                  " (killed, " + how + ")";
    } else {
      o.kind = "crashed";
      o.type = "ChildDied";
      o.message = std::string(i == first ? "the child ended before answering this request" : "not run: the child ended earlier") +
                  " (" + how + ")";
    }
    outcomes.push_back(o.to_json());
  }
  return {{"outcomes", std::move(outcomes)}, {"exit", {{signalled ? "signal" : "code", how_n}}}};
}

json Children::run(const json& op, const Perform& perform) { return collect(fork_child(op, perform)); }

std::string Children::start(const json& op, const Perform& perform) {
  const std::string handle = op.contains("as") ? op.at("as").get<std::string>() : "c" + std::to_string(++next_);
  if (running_.count(handle)) throw ProtocolError("child_start: a child '" + handle + "' is already running");
  running_.emplace(handle, fork_child(op, perform));
  return handle;
}

json Children::wait(const std::string& handle) {
  auto it = running_.find(handle);
  if (it == running_.end()) throw ProtocolError("child_wait: no running child '" + handle + "'");
  const Running r = it->second;
  running_.erase(it);
  return collect(r);
}

}  // namespace shmcheck::drivers
