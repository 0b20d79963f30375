// torn, ring, owner-death and lifetime: what each scenario's observations must show.
#include "judge.hpp"

#include "item_json.hpp"

#include <fmt/format.h>

#include <map>
#include <set>

namespace shmcheck::stress {

using harness::Verdict;
using nlohmann::json;

namespace {

Judgement failed(std::string why) { return {Verdict::fail, std::move(why), json::object()}; }

bool same_items(const json& a, const json& b) {
  if (!a.is_array() || !b.is_array() || a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(harness::item_from_json(a[i]) == harness::item_from_json(b[i]))) return false;
  return true;
}

}  // namespace

Judgement judge_torn(const StressCase& c, const std::vector<json>& trials) {
  std::int64_t reads = 0, torn = 0;
  json examples = json::array();
  for (std::size_t k = 0; k < trials.size(); ++k) {
    const json& t = trials[k];
    for (const auto& w : t.value("workers", json::array()))
      if (w.value("exit", 0) != 0) return failed(fmt::format("trial {}: a worker ended with status {}", k + 1, w.value("exit", 0)));
    if (!t.value("finished", false)) return failed(fmt::format("trial {} did not finish before its deadline", k + 1));
    reads += t.value("reads", std::int64_t{0});
    torn += t.value("torn", std::int64_t{0});
    for (const auto& e : t.value("examples", json::array()))
      if (examples.size() < 3) examples.push_back(e);
  }
  Judgement j;
  j.summary = {{"reads", reads}, {"torn_reads", torn}, {"trials", trials.size()}, {"examples", examples}};
  const bool control = !c.params.value("locked", true) && c.params.value("target", "") == "slice";
  const std::string what = c.params.value("locked", true) ? "locked" : "unlocked";
  if (reads == 0) {
    j.verdict = Verdict::inconclusive;
    j.message = "no read overlapped the writes: nothing was checked";
  } else if (control) {
    j.verdict = torn ? Verdict::pass : Verdict::inconclusive;
    j.message = torn ? fmt::format("{} of {} unlocked slice reads were torn (as expected: a slice copy is not atomic)", torn, reads)
                     : fmt::format("no torn read in {} unlocked slice reads: the readers may not have overlapped a write", reads);
  } else if (torn) {
    j.verdict = Verdict::fail;
    j.message = fmt::format("{} of {} {} reads were torn, e.g. {}", torn, reads, what, examples.empty() ? "?" : examples[0].dump().substr(0, 200));
  } else {
    j.message = fmt::format("{} {} reads, none torn", reads, what);
  }
  return j;
}

Judgement judge_ring(const StressCase& c, const std::vector<json>& trials) {
  const bool control = c.params.value("variant", "") == "mpmc-tutorial";
  const std::int64_t items = c.params.value("items", std::int64_t{0});
  std::int64_t lost = 0, duplicated = 0, reordered = 0, unfinished = 0, consumed_total = 0;
  for (const json& t : trials) {
    std::map<std::int64_t, int> seen;
    for (const auto& list : t.at("consumed")) {
      std::map<std::int64_t, std::int64_t> last;  // producer -> last seq this consumer took
      for (const auto& v : list) {
        const std::int64_t item = v.get<std::int64_t>(), producer = item / 1000000, seq = item % 1000000;
        ++seen[item];
        ++consumed_total;
        if (last.count(producer) && seq <= last[producer]) ++reordered;
        last[producer] = seq;
      }
    }
    const auto& produced = t.at("produced");
    for (std::size_t p = 0; p < produced.size(); ++p)
      for (std::int64_t seq = 0; seq < produced[p].get<std::int64_t>(); ++seq)
        if (!seen.count(static_cast<std::int64_t>(p) * 1000000 + seq)) ++lost;
    for (const auto& [item, n] : seen) duplicated += n - 1;
    unfinished += !t.value("finished", false);
  }
  Judgement j;
  j.summary = {{"trials", trials.size()}, {"lost", lost}, {"duplicated", duplicated}, {"reordered", reordered},
               {"unfinished", unfinished}, {"consumed", consumed_total}, {"items_per_producer", items}};
  const bool anomaly = lost || duplicated || reordered || unfinished;
  const std::string counts = fmt::format("{} lost, {} duplicated, {} out of order, {} of {} trials unfinished", lost, duplicated,
                                         reordered, unfinished, trials.size());
  if (control) {
    j.verdict = anomaly ? Verdict::pass : Verdict::inconclusive;
    j.message = anomaly ? "the tutorial's code is unsafe with several producers and consumers: " + counts
                        : "no anomaly seen in the tutorial's multi-producer code this time: " + counts;
  } else {
    j.verdict = anomaly ? Verdict::fail : Verdict::pass;
    j.message = counts;
  }
  return j;
}

Judgement judge_owner_death(const StressCase&, const std::vector<json>& trials) {
  Judgement j;
  int acquired = 0, waiters = 0;
  double slowest = 0;
  json recoveries = json::array();
  for (std::size_t k = 0; k < trials.size(); ++k) {
    const json& t = trials[k];
    if (!t.value("killed", false)) return {Verdict::broken, fmt::format("trial {}: the lock's owner never said it held the lock", k + 1), {}};
    recoveries.push_back(t.value("recoveries", json()));
    for (const auto& w : t.at("waiters")) {
      ++waiters;
      acquired += w.value("acquired", false);
      if (w.contains("seconds") && w.at("seconds").is_number()) slowest = std::max(slowest, w.at("seconds").get<double>());
    }
  }
  j.summary = {{"trials", trials.size()}, {"waiters", waiters}, {"acquired", acquired}, {"slowest_seconds", slowest}, {"recoveries", recoveries}};
  const double bound = trials.empty() ? 0 : trials[0].value("bound", 0.0);
  if (acquired < waiters) {
    j.verdict = Verdict::fail;
    j.message = fmt::format("lock not recovered after owner death: {} of {} waiters got it within {} s", acquired, waiters, bound);
  } else {
    j.message = fmt::format("every waiter got the lock, the slowest after {:.3f} s; recoveries reported: {}", slowest, recoveries.dump());
  }
  return j;
}

Judgement judge_lifetime(const StressCase& c, const std::vector<json>& trials) {
  if (trials.empty()) return {Verdict::broken, "no observation", {}};
  const json& t = trials[0];
  Judgement j;
  if (c.scenario == "lifetime-cycles") {
    const auto& census = t.at("census");
    const json& a = census.front();
    const json& b = census.back();
    j.summary = {{"census", census}, {"cycles", t.value("cycles", 0)}};
    std::vector<std::string> grew;
    for (const char* key : {"fds", "maps"})
      if (b.at(key).get<std::int64_t>() > a.at(key).get<std::int64_t>())
        grew.push_back(fmt::format("{} {} -> {}", key, a.at(key).get<std::int64_t>(), b.at(key).get<std::int64_t>()));
    const auto before = a.at("dev_shm").get<std::set<std::string>>();
    for (const auto& name : b.at("dev_shm").get<std::set<std::string>>())
      if (!before.count(name)) grew.push_back("/dev/shm + " + name);
    if (!t.value("finished", false)) return failed(fmt::format("only {} cycles before the deadline", t.value("cycles", 0)));
    if (!grew.empty()) return {Verdict::fail, fmt::format("after {} more cycles: {}", b.at("after").get<std::int64_t>() - a.at("after").get<std::int64_t>(), json(grew).dump()), j.summary};
    j.message = fmt::format("fds {}, mappings {}, /dev/shm {} entries, the same after {} and {} cycles", b.at("fds").get<int>(),
                            b.at("maps").get<int>(), b.at("dev_shm").size(), a.at("after").get<std::int64_t>(), b.at("after").get<std::int64_t>());
    return j;
  }
  if (c.scenario == "lifetime-create") {
    j.summary = t;
    const auto& left = t.at("left");
    if (!left.empty()) return {Verdict::fail, "left behind after the creator's process group was SIGKILLed: " + left.dump(), t};
    j.message = fmt::format("{} objects created, the process group SIGKILLed, nothing left behind", t.value("created", 0));
    return j;
  }
  // outlive, exec, aliasing: the reader saw what was written.
  j.summary = t;
  if (c.scenario == "lifetime-outlive" && !t.value("finished", false))
    return failed("the child that outlived its creator did not report within the deadline");
  if (t.contains("child_error"))
    return failed(fmt::format("the child could not read what it was given: {}", t.at("child_error").dump()));
  if (!same_items(t.at("read"), t.at("written")))
    return failed(fmt::format("the child read {}, not {}", t.at("read").dump(), t.at("written").dump()));
  j.message = "the child read " + t.at("read").dump();
  return j;
}

Judgement judge(const StressCase& c, const std::vector<json>& trials) {
  if (c.scenario == "counter") return judge_counter(c, trials);
  if (c.scenario == "torn") return judge_torn(c, trials);
  if (c.scenario == "ring") return judge_ring(c, trials);
  if (c.scenario == "owner-death") return judge_owner_death(c, trials);
  return judge_lifetime(c, trials);
}

}  // namespace shmcheck::stress
