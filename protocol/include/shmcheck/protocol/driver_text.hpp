#pragma once
// Text a driver wrote (its answers, error messages, hello, stderr), made safe to show: shmcheck
// passes it on in reasons, in results.json and on the console, and a driver may write anything.
// JSON cannot hold bytes that are not UTF-8 (nlohmann's dump throws on them), an excerpt must
// not end inside a character, and a terminal must not get escape sequences from an
// implementation (PROTOCOL.md §1: the limits a driver author is told).
#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace shmcheck::protocol {

// How much of an implementation's text one console message shows, and how much of any one
// string results.json keeps: longer text keeps its first and last halves (shortened()).
inline constexpr std::size_t kConsoleTextMax = 4000;
inline constexpr std::size_t kRecordedTextMax = 64u << 10;

bool is_valid_utf8(std::string_view bytes);

// `bytes` as valid UTF-8: each byte that is not part of a well-formed UTF-8 sequence is
// written as the four characters \xNN; everything else is kept.
std::string valid_utf8(std::string_view bytes);

// The first `max` bytes of `text`, cut before a character (never inside one), as valid_utf8,
// and "... (N more bytes)" when something was cut.
std::string excerpt(std::string_view text, std::size_t max);

// The last `max` bytes of `text` (a diagnostics tail), starting at a character, as valid_utf8.
std::string tail(std::string_view text, std::size_t max);

// At most `max` bytes of `text`, as valid_utf8: longer text keeps its first and last max/2
// bytes, cut before a character, with " ... (N bytes left out) ... " between them; the end of
// a message (a traceback's last line) says as much as its beginning.
std::string shortened(std::string_view text, std::size_t max);

// For a terminal: as shortened(), and every control character escaped so that none reaches
// the terminal: C0 controls and DEL as \xNN (ESC is \x1b), C1 controls and the
// bidirectional overrides as \uNNNN. Newlines and tabs are kept when `lines`; a one-line
// field (a name, a version) passes false.
std::string for_console(std::string_view text, std::size_t max = kConsoleTextMax, bool lines = true);

// A copy of `j` that nlohmann can always dump and that stays small: every string and key made
// valid UTF-8 and at most `max` bytes (shortened()).
nlohmann::json recordable(const nlohmann::json& j, std::size_t max = kRecordedTextMax);

}  // namespace shmcheck::protocol
