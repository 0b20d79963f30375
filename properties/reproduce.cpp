#include "reproduce.hpp"

#include <shmcheck/error.hpp>

#include <cstdint>
#include <exception>
#include <limits>
#include <algorithm>
#include <optional>
#include <vector>

namespace shmcheck::properties {
namespace {

// RapidCheck's own Base64 (not RFC 4648's): A-Z a-z 0-9 + _, six bits at a time, least
// significant first. The value of one letter, or -1.
int letter(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  return c == '+' ? 62 : c == '_' ? 63 : -1;
}

// Whether the decoded map is one RapidCheck wrote, every length within its bytes: nothing if
// so, else the length it claims (the size plus one for a map cut short or followed by more;
// the largest int for an int longer than 64 bits, the one below it for a Random no case
// starts from). The
// layout is RapidCheck's (rapidcheck/detail/Serialization.hpp, Results.hpp, Random.hpp): a
// count of entries, then per entry a string id (a length and its bytes) and a Reproduce (a
// Random: 4 x 8 bytes, two compact ints, one byte; a 4-byte size; a compact count of compact
// ints, the shrink path). RapidCheck reserves a string's length before reading it: a few
// letters asked it for terabytes (found by properties/fuzz/fuzz_reproduce).
std::optional<std::uint64_t> unfitting_length(const std::string& text) {
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::uint32_t bits = 0;
    int nbits = 0;
    for (std::size_t j = i; j < std::min(text.size(), i + 4); ++j, nbits += 6) bits |= std::uint32_t(letter(text[j])) << nbits;
    for (; nbits >= 8; nbits -= 8, bits >>= 8) bytes.push_back(static_cast<std::uint8_t>(bits));
  }
  std::size_t at = 0;
  bool ok = true;
  bool overlong = false;
  // A compact int: seven bits a byte, least significant first. RapidCheck shifts each group
  // into place without a bound, past 64 bits too (undefined behaviour, and a crash in its
  // decoder, found by fuzz_reproduce): no int it writes has more than ten groups.
  auto compact = [&]() -> std::uint64_t {
    std::uint64_t v = 0;
    for (int shift = 0; at < bytes.size(); shift += 7) {
      const std::uint8_t b = bytes[at++];
      if (shift >= 64) overlong = true;
      else v |= std::uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    ok = false;
    return 0;
  };
  auto skip = [&](std::uint64_t n) { ok = ok && n <= bytes.size() - at, at += ok ? n : 0; };
  const std::uint64_t entries = compact();
  for (std::uint64_t e = 0; ok && e < entries; ++e) {
    const std::uint64_t id_length = compact();
    if (ok && id_length > bytes.size() - at) return id_length;
    skip(id_length);
    skip(32);  // the Random's key
    compact();  // its bits
    // A case starts from a Random nothing was drawn from yet: RapidCheck asserts a counter of 0
    // when it splits one (abort, found by fuzz_reproduce), and shifts by the bit index (<= 64).
    if (compact() != 0 && ok) return std::numeric_limits<std::uint64_t>::max() - 1;
    if (ok && at < bytes.size() && bytes[at] > 64) return std::numeric_limits<std::uint64_t>::max() - 1;
    skip(1 + 4);  // its bit index; the size
    for (std::uint64_t k = compact(); ok && !overlong && k > 0; --k) compact();
  }
  if (overlong) return std::numeric_limits<std::uint64_t>::max();
  // Cut short, or more after the map: not what RapidCheck wrote either. Left to its decoder,
  // a string cut short in a Random crashed it (SEGV reading past the end, fuzz_reproduce).
  if (!ok || at != bytes.size()) return bytes.size() + 1;
  return std::nullopt;
}

}  // namespace

std::unordered_map<std::string, rc::detail::Reproduce> parse_reproduce(const std::string& text) {
  const std::string shown = text.size() > 80 ? text.substr(0, 77) + "..." : text;
  // One token of RapidCheck's letters, as shmcheck prints it. Anything else (a space, a quote)
  // would let the string set RapidCheck's other keys through the "reproduce=" it is given.
  for (char c : text)
    if (letter(c) < 0)
      throw ValueError("--reproduce '" + shown + "' is not a reproduce string shmcheck printed: it holds '" +
                       std::string(1, c) + "', not one of RapidCheck's letters (A-Z a-z 0-9 + _)");
  if (const auto n = unfitting_length(text))
    throw ValueError("--reproduce '" + shown + "' is not a reproduce string shmcheck printed: " +
                     (*n == std::numeric_limits<std::uint64_t>::max()       ? std::string("it holds an int longer than 64 bits")
                      : *n == std::numeric_limits<std::uint64_t>::max() - 1 ? std::string("a case's random state is not one a case starts from")
                                                                            : "its lengths do not add up to its " + std::to_string(text.size()) + " letters"));
  rc::detail::Configuration config;
  try {
    config = rc::detail::configFromString("reproduce=" + text);
  } catch (const std::exception& e) {
    // ConfigurationException, and whatever else RapidCheck throws reading the string.
    throw ValueError("--reproduce '" + shown + "' is not a reproduce string shmcheck printed: " + e.what());
  }
  const int max_size = rc::detail::TestParams().maxSize;
  for (const auto& [id, r] : config.reproduce)
    if (r.size < 0 || r.size > max_size)
      throw ValueError("--reproduce '" + shown + "': the case of " + id + " has size " + std::to_string(r.size) +
                       ", outside the 0.." + std::to_string(max_size) + " a run generates with");
  return config.reproduce;
}

}  // namespace shmcheck::properties
