// lifetime: nothing grows over cycles, nothing is left when a creator dies, and a child
// reads what was written, however the object outlived whom.
#include "judge.hpp"

#include <shmcheck/protocol/item_codec.hpp>

#include <fmt/format.h>

#include <set>

namespace shmcheck::stress {

using harness::Verdict;
using nlohmann::json;

namespace {

Judgement failed(std::string why) { return {Verdict::fail, std::move(why), json::object()}; }

bool same_items(const json& a, const json& b) {
  if (!a.is_array() || !b.is_array() || a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(protocol::item_from_json(a[i]) == protocol::item_from_json(b[i]))) return false;
  return true;
}

}  // namespace

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

}  // namespace shmcheck::stress
