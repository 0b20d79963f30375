// lifetime-* (stress/SCENARIOS.md): leaks over many cycles, objects whose creator is killed,
// a child that outlives its parent (posix/outlive.cpp), and a child started by exec.
#include "drivers/common/request.hpp"
#include "scenarios.hpp"
#include "workers.hpp"

#include <shmcheck/census.hpp>


namespace shmcheck::drivers::scenarios {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

json census_json(std::int64_t after) {
  const Census c = take_census();
  return {{"after", after}, {"fds", c.open_fds}, {"maps", c.shared_map_lines}, {"dev_shm", c.dev_shm}};
}

json cycles(const json& params, const Session& s) {
  const std::int64_t total = params.value("cycles", 10000), warmup = params.value("warmup", 1000);
  if (warmup < 1 || total <= warmup || total > 10000000) throw ProtocolError("lifetime-cycles: 1 <= warmup < cycles <= 1e7");
  const auto deadline = deadline_of(params, 120);
  const std::string h = scratch_handle("cycle");
  json create = {{"op", "create"}, {"shape", params.value("shape", "array")}, {"tc", "i"}, {"lock", params.value("lock", "own")}, {"as", h}};
  if (create["shape"] == "array") create["size"] = params.value("size", 16);
  json censuses = json::array();
  std::int64_t done = 0;
  for (; done < total && Clock::now() < deadline; ++done) {
    must(s, create);
    must(s, {{"op", "drop"}, {"obj", h}});
    if (done + 1 == warmup) censuses.push_back(census_json(done + 1));
  }
  censuses.push_back(census_json(done));
  return {{"census", censuses}, {"cycles", done}, {"finished", done == total}};
}

json create_many(const json& params, const Session& s) {
  const int n = params.value("objects", 100);
  if (n < 1 || n > 100000) throw ProtocolError("lifetime-create: objects in [1, 1e5]");
  for (int i = 0; i < n; ++i)
    must(s, {{"op", "create"}, {"shape", i % 2 ? "array" : "value"}, {"tc", "i"}, {"lock", "own"}, {"size", 8}, {"as", scratch_handle("kept")}});
  return {{"created", n}, {"pid", process_id()}};
}

json exec_attach(const json&, const Session& s) {
  if (!s.exec_read) throw Unsupported("this implementation cannot attach an exec'ed process to its objects");
  const json written = {7, 8, 9, -1};
  const std::string h = scratch_handle("exec");
  must(s, {{"op", "create"}, {"shape", "array"}, {"tc", "q"}, {"lock", "own"}, {"init", written}, {"as", h}});
  json read = s.exec_read(h);
  must(s, {{"op", "drop"}, {"obj", h}});
  return {{"start", "exec"}, {"read", read}, {"written", written}};
}

}  // namespace

json lifetime(const std::string& which, const json& params, const Session& s) {
  if (which == "lifetime-cycles") return cycles(params, s);
  if (which == "lifetime-create") return create_many(params, s);
  if (which == "lifetime-outlive") return lifetime_outlive(params, s);
  if (which == "lifetime-exec") return exec_attach(params, s);
  throw Unsupported("no stress scenario '" + which + "'");
}

}  // namespace shmcheck::drivers::scenarios
