// main() of every shmcheck benchmark: Google Benchmark's, plus what the report needs to say
// where a number comes from (the JSON "context"): the compiler, shmcheck's version and git
// revision, and whether assertions were compiled in. The reports package reads these keys
// (reports/performance.py), so a benchmark file stands on its own.
#include <shmcheck/version.hpp>

#include <benchmark/benchmark.h>

#include <boost/version.hpp>

#include <string>

int main(int argc, char** argv) {
#ifdef __clang__
  benchmark::AddCustomContext("compiler", std::string("Clang ") + __clang_version__);
#else
  benchmark::AddCustomContext("compiler", std::string("GCC ") + __VERSION__);
#endif
  benchmark::AddCustomContext("shmcheck", shmcheck::version);
  benchmark::AddCustomContext("git", shmcheck::git_revision);
  benchmark::AddCustomContext("boost", std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000));
#ifdef NDEBUG
  benchmark::AddCustomContext("shmcheck_build", "release (NDEBUG)");
#else
  benchmark::AddCustomContext("shmcheck_build", "assertions on");
#endif
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
