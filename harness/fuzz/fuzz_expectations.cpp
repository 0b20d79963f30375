// An expectations file (expectations.hpp), read as shmcheck reads one: Expectations::load of
// a path. The input is written to a file in a folder of its own, and to `other.json` beside it,
// so that an "include" of either resolves (and one that includes itself is seen). Then what a
// run does with it: bound_to a description, find, dialect. ValueError is how load refuses a
// malformed file; anything else escaping, or a sanitizer report, is a finding.
// Seeds: drivers/*/expectations*.json.
#include <shmcheck/harness/expectations.hpp>

#include <shmcheck/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

using namespace shmcheck;

namespace {

const std::filesystem::path& folder() {
  // One folder for the run (mkdtemp), removed at exit.
  static const std::filesystem::path dir = [] {
    std::string templ = (std::filesystem::temp_directory_path() / "shmcheck-fuzz-expect-XXXXXX").string();
    if (!mkdtemp(templ.data())) std::abort();
    std::atexit([] { std::error_code ec; std::filesystem::remove_all(folder(), ec); });
    return std::filesystem::path(templ);
  }();
  return dir;
}

void write(const std::filesystem::path& p, const std::uint8_t* data, std::size_t size) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto top = folder() / "top.json";
  write(top, data, size);
  write(folder() / "other.json", data, size);
  harness::Expectations e;
  try {
    e = harness::Expectations::load(top.string());
  } catch (const ValueError&) {
    return 0;
  }
  harness::Description d;
  d.spec = "python:/usr/bin/python3";
  d.name = e.implementation().empty() ? "cpython" : e.implementation();
  d.version = "3.11.2";
  d.module = {{"name", "multiprocessing"}, {"version", "3.11.2"}};
  for (const char* method : {"fork", "spawn"}) {
    const harness::Expectations bound = e.bound_to(d, method);
    (void)bound.find("spec", "matrix-c-get");
    (void)bound.find("property", "");
    // Text that is not UTF-8 cannot be in a file nlohmann parsed: a dump that throws is a finding.
    (void)bound.dialect().dump();
  }
  return 0;
}
