#include <shmcheck/harness/verdict.hpp>

namespace shmcheck::harness {

std::string_view to_string(Verdict v) noexcept {
  switch (v) {
    case Verdict::pass: return "pass";
    case Verdict::fail: return "fail";
    case Verdict::inconclusive: return "inconclusive";
    case Verdict::broken: return "broken";
    case Verdict::unsupported: return "unsupported";
  }
  return "?";
}

}  // namespace shmcheck::harness
