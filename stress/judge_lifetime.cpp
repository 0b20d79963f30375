// lifetime: nothing grows over cycles, nothing is left when a creator dies, and a child
// reads what was written, however the object outlived whom.
#include "judge.hpp"

#include <shmcheck/protocol/item_codec.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace shmcheck::stress {

using harness::Verdict;
using nlohmann::json;

namespace {

Judgement failed(std::string why) { return {Verdict::fail, std::move(why), json::object()}; }

bool same_items(const json& a, const json& b) {
  if (!a.is_array() || !b.is_array() || a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!protocol::same_item(protocol::item_from_json(a[i]), protocol::item_from_json(b[i]))) return false;
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
    // Memory reclaimed late, by a collector (the driver collects before each census and says
    // what it counted before, and that was more): what the allocator keeps depends on when the
    // collector ran, so only a count that grew in every window since the warm-up is a leak, as
    // regrtest -R judges reference leaks. Where everything came back at once, any growth is one.
    const bool collected = census.size() >= 3 && std::any_of(census.begin(), census.end(), [](const json& x) {
      return x.contains("uncollected") && (x.at("uncollected").value("fds", std::int64_t{0}) > x.at("fds").get<std::int64_t>() ||
                                           x.at("uncollected").value("maps", std::int64_t{0}) > x.at("maps").get<std::int64_t>());
    });
    auto grew_in_every_window = [&](const char* key) {
      for (std::size_t w = 1; w < census.size(); ++w)
        if (census[w].at(key).get<std::int64_t>() <= census[w - 1].at(key).get<std::int64_t>()) return false;
      return true;
    };
    std::vector<std::string> grew;
    for (const char* key : {"fds", "maps"})
      if (b.at(key).get<std::int64_t>() > a.at(key).get<std::int64_t>() && (!collected || grew_in_every_window(key)))
        grew.push_back(fmt::format("{} {} -> {}", key, a.at(key).get<std::int64_t>(), b.at(key).get<std::int64_t>()));
    const auto before = a.at("dev_shm").get<std::set<std::string>>();
    for (const auto& name : b.at("dev_shm").get<std::set<std::string>>())
      if (!before.count(name)) grew.push_back("/dev/shm + " + name);
    if (!t.value("finished", false)) return failed(fmt::format("only {} cycles before the deadline", t.value("cycles", 0)));
    if (!grew.empty()) return {Verdict::fail, fmt::format("after {} more cycles: {}", b.at("after").get<std::int64_t>() - a.at("after").get<std::int64_t>(), json(grew).dump()), j.summary};
    const auto count = [](const json& x, const char* key) { return x.at(key).get<std::int64_t>(); };
    if (collected && (count(b, "fds") > count(a, "fds") || count(b, "maps") > count(a, "maps")))
      j.message = fmt::format("fds {} -> {}, mappings {} -> {} over {} windows after {} cycles, but not in every window: what the "
                              "allocator keeps between collections, not a leak",
                              count(a, "fds"), count(b, "fds"), count(a, "maps"), count(b, "maps"), census.size() - 1, count(a, "after"));
    else
      j.message = fmt::format("fds {}, mappings {}, /dev/shm {} entries, the same after {} and {} cycles", count(b, "fds"),
                              count(b, "maps"), b.at("dev_shm").size(), count(a, "after"), count(b, "after"));
    // A driver whose implementation reclaims by a collector counts before it too: memory that
    // came back only after the collection is reclaimed late, not leaked, and is said so.
    if (b.contains("uncollected")) {
      const json& u = b.at("uncollected");
      std::vector<std::string> late;
      for (const char* key : {"fds", "maps"})
        if (u.value(key, std::int64_t{0}) > b.at(key).get<std::int64_t>())
          late.push_back(fmt::format("{} {}", u.value(key, std::int64_t{0}) - b.at(key).get<std::int64_t>(), key == std::string("fds") ? "fds" : "mappings"));
      j.summary["reclaimed_late"] = !late.empty();
      if (!late.empty()) j.message += fmt::format("; {} came back only after a collection", fmt::join(late, " and "));
    }
    return j;
  }
  if (c.scenario == "lifetime-create") {
    j.summary = t;
    // Nothing created, nothing to be left: a pass would claim what was never tried.
    const std::int64_t asked = c.params.value("objects", std::int64_t{100}), created = t.value("created", std::int64_t{0});
    if (created != asked)
      return {Verdict::broken, fmt::format("the driver says it created {} objects, not the {} asked for "
                                          "(one that cannot make them answers the error)", created, asked), t};
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
