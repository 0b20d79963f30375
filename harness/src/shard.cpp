#include <shmcheck/harness/shard.hpp>

#include <shmcheck/error.hpp>

#include <fmt/format.h>

#include <charconv>

namespace shmcheck::harness {

namespace {

// A decimal count, digits only: from_chars takes no sign for an unsigned type and stops at the
// first non-digit, so the whole text must be used ("2x", " 2" and "" are not counts).
bool parse_count(std::string_view text, std::size_t& out) {
  if (text.empty() || text.size() > 9) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

Shard parse_shard(std::string_view text) {
  const auto problem = [&](std::string_view why) {
    return ValueError(fmt::format("'{}' is not a shard: {} (K/N, 1 <= K <= N, e.g. 2/3)", text, why));
  };
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) throw problem("no '/'");
  Shard s;
  if (!parse_count(text.substr(0, slash), s.index) || !parse_count(text.substr(slash + 1), s.count))
    throw problem("K and N are decimal integers");
  if (s.count < 1 || s.count > kMaxShards) throw problem(fmt::format("N must be from 1 to {}", kMaxShards));
  if (s.index < 1 || s.index > s.count) throw problem(fmt::format("K must be from 1 to {}", s.count));
  return s;
}

std::vector<std::vector<bool>> Dealer::deal(std::size_t subjects, std::size_t cases) {
  std::vector<std::vector<bool>> mine(subjects, std::vector<bool>(cases));
  for (std::size_t s = 0; s < subjects; ++s)
    for (std::size_t c = 0; c < cases; ++c) mine[s][c] = (offset_ + s + c) % shard_.count == shard_.index - 1;
  offset_ += subjects * cases;
  return mine;
}

bool Dealer::deal_one() { return deal(1, 1)[0][0]; }

}  // namespace shmcheck::harness
