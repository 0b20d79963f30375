#include <shmcheck/harness/console.hpp>

#include <shmcheck/protocol/driver_text.hpp>

#include <fmt/color.h>
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>
#include <sys/ioctl.h>
#include <unistd.h>

namespace shmcheck::harness {

namespace {

ColorMode& mode() {
  static ColorMode m = ColorMode::automatic;
  return m;
}

fmt::terminal_color color_of(Verdict v) {
  switch (v) {
    case Verdict::pass: return fmt::terminal_color::green;
    case Verdict::fail: return fmt::terminal_color::red;
    case Verdict::broken: return fmt::terminal_color::magenta;
    case Verdict::inconclusive:
    case Verdict::unsupported: return fmt::terminal_color::yellow;
  }
  return fmt::terminal_color::white;
}

std::string shown_word(std::string_view text) { return protocol::for_console(text, 200, false); }

// "0:07", "12:34", "1:02:03".
std::string clock_text(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

// The terminal's width: a longer line would wrap, and "\r\033[K" clears only its last row.
std::size_t terminal_columns() {
  winsize w{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 20) return w.ws_col;
  return 80;
}

// The first `columns` characters of UTF-8 `text` (one column per character, near enough for
// names that for_console already made printable).
std::string first_columns(const std::string& text, std::size_t columns) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && chars++ == columns) return text.substr(0, i);
  return text;
}

}  // namespace

void set_color_mode(ColorMode m) noexcept { mode() = m; }

bool colored(int fd) {
  switch (mode()) {
    case ColorMode::always: return true;
    case ColorMode::never: return false;
    case ColorMode::automatic: break;
  }
  const char* no_color = std::getenv("NO_COLOR");
  return !(no_color && *no_color) && isatty(fd) == 1;
}

std::string in_verdict_color(Verdict v, std::string_view text, int fd) {
  if (!colored(fd)) return std::string(text);
  return fmt::format(fmt::fg(color_of(v)), "{}", text);
}

Progress::Progress() : terminal_(isatty(STDERR_FILENO) == 1), started_(std::chrono::steady_clock::now()) {}

void Progress::start(std::size_t total) {
  total_ = total;
  done_ = failed_ = broken_ = 0;
  started_ = std::chrono::steady_clock::now();
}

void Progress::begin(std::string_view suite, std::string_view impl, std::string_view id) {
  if (!terminal_) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const std::string count = total_ ? fmt::format("{}/{}", done_ + 1, total_) : fmt::format("{}", done_ + 1);
  std::string times = "  elapsed " + clock_text(elapsed);
  if (total_ && done_) times += " ~" + clock_text(elapsed / static_cast<double>(done_) * static_cast<double>(total_ - done_)) + " left";
  // What went wrong so far, in its colour: the line is all a terminal shows of a long suite.
  std::string tally, tally_plain;
  for (const auto& [n, v] : {std::pair{failed_, Verdict::fail}, std::pair{broken_, Verdict::broken}})
    if (n) {
      const std::string words = fmt::format("{} {}", n, to_string(v));
      tally += "  " + in_verdict_color(v, words, STDERR_FILENO);
      tally_plain += "  " + words;
    }
  // The case's name is cut to fit one row; the count and the times are kept.
  const std::size_t columns = terminal_columns() - 1;
  const std::size_t fixed = count.size() + 1 + times.size() + tally_plain.size();
  const std::string what = fmt::format("{} {} {}", suite, shown_word(impl), shown_word(id));
  const std::string name = fixed < columns ? first_columns(what, columns - fixed) : "";
  std::cerr << "\r\033[K" << count << " " << name << times << tally << std::flush;
  shown_ = true;
}

void Progress::finished(std::string_view impl, const CaseResult& r) {
  ++done_;
  failed_ += r.verdict == Verdict::fail && !r.expected;
  broken_ += r.verdict == Verdict::broken && !r.expected;
  if (terminal_) {
    clear();
    return;
  }
  const std::string count = total_ ? fmt::format("{}/{}", done_, total_) : fmt::format("{}", done_);
  std::cerr << fmt::format("[{}] {} {} {} {} {:.2f}s\n", count, in_verdict_color(r.verdict, to_string(r.verdict), STDERR_FILENO),
                           r.suite, shown_word(impl), shown_word(r.id), r.seconds)
            << std::flush;
}

void Progress::clear() {
  if (!shown_) return;
  std::cerr << "\r\033[K" << std::flush;
  shown_ = false;
}

}  // namespace shmcheck::harness
