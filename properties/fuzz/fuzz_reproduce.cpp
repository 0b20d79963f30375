// The property suite's --reproduce string: parse_reproduce (what the command line checks it
// with, and reads it as the runner does), then the replay of every case it names that is one
// of ours: RapidCheck regenerates the case from the string's random state and size and walks
// its shrink path through our generators, and the model (the oracle) predicts each operation.
// Nothing runs on an implementation: what is fuzzed is reading the string and replaying it.
// ValueError (bad usage) and the model's Unpredictable (a discarded case) are expected;
// anything else escaping, a hang, or a sanitizer report is a finding.
// Seeds: reproduce strings of real failures (`shmcheck properties --impl mutant:...`).
#include "properties/model.hpp"
#include "properties/property.hpp"
#include "properties/reproduce.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/typecode.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

using namespace shmcheck;
using namespace shmcheck::properties;

namespace {

// A listener that says nothing: libFuzzer's output is the report.
struct Quiet : rc::detail::TestListener {
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
};

// The reference's capabilities, this platform's sizes: what a run on `ref` generates with.
harness::Capabilities ref_capabilities() {
  harness::Capabilities caps;
  for (const Typecode& tc : typecodes()) {
    caps.typecodes += tc.code;
    caps.sizes[tc.code] = {static_cast<int>(tc.size), static_cast<int>(tc.align)};
  }
  caps.robust_lock = caps.atomic_ops = caps.child = caps.async_child = true;
  caps.start_methods = {"fork"};
  return caps;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const harness::Capabilities caps = ref_capabilities();
  std::unordered_map<std::string, rc::detail::Reproduce> map;
  try {
    map = parse_reproduce(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const ValueError&) {
    return 0;
  }
  for (const Property& p : all_properties()) {
    if (!map.count(p.id)) continue;
    const rc::Gen<Case> gen = p.generator(caps);
    rc::detail::TestMetadata metadata;
    metadata.id = p.id;
    rc::detail::TestParams params;
    params.maxSuccess = 1;
    Quiet listener;
    (void)rc::detail::checkTestable(
        [&] {
          const Case c = *gen;
          Model model(caps);
          try {
            for (const auto& op : c.ops) (void)model.apply(op);
          } catch (const Unpredictable&) {
            RC_DISCARD("a case the model cannot judge");
          }
        },
        metadata, params, listener, map);
  }
  return 0;
}
