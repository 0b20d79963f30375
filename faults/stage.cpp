#include "stage.hpp"

#include <shmcheck/protocol/driver_text.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

namespace shmcheck::faults {

using nlohmann::json;

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::works: return "works";
    case Outcome::refused: return "refused";
    case Outcome::not_recovered: return "not_recovered";
    case Outcome::wrong_value: return "wrong_value";
    case Outcome::timeout_not_honoured: return "timeout_not_honoured";
    case Outcome::exited: return "exited";
    case Outcome::signal: return "signal";
    case Outcome::hang: return "hang";
    case Outcome::not_run: return "not_run";
  }
  return "?";
}

void Observation::saw(Outcome o, std::size_t step, const std::string& d) {
  if (!first_affected) first_affected = step;
  if (static_cast<int>(o) <= static_cast<int>(outcome) && outcome != Outcome::works) return;
  outcome = o;
  detail = d;
}

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? fmt::format("SIG{} (signal {})", abbrev, sig) : fmt::format("signal {}", sig);
}

namespace {

std::string error_text(const protocol::Outcome& o) {
  return protocol::excerpt((o.type.empty() ? o.kind : o.type) + ": " + o.message, 300);
}

}  // namespace

std::vector<protocol::Outcome> Stage::run(const std::string& op, const std::string& what, const json& ops) {
  obs_.steps.push_back({op, what, true, 0, ""});
  const auto started = std::chrono::steady_clock::now();
  auto took = [&] { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count(); };
  std::vector<protocol::Outcome> outcomes;
  try {
    outcomes = impl_.run(ops);
  } catch (const harness::Broken& e) {
    Step& s = obs_.steps.back();
    s.ms = took();
    s.ok = false;
    const auto& end = impl_.ending();
    if (end.timed_out) {
      s.note = fmt::format("no answer within {} ms", impl_.timeout().count());
      obs_.saw(Outcome::hang, last_index(), fmt::format("hung: no answer to {} within {} ms", op, impl_.timeout().count()));
    } else if (end.wait_status && WIFSIGNALED(*end.wait_status)) {
      obs_.signal = WTERMSIG(*end.wait_status);
      s.note = "killed by " + signal_name(*obs_.signal);
      obs_.saw(Outcome::signal, last_index(), s.note);
    } else if (end.wait_status) {
      s.note = fmt::format("exited with status {}", WEXITSTATUS(*end.wait_status));
      obs_.saw(Outcome::exited, last_index(), s.note + ": " + protocol::excerpt(harness::reason_with_stderr(e), 400));
    } else {
      s.note = protocol::excerpt(e.what(), 300);
      obs_.broken = harness::reason_with_stderr(e);
      obs_.saw(Outcome::not_run, last_index(), "the driver broke: " + s.note);
    }
    throw Ended{};
  }
  Step& s = obs_.steps.back();
  s.ms = took();
  for (const auto& o : outcomes)
    if (!o.ok) {
      s.ok = false;
      s.note = error_text(o);
      if (obs_.error.is_null()) obs_.error = {{"kind", o.kind}, {"type", o.type}, {"message", protocol::excerpt(o.message, 1000)}};
      obs_.saw(Outcome::refused, last_index(), "refused: " + s.note);
      break;
    }
  return outcomes;
}

protocol::Outcome Stage::run_one(const std::string& what, const json& op) {
  return run(op.at("op").get<std::string>(), what, json::array({op})).at(0);
}

void Stage::wrong(const std::string& detail) {
  last().ok = false;
  last().note = detail;
  obs_.saw(Outcome::wrong_value, last_index(), "wrong value: " + detail);
}

void Stage::did(const std::string& op, const std::string& what, const std::string& note) {
  obs_.steps.push_back({op, what, true, 0, note});
}

namespace {
constexpr std::uint64_t kPage = 4096;
int pattern(std::uint64_t k, int salt) { return static_cast<int>((k * 37 + static_cast<std::uint64_t>(salt)) % 255) - 127; }
}  // namespace

bool Stage::create_array(const std::string& handle, std::uint64_t bytes, const char* lock) {
  const auto o = run_one(fmt::format("create a 'b' array of {} bytes (lock {})", bytes, lock),
                         {{"op", "create"}, {"shape", "array"}, {"tc", "b"}, {"size", bytes}, {"lock", lock}, {"as", handle}});
  return o.ok;
}

bool Stage::touch(const std::string& handle, std::uint64_t bytes, int salt) {
  // Element by element (set and get, the operations every implementation has; an extended
  // slice would also test slices, which some get wrong): one in each page, up to 32768 pages
  // (128 MiB, more than any filesystem of these cases holds), further apart past that, and
  // the last.
  const std::uint64_t pages = (bytes + kPage - 1) / kPage, stride = kPage * ((pages + 32767) / 32768);
  std::vector<std::uint64_t> at;
  for (std::uint64_t i = 0; i < bytes; i += stride) at.push_back(i);
  if (at.back() != bytes - 1) at.push_back(bytes - 1);
  json writes = json::array(), reads = json::array(), items = json::array();
  for (std::size_t k = 0; k < at.size(); ++k) {
    items.push_back(pattern(k, salt));
    writes.push_back({{"op", "set"}, {"obj", handle}, {"index", at[k]}, {"item", items.back()}});
    reads.push_back({{"op", "get"}, {"obj", handle}, {"index", at[k]}});
  }
  const std::string pages_said = stride == kPage ? "each of its pages" : fmt::format("every {}th page", stride / kPage);
  const auto w = run("set", fmt::format("write one element in {} and the last ({} stores)", pages_said, at.size()), writes);
  if (!std::all_of(w.begin(), w.end(), [](const protocol::Outcome& o) { return o.ok; })) return false;
  const auto r = run("get", "read them back", reads);
  for (std::size_t k = 0; k < at.size(); ++k) {
    if (!r[k].ok) return false;
    if (r[k].result != items[k]) {
      wrong(fmt::format("element {} reads {}, {} was written", at[k], protocol::excerpt(r[k].result.dump(), 40), items[k].dump()));
      return false;
    }
  }
  return true;
}

int open_descriptors(pid_t pid) {
  std::error_code ec;
  int n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++n;
  return n;
}

std::uint64_t address_space(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmSize:", 0) == 0) return std::stoull(line.substr(7)) * 1024;
  return 0;
}

std::string limit(pid_t pid, int resource, std::uint64_t value) {
  const rlimit r{static_cast<rlim_t>(value), static_cast<rlim_t>(value)};
  if (prlimit(pid, static_cast<__rlimit_resource>(resource), &r, nullptr) == 0) return "";
  return std::strerror(errno);
}

std::uint64_t fill_filesystem(int dirfd, const char* name) {
  const int fd = openat(dirfd, name, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return 0;
  std::vector<char> chunk(1 << 20, 'x');
  std::uint64_t written = 0;
  for (std::size_t size = chunk.size(); size >= kPage; size /= 2)
    for (;;) {
      const ssize_t n = write(fd, chunk.data(), size);
      if (n <= 0) break;
      written += static_cast<std::uint64_t>(n);
    }
  close(fd);
  return written;
}

bool wait_stopped(pid_t pid) {
  for (int i = 0; i < 200; ++i) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto paren = stat.rfind(')');
    if (paren == std::string::npos || paren + 2 >= stat.size()) return false;
    const char state = stat[paren + 2];
    if (state == 'T' || state == 't') return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace shmcheck::faults
