#include "judge.hpp"

#include <fmt/format.h>

namespace shmcheck::faults {

using nlohmann::json;
using harness::Verdict;

namespace {

std::string where(const Observation& obs) {
  if (!obs.first_affected) return "";
  const Step& s = obs.steps.at(*obs.first_affected);
  return fmt::format(" at step {} ({}: {})", *obs.first_affected + 1, s.op, s.what);
}

}  // namespace

harness::CaseResult judge(const FaultCase& c, const Observation& obs) {
  harness::CaseResult r;
  r.source = c.fault;
  if (!obs.unsupported.empty()) {
    r.verdict = Verdict::unsupported;
    r.message = obs.unsupported;
    return r;
  }
  if (!obs.broken.empty()) {
    r.verdict = Verdict::broken;
    r.message = obs.broken;  // its own instance: the subject's stays as it is
    return r;
  }
  switch (obs.outcome) {
    case Outcome::works:
    case Outcome::refused:
      r.verdict = Verdict::pass;
      if (obs.outcome == Outcome::refused) r.message = obs.detail + where(obs);
      break;
    case Outcome::not_run:
      r.verdict = Verdict::broken;
      r.message = obs.detail;
      break;
    default:
      r.verdict = Verdict::fail;
      r.message = obs.detail + where(obs);
  }
  if (!obs.left_behind.empty()) {
    const std::string left = fmt::format("left behind {}: {}", obs.left_behind.size() == 1 ? "one entry" : fmt::format("{} entries", obs.left_behind.size()),
                                         fmt::join(obs.left_behind, ", "));
    if (r.verdict == Verdict::pass) {
      r.verdict = Verdict::fail;
      r.message = left + (r.message.empty() ? "" : "; " + r.message);
    } else {
      r.message += "; " + left;
    }
  }
  return r;
}

json faults_row(const std::string& impl, const FaultCase& c, const Observation& obs, const harness::CaseResult& r,
                const std::string& repro) {
  json steps = json::array();
  for (const auto& s : obs.steps) steps.push_back({{"op", s.op}, {"what", s.what}, {"ok", s.ok}, {"ms", s.ms}, {"note", s.note}});
  json first = nullptr;
  if (obs.first_affected) {
    const Step& s = obs.steps.at(*obs.first_affected);
    first = {{"step", *obs.first_affected + 1}, {"op", s.op}, {"what", s.what}};
  }
  const bool not_run = !obs.unsupported.empty() || !obs.broken.empty();
  std::string detail = obs.detail;
  if (not_run) detail = obs.unsupported.empty() ? obs.broken : obs.unsupported;
  else if (obs.outcome == Outcome::works) detail = "every operation did what it should";
  return {{"impl", impl},
          {"case", c.id},
          {"fault", c.fault},
          {"verdict", std::string(harness::to_string(r.verdict))},
          {"outcome", not_run ? "not_run" : to_string(obs.outcome)},
          {"first_affected", first},
          {"detail", detail},
          {"error", obs.error},
          {"signal", obs.signal ? json(*obs.signal) : json(nullptr)},
          {"left_behind", obs.left_behind},
          {"steps", steps},
          {"repro", repro}};
}

}  // namespace shmcheck::faults
