#include <shmcheck/protocol/driver_text.hpp>

#include <algorithm>

namespace shmcheck::protocol {

namespace {

// \x1b, \u202e: an escape a reader can tell from the text around it.
std::string escaped(const char* prefix, unsigned value, int digits) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = prefix;
  for (int d = digits - 1; d >= 0; --d) out += hex[(value >> (4 * d)) & 0xf];
  return out;
}

bool in(unsigned char c, unsigned char lo, unsigned char hi) { return c >= lo && c <= hi; }

// The length of the well-formed UTF-8 sequence at s[i] (Unicode's table 3-7: no overlong
// forms, no surrogates, nothing past U+10FFFF), or 0 when there is none.
std::size_t sequence_at(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  if (in(c, 0xc2, 0xdf)) return in(b(1), 0x80, 0xbf) ? 2 : 0;
  if (in(c, 0xe0, 0xef)) {
    const unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    return in(b(1), lo, hi) && in(b(2), 0x80, 0xbf) ? 3 : 0;
  }
  if (in(c, 0xf0, 0xf4)) {
    const unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    return in(b(1), lo, hi) && in(b(2), 0x80, 0xbf) && in(b(3), 0x80, 0xbf) ? 4 : 0;
  }
  return 0;
}

char32_t code_point(std::string_view seq) {
  const auto c = [&](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(seq[k])); };
  switch (seq.size()) {
    case 1: return c(0);
    case 2: return (c(0) & 0x1f) << 6 | (c(1) & 0x3f);
    case 3: return (c(0) & 0x0f) << 12 | (c(1) & 0x3f) << 6 | (c(2) & 0x3f);
    default: return (c(0) & 0x07) << 18 | (c(1) & 0x3f) << 12 | (c(2) & 0x3f) << 6 | (c(3) & 0x3f);
  }
}

// What a terminal acts on rather than shows: C0 and C1 controls, DEL, and the characters that
// reorder the text around them (bidirectional overrides, isolates and marks).
bool acts_on_terminal(char32_t cp) {
  return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
         (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

enum class For { json, console_lines, console_line };

// `text`, each character escaped as `target` needs (invalid bytes always).
std::string render(std::string_view text, For target) {
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = sequence_at(text, i);
    if (n == 0) {
      out += escaped("\\x", static_cast<unsigned char>(text[i]), 2);
      ++i;
      continue;
    }
    const std::string_view seq = text.substr(i, n);
    const char32_t cp = code_point(seq);
    const bool kept_space = cp == '\n' || cp == '\t';
    if (target != For::json && acts_on_terminal(cp) && !(target == For::console_lines && kept_space))
      out += cp < 0x80 ? escaped("\\x", static_cast<unsigned>(cp), 2) : escaped("\\u", static_cast<unsigned>(cp), 4);
    else
      out.append(seq);
    i += n;
  }
  return out;
}

bool continuation(std::string_view s, std::size_t i) { return i < s.size() && (static_cast<unsigned char>(s[i]) & 0xc0) == 0x80; }

// The last character boundary at or before `at` (a UTF-8 character is at most 4 bytes).
std::size_t boundary_before(std::string_view s, std::size_t at) {
  for (int k = 0; k < 3 && at > 0 && continuation(s, at); ++k) --at;
  return at;
}

// The first character boundary at or after `at`.
std::size_t boundary_after(std::string_view s, std::size_t at) {
  for (int k = 0; k < 3 && continuation(s, at); ++k) ++at;
  return at;
}

// Text longer than `max`: its first and last max/2 bytes, whole characters, and how much is
// left out between them; the end of a message (a traceback's last line) says as much as its
// beginning.
std::string shortened(std::string_view text, std::size_t max, For target) {
  if (text.size() <= max) return render(text, target);
  const std::size_t head = boundary_before(text, max / 2), rest = boundary_after(text, text.size() - max / 2);
  return render(text.substr(0, head), target) + " ... (" + std::to_string(rest - head) + " bytes left out) ... " +
         render(text.substr(rest), target);
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size();) {
    const std::size_t n = sequence_at(bytes, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string valid_utf8(std::string_view bytes) { return render(bytes, For::json); }

std::string excerpt(std::string_view text, std::size_t max) {
  if (text.size() <= max) return valid_utf8(text);
  const std::size_t cut = boundary_before(text, max);
  return valid_utf8(text.substr(0, cut)) + "... (" + std::to_string(text.size() - cut) + " more bytes)";
}

std::string tail(std::string_view text, std::size_t max) {
  return valid_utf8(text.size() <= max ? text : text.substr(boundary_after(text, text.size() - max)));
}

std::string shortened(std::string_view text, std::size_t max) { return shortened(text, max, For::json); }

std::string for_console(std::string_view text, std::size_t max, bool lines) {
  return shortened(text, max, lines ? For::console_lines : For::console_line);
}

nlohmann::json recordable(const nlohmann::json& j, std::size_t max) {
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    return s.size() <= max && is_valid_utf8(s) ? j : nlohmann::json(shortened(s, max));
  }
  if (j.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& x : j) out.push_back(recordable(x, max));
    return out;
  }
  if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : j.items()) out[k.size() <= max && is_valid_utf8(k) ? k : shortened(k, max)] = recordable(v, max);
    return out;
  }
  return j;
}

}  // namespace shmcheck::protocol
