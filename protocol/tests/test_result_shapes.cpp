// Result shapes at the protocol boundary: what each op may answer (protocol/PROTOCOL.md §4),
// through batch and child outcomes too. A wrong shape is a Violation (the driver is broken),
// never a value to judge.
#include <shmcheck/protocol/result_shapes.hpp>
#include <shmcheck/protocol/outcome.hpp>

#include <gtest/gtest.h>

using nlohmann::json;
using shmcheck::protocol::Violation;
using shmcheck::protocol::validate_result;

namespace {

json op(const char* name) { return {{"op", name}, {"obj", "a"}}; }

std::string why(const json& request, const json& result) {
  try {
    validate_result(request, result);
  } catch (const Violation& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ValidateResult, RightShapesPass) {
  for (const auto& [name, result] : std::vector<std::pair<const char*, json>>{
           {"get", 5}, {"get", {{"int", "-340282366920938463463374607431768211456"}}}, {"value", {{"bytes", "\u00ff"}}},
           {"raw", {{"float", "nan"}}}, {"get", nullptr}, {"get_slice", json::array({1, {{"str", "x"}}, 2.5})},
           {"len", 3}, {"nbytes", 12}, {"acquire", true}, {"wait_for", false}, {"create", "h1"}, {"copy", "c"},
           {"set", nullptr}, {"drop", nullptr}, {"stress", json::object()}, {"no-such-op", "anything"}})
    EXPECT_EQ(why(op(name), result), "") << name << " " << result.dump();
}

TEST(ValidateResult, WrongShapesAreBroken) {
  for (const auto& [name, result] : std::vector<std::pair<const char*, json>>{
           {"value", {{"weird", {1, 2}}}}, {"get", {{"int", "12x"}}}, {"get", {{"bytes", "\u0100"}}}, {"get", json::array()},
           {"len", "three"}, {"len", 3.0}, {"get_slice", {{"int", "3"}}}, {"get_slice", json::array({{{"weird", 1}}})},
           {"acquire", 1}, {"create", 7}, {"create", ""}, {"set", 0}, {"stress", json::array()}}) {
    const std::string w = why(op(name), result);
    EXPECT_NE(w.find("answers with the wrong schema: '" + std::string(name) + "'"), std::string::npos)
        << name << " " << result.dump() << ": " << w;
  }
}

TEST(ValidateResult, BatchAndChildOutcomesAreCheckedAgainstTheirOwnRequests) {
  const json ops = json::array({op("len"), op("acquire")});
  const json batch = {{"op", "batch"}, {"ops", ops}};
  EXPECT_EQ(why(batch, json::array({{{"ok", true}, {"result", 3}}, {{"ok", true}, {"result", true}}})), "");
  EXPECT_NE(why(batch, json::array({{{"ok", true}, {"result", 3}}, {{"ok", true}, {"result", "yes"}}})).find("'acquire' answered"),
            std::string::npos);
  EXPECT_NE(why(batch, json::array({{{"ok", true}, {"result", 3}}})).find("of 2 requests answered 1"), std::string::npos);
  const json error = {{"ok", false}, {"error", {{"kind", "index_error"}, {"message", "m"}}}};
  EXPECT_EQ(why(batch, json::array({error, error})), "");  // errors are observations

  const json child = {{"op", "child"}, {"ops", ops}};
  const json fine = {{"outcomes", json::array({{{"ok", true}, {"result", 3}}, error})}, {"exit", {{"code", 0}}}};
  EXPECT_EQ(why(child, fine), "");
  json bad = fine;
  bad["outcomes"][0]["result"] = json::array();
  EXPECT_NE(why(child, bad).find("'len' answered []"), std::string::npos);
  EXPECT_NE(why(child, {{"outcomes", fine["outcomes"]}, {"exit", {{"status", 0}}}}).find("'child'"), std::string::npos);
  EXPECT_NE(why(child, {{"exit", {{"signal", 9}}}}).find("'child'"), std::string::npos);
  // child_wait: the requests were in child_start; the outcomes are still checked as outcomes.
  EXPECT_EQ(why(op("child_wait"), fine), "");
  EXPECT_THROW(validate_result(op("child_wait"), {{"outcomes", json::array({{{"fine", "thanks"}}})}, {"exit", {{"code", 0}}}}), Violation);
}

// A stress answer is judged field by field; one without a field the judge needs used to be
// judged with a default in its place ({} failed torn cases, and passed lifetime-create).
TEST(ValidateResult, AStressObservationNeedsItsRequiredFieldsOfTheirTypes) {
  const auto stress = [](const char* scenario) { return json{{"op", "stress"}, {"scenario", scenario}, {"params", json::object()}}; };
  EXPECT_EQ(why(stress("torn"), {{"reads", 10}, {"torn", 0}, {"finished", true}}), "");
  EXPECT_NE(why(stress("torn"), json::object()).find("'stress' answered a 'torn' observation that lacks 'finished', 'reads', 'torn' (required)"),
            std::string::npos)
      << why(stress("torn"), json::object());
  EXPECT_NE(why(stress("lifetime-create"), json::object()).find("lacks 'created' (required)"), std::string::npos);
  EXPECT_NE(why(stress("torn"), {{"reads", "10"}, {"torn", 0}, {"finished", true}}).find("observation whose 'reads' is \"10\", not integer"),
            std::string::npos)
      << why(stress("torn"), {{"reads", "10"}, {"torn", 0}, {"finished", true}});
  // Types from the schema: int items, items, a type or null; extra fields are the driver's own.
  EXPECT_EQ(why(stress("counter"), {{"expected", {{"int", "20000"}}}, {"observed", 20000}, {"mine", "x"}}), "");
  EXPECT_NE(why(stress("counter"), {{"expected", 1.5}, {"observed", 1}}).find("'expected' is 1.5, not an int item"), std::string::npos);
  EXPECT_EQ(why(stress("owner-death"), {{"waiters", json::array()}, {"recoveries", nullptr}}), "");
  EXPECT_NE(why(stress("ring"), json::array()).find("'stress' answered [] (expected an object)"), std::string::npos);
}
