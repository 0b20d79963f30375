// shmcheck's audit probe: prints one JSON object on stdout with what this ABI and this OS
// say about the sharedctypes typecodes and shared memory, and what two processes sharing a
// block observe (counter, torn reads, 16-byte CAS). It is built natively by CMake and
// cross-built by `shmcheck audit` for every executed ABI; it observes, shmcheck judges.
//
//   probe [--increments N] [--locked-increments N] [--seconds S] [--no-scenarios]
//
// Exit status: 0 with the JSON printed (failed facts and scenarios are in it), 2 bad usage.
#include "table.hpp"

#if defined(_WIN32)
#include "platform_windows.hpp"
#else
#include "platform_posix.hpp"
#endif

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  int child_status = 0;
  // On Windows a worker is this program started again with --worker: it runs and exits here.
  if (probe::platform_child_main(argc, argv, child_status)) return child_status;

  probe::Settings settings;
  bool scenarios = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--increments" && has_value) settings.increments = std::atoll(argv[++i]);
    else if (a == "--locked-increments" && has_value) settings.locked_increments = std::atoll(argv[++i]);
    else if (a == "--seconds" && has_value) settings.seconds = std::atof(argv[++i]);
    else if (a == "--no-scenarios") scenarios = false;
    else {
      std::fprintf(stderr, "usage: %s [--increments N] [--locked-increments N] [--seconds S] [--no-scenarios]\n", argv[0]);
      return 2;
    }
  }
  if (settings.increments < 1 || settings.locked_increments < 1 || settings.seconds <= 0) {
    std::fprintf(stderr, "probe: counts and seconds must be positive\n");
    return 2;
  }

  probe::Json j, why;
  j.open();
  why.open();
  j.key("probe").str("shmcheck-audit-probe/1");
  j.key("compiler").str(probe::compiler());
  probe::typecodes(j);
  j.key("facts").open();
  probe::compile_time_facts(j);
  const std::string init_error = probe::platform_init();
  probe::platform_facts(j, why);
  j.close();
  j.key("scenarios").open();
  if (!init_error.empty()) why.key("scenarios").str(init_error);
  else if (scenarios) {
    probe::counter_scenario(j, settings);
    probe::torn_scenario(j, settings);
    probe::cas16_scenario(j, settings);
  }
  j.close();
  why.close();
  j.key("why").embed(why);  // why each false fact is false, in the OS's words
  j.close();
  std::printf("%s\n", j.text().c_str());
  return 0;
}
