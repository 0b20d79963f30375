#pragma once
// What a run shows a person: colour for verdict words, and the progress of the cases on
// stderr (Progress). Colour follows --color: `auto` (the default) colours a stream that is a
// terminal, unless NO_COLOR is set to anything non-empty (no-color.org); `always` and `never`
// override both, as no-color.org asks of a command-line option.
#include <shmcheck/harness/verdict.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace shmcheck::harness {

enum class ColorMode { automatic, always, never };
void set_color_mode(ColorMode mode) noexcept;

// Whether what is written to descriptor `fd` (STDOUT_FILENO, STDERR_FILENO) is coloured.
bool colored(int fd);

// `text` in the colour of `v` (pass green, fail red, broken magenta, inconclusive and
// unsupported yellow) when `fd` is coloured; else `text` as it is.
std::string in_verdict_color(Verdict v, std::string_view text, int fd);

// The progress of the cases, on stderr. On a terminal one line, redrawn as each case begins:
// "k/N suite impl case  elapsed 0:12 ~0:40 left" (k the case under way, N the cases of the
// suite loop under way on all its subjects; what is left is the mean time per finished case
// times the cases left). Elsewhere (a CI log) a line per finished case:
// "[k/N] pass spec ref value-default-zero 0.01s". N is left out when it is not known.
class Progress {
 public:
  Progress();  // a terminal or not: whether stderr is one
  // A suite loop begins with `total` cases (0: not known beforehand, the audit's).
  void start(std::size_t total);
  // The case about to run: the terminal's line.
  void begin(std::string_view suite, std::string_view impl, std::string_view id);
  // A case was judged: its line, when stderr is not a terminal.
  void finished(std::string_view impl, const CaseResult& r);
  // Clears the terminal's line before something else is printed.
  void clear();

 private:
  bool terminal_;
  bool shown_ = false;  // the terminal's line is on the screen
  std::size_t total_ = 0, done_ = 0, failed_ = 0, broken_ = 0;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace shmcheck::harness
