// A driver's answer line, read as ExecImplementation::request() and ::run() read it
// (harness/src/posix/exec_implementation.cpp): parse_message (big ints kept), an object with
// the request's id, Outcome::from_json, and for a success validate_result against the
// request; a batch's outcomes each again. The harness turns a Violation into the driver's
// `broken`; any other exception, or a sanitizer report, is a finding.
//
// Input: the request (one line of JSON, what shmcheck sent), a newline, the answer. Seeds are
// real traffic (protocol/conformance.py --record). The request is fuzzed too: validate_result
// walks it (a batch's ops, a child's).
#include <shmcheck/protocol/item_codec.hpp>
#include <shmcheck/protocol/outcome.hpp>
#include <shmcheck/protocol/result_shapes.hpp>

#include "known.hpp"

#include <shmcheck/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

using nlohmann::json;
using namespace shmcheck::protocol;

namespace {

// What the suites do with a result once it passed validation: items are read with
// item_from_json (spec_suite.cpp), and everything ends in results.json (dump).
void use_result(const json& op, const json& result) {
  const std::string name = op.is_object() && op.contains("op") && op.at("op").is_string() ? op.at("op").get<std::string>() : "";
  try {
    if (name == "get" || name == "value" || name == "raw") (void)item_from_json(result);
    if (name == "get_slice")
      for (const json& i : result) (void)item_from_json(i);
  } catch (const shmcheck::ValueError&) {
    // An int past 128 bits: a valid item shmcheck cannot represent, judged as such.
  }
  (void)result.dump();
}

void check(const json& request, const json& resp) {
  Outcome o;
  try {
    o = Outcome::from_json(resp);
  } catch (const Violation&) {
    return;  // broken("answered outside the protocol: ...")
  }
  (void)o.to_json().dump();
  if (!o.ok) return;
  try {
    validate_result(request, o.result);
  } catch (const Violation&) {
    return;  // broken(...)
  }
  use_result(request, o.result);
  // run(): every outcome of a batch, each against its own op.
  if (request.is_object() && request.value("op", json()) == "batch" && o.result.is_array() && request.contains("ops") &&
      request.at("ops").is_array() && o.result.size() == request.at("ops").size())
    for (std::size_t i = 0; i < o.result.size(); ++i) {
      try {
        const Outcome each = Outcome::from_json(o.result[i]);
        if (each.ok) validate_result(request.at("ops")[i], each.result);
      } catch (const Violation&) {
        return;
      }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = text.find('\n');
  const std::string_view request_text = nl == std::string_view::npos ? std::string_view("{\"op\":\"get\"}") : text.substr(0, nl);
  const std::string_view answer = nl == std::string_view::npos ? text : text.substr(nl + 1);
  try {
    json request = parse_message(request_text);
    if (request.is_discarded()) request = json::object();
    const json resp = parse_message(answer);
    if (resp.is_discarded() || !resp.is_object()) return 0;  // broken("... not a JSON object")
    // The id check: an answer to another request is broken too; the comparison itself must hold.
    const json id = request.is_object() ? request.value("id", json()) : json();
    if (!resp.contains("id") || resp.at("id") != id) (void)resp.value("id", json()).dump();
    check(request, resp);
  } catch (const json::exception& e) {
    if (!shmcheck::fuzz::known_non_utf8(e)) throw;
  }
  return 0;
}
