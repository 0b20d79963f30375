// A driver's hello, read as the ExecImplementation constructor reads it
// (harness/src/posix/exec_implementation.cpp): the answer's outcome, its "protocol", then
// Description::from_hello; the constructor turns a Violation or a json::exception into the
// driver's `broken`. Then what the harness does with a description: label() (the console,
// results.json) and dump(). Anything else escaping, or a sanitizer report, is a finding.
// Seeds: real hellos (conformance.py --record of each driver).
#include <shmcheck/protocol/hello.hpp>
#include <shmcheck/protocol/item_codec.hpp>
#include <shmcheck/protocol/outcome.hpp>

#include "known.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

using nlohmann::json;
using namespace shmcheck::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const json resp = parse_message(std::string_view(reinterpret_cast<const char*>(data), size));
  if (resp.is_discarded() || !resp.is_object()) return 0;
  Outcome o;
  try {
    o = Outcome::from_json(resp);
  } catch (const Violation&) {
    return 0;  // request(): broken("answered outside the protocol: ...")
  } catch (const json::exception& e) {
    if (!shmcheck::fuzz::known_non_utf8(e)) throw;
    return 0;
  }
  if (!o.ok) return 0;  // broken("handshake refused: ...")
  const json& h = o.result;
  Description d;
  try {
    if (h.at("protocol") != 1) return 0;
    d = Description::from_hello("exec:fuzz", h);
  } catch (const json::exception&) {
    // The constructor's catch: broken("malformed hello: " + what + h.dump()...).
    try {
      (void)h.dump();
    } catch (const json::exception& e) {
      if (!shmcheck::fuzz::known_non_utf8(e)) throw;
    }
    return 0;
  }
  try {
    (void)d.label();
    (void)json{{"name", d.name}, {"version", d.version}, {"language", d.language}, {"module", d.module},
               {"platform", d.platform}}.dump();
  } catch (const json::exception& e) {
    if (!shmcheck::fuzz::known_non_utf8(e)) throw;
  }
  return 0;
}
