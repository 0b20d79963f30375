// Implementations side by side, through the driver protocol (what shmcheck itself uses):
// the reference in process, the reference as an exec: driver (the cost of the protocol),
// Boost.Interprocess, and CPython's driver under 3.8, 3.11 and 3.13 (from pyenv; one it
// lacks is a benchmark that reports an error, so that the smoke test fails instead of
// quietly measuring less).
//
// BatchedElementOps/IMPL: one iteration is one batch of 1000 element operations (500 set,
// 500 get) on a locked 'i' array: one round trip.
//
// Ratio/held-increments-ref-vs-IMPL/procs:P: the same, the reference's rounds and IMPL's
// interleaved (bench/paired.hpp): the ratio the report quotes.
//
// HeldIncrements/IMPL/procs:P: increments per second in `held` mode with each
// implementation's own workers: the protocol's `stress` op, scenario `counter`
// (stress/SCENARIOS.md), P processes doing held_ops() increments each on a locked Value. The
// driver times its workers from the start barrier to the last one done (the observation's
// `seconds`), so process start-up and the protocol round trip are not counted: manual time
// is that, and the counter increments_per_second is `expected` / `seconds`.
//
// The implementations are opened the way the command line's registry opens them (the harness's
// adapters around the reference's session, the exec: client around the driver programs), from
// the build tree's paths.
#include "drivers/ref/ref_session.hpp"
#include "paired.hpp"
#include "support.hpp"

#include <shmcheck/harness/exec_implementation.hpp>
#include <shmcheck/harness/in_process.hpp>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace {

using shmcheck::harness::Implementation;

// "ref" (in process), "ref-exec", "boost" or "cpython:PYTHON".
std::unique_ptr<Implementation> open(const std::string& spec) {
  using shmcheck::harness::ExecImplementation;
  constexpr auto timeout = std::chrono::seconds(30);
  if (spec == "ref") {
    auto session = std::make_shared<shmcheck::drivers::RefSession>();
    return std::make_unique<shmcheck::harness::InProcessImplementation>(spec, [session](const nlohmann::json& op) { return session->perform(op); });
  }
  if (spec == "ref-exec") return std::make_unique<ExecImplementation>(spec, std::vector<std::string>{SHMCHECK_CLI, "driver", "ref"}, timeout);
  if (spec == "boost") return std::make_unique<ExecImplementation>(spec, std::vector<std::string>{SHMCHECK_BOOST_DRIVER}, timeout);
  const std::string python = spec.substr(spec.find(':') + 1);
  return std::make_unique<ExecImplementation>(spec, std::vector<std::string>{python, SHMCHECK_CPYTHON_DRIVER, "--start-method", "fork"},
                                              timeout);
}

