// The property suite under GoogleTest: one test per implementation x property. A property
// must pass, or fail in a way the implementation's expectations file lists (CPython's known
// failures, with their reasons). A failure prints the shrunk counterexample (`shmcheck
// properties --impl SPEC --property ID --seed S` replays it). It sits with the command line
// because it opens implementations through its registry. Seed: SHMCHECK_SEED (default 1, so that CI runs are repeatable); cases:
// SHMCHECK_CASES (default 100).
#include "cli/registry.hpp"
#include "properties/runner.hpp"

#include <shmcheck/harness/expectations.hpp>

#include <gtest/gtest.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

namespace shmcheck::properties {
namespace {

struct Target {
  std::string name;  // for the test name
  std::string spec;  // implementation spec
};
void PrintTo(const Target& t, std::ostream* os) { *os << t.spec; }

// The Pythons CMake found: "name=path,name=path" (Debian's always, pyenv's where present).
std::vector<Target> targets() {
  std::vector<Target> t{{"ref", "ref"}, {"boost", "boost"}};
  const std::string pythons = SHMCHECK_PROPERTY_PYTHONS;
  for (std::size_t at = 0; at < pythons.size();) {
    std::size_t end = pythons.find(',', at);
    if (end == std::string::npos) end = pythons.size();
    const std::string entry = pythons.substr(at, end - at);
    if (const auto eq = entry.find('='); eq != std::string::npos)
      t.push_back({entry.substr(0, eq), "python:" + entry.substr(eq + 1)});
    at = end + 1;
  }
  return t;
}

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

// One implementation per spec for the whole test program (starting a CPython costs ~50 ms).
harness::Implementation& implementation(const std::string& spec) {
  static std::map<std::string, std::unique_ptr<harness::Implementation>> open;
  auto& slot = open[spec];
  if (!slot) slot = cli::open_implementation(spec);
  return *slot;
}

class PropertyTest : public testing::TestWithParam<std::tuple<Target, std::string>> {};

TEST_P(PropertyTest, HoldsOrIsAnExpectedFailure) {
  const auto& [target, id] = GetParam();
  harness::Implementation* impl = nullptr;
  try {
    impl = &implementation(target.spec);
  } catch (const std::exception& e) {
    FAIL() << target.spec << " could not be started: " << e.what();
  }
  const auto expectations_of = cli::expectations_for("", target.spec);
  const harness::Expectations expectations = expectations_of ? expectations_of(impl->describe()) : harness::Expectations{};
  const std::string& version = impl->describe().version;
  RunSettings settings;
  settings.seed = env_number("SHMCHECK_SEED", 1);
  settings.cases = static_cast<int>(env_number("SHMCHECK_CASES", 100));
  settings.dialect = expectations.dialect();
  const auto& all = all_properties();
  const auto property = std::find_if(all.begin(), all.end(), [&](const Property& p) { return p.id == id; });
  ASSERT_NE(property, all.end());
  const PropertyResult result = run_property({impl}, settings, *property);
  const auto& r = result.result;
  const auto* expected = expectations.find("property", id);
  RecordProperty("verdict", std::string(harness::to_string(r.verdict)));
  RecordProperty("seed", std::to_string(settings.seed));
  if (expected) {
    EXPECT_EQ(r.verdict, harness::Verdict::fail)
        << target.spec << " " << version << " is expected to fail " << id << " (" << expected->reason << ") but: " << harness::to_string(r.verdict)
        << " " << r.message;
    return;
  }
  EXPECT_EQ(r.verdict, harness::Verdict::pass) << target.spec << " " << version << ": " << harness::to_string(r.verdict) << ": " << r.message
                                               << "\ncounterexample:\n" << result.counterexample;
}

std::vector<std::string> property_ids() {
  std::vector<std::string> ids;
  for (const auto& p : all_properties()) ids.push_back(p.id);
  return ids;
}

std::string test_name(const testing::TestParamInfo<PropertyTest::ParamType>& info) {
  std::string id = std::get<1>(info.param);
  for (char& c : id)
    if (c == '-') c = '_';
  return std::get<0>(info.param).name + "__" + id;
}

INSTANTIATE_TEST_SUITE_P(Properties, PropertyTest, testing::Combine(testing::ValuesIn(targets()), testing::ValuesIn(property_ids())),
                         test_name);

}  // namespace
}  // namespace shmcheck::properties

namespace shmcheck::properties {
namespace {

// A driver that reports what it is told; it is never asked anything.
class Reporting : public harness::Implementation {
 public:
  explicit Reporting(std::map<char, std::pair<int, int>> sizes) {
    utsname u{};
    uname(&u);
    d_.spec = "reporting";
    d_.platform = {{"os", "linux"}, {"machine", u.machine}};
    d_.capabilities.typecodes = "lq";
    d_.capabilities.sizes = std::move(sizes);
  }
  const harness::Description& describe() const override { return d_; }
  std::vector<harness::Outcome> run(const nlohmann::json&) override { return {}; }

 private:
  harness::Description d_;
};

// A 32-bit program on this machine's 64-bit kernel says this machine's name: the model sizes
// its elements as it reports them, not as this machine's C compiler does.
TEST(GenerationCapabilities, ADriverOnThisMachineIsSizedAsItReports) {
  Reporting i686({{'l', {4, 4}}, {'q', {8, 4}}});
  const harness::Capabilities caps = generation_capabilities({&i686});
  EXPECT_EQ(caps.sizes.at('l'), (std::pair<int, int>{4, 4}));
  EXPECT_EQ(caps.sizes.at('q'), (std::pair<int, int>{8, 4}));
}

TEST(GenerationCapabilities, WhatItDoesNotReportIsThisMachines) {
  Reporting silent({});
  const harness::Capabilities caps = generation_capabilities({&silent});
  EXPECT_EQ(caps.sizes.at('l').first, static_cast<int>(sizeof(long)));
  EXPECT_EQ(caps.sizes.at('q').first, 8);
}

}  // namespace
}  // namespace shmcheck::properties
