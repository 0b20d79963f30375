// Batched element operations per second through each kind of implementation: the reference
// in process, the reference as an exec: driver (the cost of the protocol), and CPython's
// driver under 3.8, 3.11 and 3.13 (from pyenv; one it lacks is a benchmark that reports an
// error, so that the smoke test fails instead of quietly measuring less). One iteration is one batch of 1000 element
// operations (500 set, 500 get) on a locked 'i' array: one round trip.
#include "registry.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

namespace {

using shmcheck::harness::Implementation;

Implementation& open_cached(const std::string& spec) {
  static std::map<std::string, std::unique_ptr<Implementation>> impls;
  auto& slot = impls[spec];
  if (!slot) {
    slot = shmcheck::drivers::open_implementation(spec, std::chrono::seconds(30));
    slot->run(nlohmann::json::array({{{"op", "create"}, {"shape", "array"}, {"tc", "i"}, {"size", 1000}, {"as", "bench"}}}));
  }
  return *slot;
}

nlohmann::json make_batch() {
  nlohmann::json ops = nlohmann::json::array();
  for (int i = 0; i < 500; ++i) {
    ops.push_back({{"op", "set"}, {"obj", "bench"}, {"index", i}, {"item", i * 7}});
    ops.push_back({{"op", "get"}, {"obj", "bench"}, {"index", 999 - i}});
  }
  return ops;
}

void BatchedElementOps(benchmark::State& state, const std::string& spec) {
  Implementation* impl = nullptr;
  try {
    impl = &open_cached(spec);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  const nlohmann::json batch = make_batch();
  for (auto _ : state) {
    auto outcomes = impl->run(batch);
    benchmark::DoNotOptimize(outcomes);
    if (outcomes.size() != batch.size() || !outcomes.back().ok) {
      state.SkipWithError("a batch came back wrong");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch.size()));
}

// A required interpreter that is missing: reported as an error, never left out silently.
void MissingInterpreter(benchmark::State& state, const std::string& why) { state.SkipWithError(why.c_str()); }

std::string pyenv_root() {
  const char* home = std::getenv("HOME");
  return std::getenv("PYENV_ROOT") ? std::getenv("PYENV_ROOT") : std::string(home ? home : "") + "/.pyenv";
}

std::string pyenv_python(const std::string& minor) {
  const std::string root = pyenv_root();
  std::error_code ec;
  std::string best;
  for (const auto& e : std::filesystem::directory_iterator(root + "/versions", ec))
    if (e.path().filename().string().rfind(minor + ".", 0) == 0) best = (e.path() / "bin/python").string();
  return best;
}

const int registered = [] {
  benchmark::RegisterBenchmark("BatchedElementOps/ref", BatchedElementOps, std::string("ref"))->UseRealTime();
  benchmark::RegisterBenchmark("BatchedElementOps/ref-exec", BatchedElementOps,
                               std::string("exec:") + SHMCHECK_CLI + " driver ref")
      ->UseRealTime();
  for (const char* minor : {"3.8", "3.11", "3.13"}) {
    const std::string py = pyenv_python(minor);
    const std::string name = std::string("BatchedElementOps/cpython-") + minor;
    if (py.empty())
      benchmark::RegisterBenchmark(name.c_str(), MissingInterpreter,
                                   "CPython " + std::string(minor) + " not found under " + pyenv_root() +
                                       "/versions: install it with pyenv");
    else
      benchmark::RegisterBenchmark(name.c_str(), BatchedElementOps, "cpython:" + py)->UseRealTime();
  }
  return 0;
}();

}  // namespace

// main() is bench_main.cpp's: it adds the build's context (compiler, git) to the JSON.