Implementation& open_cached(const std::string& spec) {
  static std::map<std::string, std::unique_ptr<Implementation>> impls;
  auto& slot = impls[spec];
  if (!slot) {
    slot = open(spec);
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

// Increments per worker and request: a round then lasts some tens of milliseconds in each
// implementation. The driver's `seconds` runs from the start barrier to the last worker reaped
// (polled every 0.5 ms), so a round must be long against that: 20,000 increments are 20 ms in
// CPython but under 2 ms in C++ workers (12M/s), where polling and exit were a third of the
// time and the ratio moved by 20 % between two ci/bench runs. The reference's C++ workers
// get 10 times more; Boost's do not: at 200,000 its 2-process round took 1.1 s, one pair per
// repetition, and that ratio moved by 12 % between two runs.
constexpr std::int64_t kHeldOps = 20000;
std::int64_t held_ops(const std::string& spec) {
  const bool reference_workers = spec == "ref" || spec == "ref-exec";
  return reference_workers ? 10 * kHeldOps : kHeldOps;
}

// The `stress` request of one held-increments round of `spec`'s workers.
nlohmann::json held_request(const std::string& spec, std::int64_t procs) {
  return {{"op", "stress"},
          {"scenario", "counter"},
          {"params", {{"shape", "value"}, {"mode", "held"}, {"procs", procs}, {"ops", held_ops(spec)}, {"timeout", 120}}}};
}

void HeldIncrements(benchmark::State& state, const std::string& spec) {
  const std::int64_t procs = state.range(0);
  const nlohmann::json request = held_request(spec, procs);
  double increments = 0;
  try {
    Implementation& impl = open_cached(spec);
    impl.set_timeout(std::chrono::seconds(180));  // a stress request outlasts an ordinary one
    for (auto _ : state) {
      const auto o = impl.run_one(request);
      if (!o.ok) {
        state.SkipWithError((o.kind + ": " + o.message).c_str());
        break;
      }
      // Not a test, but a run cut off at its deadline, or one that lost updates in held
      // mode, did not measure what the name says.
      if (!o.result.value("finished", false) || o.result.at("observed") != o.result.at("expected")) {
        state.SkipWithError(("the counter scenario did not finish correctly: " + o.result.dump()).substr(0, 300).c_str());
        break;
      }
      state.SetIterationTime(o.result.at("seconds").get<double>());
      increments += o.result.at("expected").get<double>();
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
  state.counters["increments_per_second"] = benchmark::Counter(increments, benchmark::Counter::kIsRate);
}

// One held-increments round of `spec` through its own workers: (increments, their seconds).
shmcheck::bench::Measured held_round(const std::string& spec, std::int64_t procs) {
  const nlohmann::json request = held_request(spec, procs);
  Implementation& impl = open_cached(spec);
  impl.set_timeout(std::chrono::seconds(180));
  const auto o = impl.run_one(request);
  if (!o.ok) throw std::runtime_error(spec + ": " + o.kind + ": " + o.message);
  if (!o.result.value("finished", false) || o.result.at("observed") != o.result.at("expected"))
    throw std::runtime_error(("the counter scenario did not finish correctly: " + o.result.dump()).substr(0, 300));
  return {o.result.at("expected").get<double>(), o.result.at("seconds").get<double>()};
}

// Ratio/held-increments-ref-vs-IMPL/procs:P: the reference's and IMPL's rounds interleaved
// (bench/paired.hpp), so that the ratio does not move with what else the machine did.
// With 2 processes, a probe partner measures where the machine's two CPUs are around each
// pair (bench/paired.hpp says why); the workers themselves run where the scheduler puts them.
void HeldIncrementsPaired(benchmark::State& state, const std::string& spec) {
  const std::int64_t procs = state.range(0);
  std::optional<shmcheck::bench::Partner> probe;
  try {
    if (procs > 1) probe.emplace([](std::uint64_t) {}, shmcheck::bench::Partner::Placement::probe);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  shmcheck::bench::paired_measured(state, [&] { return held_round("ref", procs); }, [&] { return held_round(spec, procs); },
                                   probe ? probe->round_trip_probe() : nullptr);
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

void held(const std::string& label, const std::string& spec) {
  benchmark::RegisterBenchmark(("HeldIncrements/" + label).c_str(), HeldIncrements, spec)
      ->ArgName("procs")->Arg(1)->Arg(2)->UseManualTime();
  if (label != "ref")
    benchmark::RegisterBenchmark(("Ratio/held-increments-ref-vs-" + label).c_str(), HeldIncrementsPaired, spec)
        ->ArgName("procs")->Arg(1)->Arg(2)->UseRealTime();
}

const int registered = [] {
  benchmark::RegisterBenchmark("BatchedElementOps/ref", BatchedElementOps, std::string("ref"))->UseRealTime();
  benchmark::RegisterBenchmark("BatchedElementOps/ref-exec", BatchedElementOps, std::string("ref-exec"))->UseRealTime();
  held("ref", "ref");
  held("boost", "boost");
  for (const char* minor : {"3.8", "3.11", "3.13"}) {
    const std::string py = pyenv_python(minor);
    const std::string label = std::string("cpython-") + minor;
    if (py.empty()) {
      const std::string why = "CPython " + std::string(minor) + " not found under " + pyenv_root() + "/versions: install it with pyenv";
      for (const char* family : {"BatchedElementOps/", "HeldIncrements/", "Ratio/held-increments-ref-vs-"})
        benchmark::RegisterBenchmark((family + label).c_str(), MissingInterpreter, why);
    } else {
      benchmark::RegisterBenchmark(("BatchedElementOps/" + label).c_str(), BatchedElementOps, "cpython:" + py)->UseRealTime();
      held(label, "cpython:" + py);
    }
  }
  return 0;
}();

}  // namespace

// main() is bench_main.cpp's: it adds the build's context (compiler, git) to the JSON.
