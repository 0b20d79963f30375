// The judging side of the audit on made-up observations: the expected tables (data) pass
// what they describe and fail what they do not, the counter fails only for a held lock or
// atomic that lost updates, and the finding rules word deviations (a generic wording for
// the ones no rule knows).
#include "audit/src/findings.hpp"
#include "audit/src/judge.hpp"

#include <gtest/gtest.h>

using namespace shmcheck;
using namespace shmcheck::audit;
using harness::Verdict;

namespace {

const AuditData& data() {
  static const AuditData d = load_data(SHMCHECK_AUDIT_DIR);
  return d;
}

// An observation that is exactly what `abi`'s expected table says.
AbiRun as_expected(const std::string& abi) {
  AbiRun run;
  run.config = data().find(abi);
  run.name = abi;
  run.how = run.config->how;
  nlohmann::json typecodes = expected_typecodes(*run.config, data());
  for (auto& [code, t] : typecodes.items()) {
    t["ctype"] = code;
    t["lock_free"] = true;
  }
  run.obs.probe = {{"typecodes", typecodes}, {"facts", expected_facts(*run.config, data())}};
  run.obs.probe["facts"]["robust_mutex"] = true;
  run.obs.probe["facts"]["robust_mutex_created"] = true;
  return run;
}

nlohmann::json counter(long long locked, long long atomic, long long raw) {
  return {{"locked", {{"expected", 100}, {"observed", locked}}},
          {"atomic", {{"expected", 100}, {"observed", atomic}}},
          {"raw", {{"expected", 100}, {"observed", raw}}}};
}

const nlohmann::json* find_rule(const std::vector<nlohmann::json>& findings, const std::string& rule) {
  for (const auto& f : findings)
    if (f.value("rule", "") == rule) return &f;
  return nullptr;
}

}  // namespace

TEST(AuditData, EveryAbiHasAModelAndMeetsCPythonsMinimums) {
  EXPECT_GE(data().abis.size(), 20u);
  int executed = 0, probed = 0;
  for (const auto& a : data().abis) {
    (a.how == "executed" ? executed : probed)++;
    const nlohmann::json t = expected_typecodes(a, data());
    for (const auto& [code, minimum] : data().cpython_minimum) EXPECT_GE(t[std::string(1, code)]["size"], minimum) << a.abi << " " << code;
  }
  EXPECT_GE(executed, 8);
  EXPECT_GE(probed, 9);
  for (const auto& rule : data().findings.at("rules")) {
    EXPECT_TRUE(rule.contains("id") && rule.contains("severity") && rule.contains("text")) << rule.dump();
    EXPECT_NE(rule.at("text").get<std::string>().find("{abis}"), std::string::npos) << rule.dump();
  }
}

TEST(AuditJudge, TheExpectedTablePassesAndADeviationFails) {
  AbiRun run = as_expected("linux-i686");
  std::string message;
  EXPECT_EQ(judge_table(run, data(), nullptr, message), Verdict::pass) << message;
  run.obs.probe["typecodes"]["d"]["align_in_struct"] = 8;  // what x86-64 does, not i386
  EXPECT_EQ(judge_table(run, data(), nullptr, message), Verdict::fail);
  EXPECT_NE(message.find("'d' align_in_struct is 8, the table says 4"), std::string::npos) << message;
  run = as_expected("linux-s390x");
  run.obs.probe["facts"]["endianness"] = "little";
  EXPECT_EQ(judge_table(run, data(), nullptr, message), Verdict::fail);
  EXPECT_NE(message.find("endianness"), std::string::npos) << message;
}

TEST(AuditJudge, AProbedControlMustAgreeWithItsExecutedAbi) {
  AbiRun executed = as_expected("linux-aarch64"), control = as_expected("linux-aarch64-clang");
  std::string message;
  EXPECT_EQ(judge_table(control, data(), &executed, message), Verdict::pass) << message;
  EXPECT_NE(message.find("agrees with the executed probe of linux-aarch64"), std::string::npos);
  executed.obs.probe["typecodes"]["h"]["lock_free"] = false;
  EXPECT_EQ(judge_table(control, data(), &executed, message), Verdict::fail);
  EXPECT_NE(message.find("'h' lock_free"), std::string::npos) << message;
}

TEST(AuditJudge, CounterFailsOnlyWhenTheLockOrAtomicsLoseUpdates) {
  AbiRun run = as_expected("linux-x86_64");
  std::string message;
  run.obs.probe["scenarios"]["counter"] = counter(100, 100, 61);
  EXPECT_EQ(judge_counter(run, message), Verdict::pass) << message;  // raw losing updates is no defect
  run.obs.probe["scenarios"]["counter"] = counter(99, 100, 100);
  EXPECT_EQ(judge_counter(run, message), Verdict::fail);
  EXPECT_NE(message.find("locked increments lost 1 of 100"), std::string::npos) << message;
  run.obs.probe["scenarios"]["counter"] = counter(100, 97, 100);
  EXPECT_EQ(judge_counter(run, message), Verdict::fail);
  run.obs.probe["scenarios"]["counter"]["atomic"]["error"] = "fork: Resource temporarily unavailable";
  EXPECT_EQ(judge_counter(run, message), Verdict::broken);
  run.obs.probe.erase("scenarios");
  EXPECT_EQ(judge_counter(run, message), Verdict::broken);
}

TEST(AuditFindings, DeviationsAreWordedByTheRules) {
  const AbiRun base = as_expected("linux-x86_64"), windows = as_expected("windows-x64-msvc"), i386 = as_expected("linux-i686"),
               ilp32 = as_expected("windows-x86-msvc");
  const auto findings = abi_findings({&base, &windows, &i386, &ilp32}, base, data().findings);
  const auto* l = find_rule(findings, "long-narrow");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->at("abis"), nlohmann::json({"windows-x64-msvc", "linux-i686", "windows-x86-msvc"}));
  EXPECT_EQ(l->at("typecode"), "l");
  EXPECT_EQ(l->at("text").get<std::string>().rfind("`l` and `L` are 4 bytes on windows-x64-msvc, linux-i686, windows-x86-msvc (8 on linux-x86_64)", 0), 0u)
      << l->at("text");
  const auto* u = find_rule(findings, "wchar-utf16");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->at("abis"), nlohmann::json({"windows-x64-msvc", "windows-x86-msvc"}));
  const auto* align = find_rule(findings, "i64-align-4");
  ASSERT_TRUE(align);
  EXPECT_EQ(align->at("abis"), nlohmann::json({"linux-i686"}));  // MSVC x86 aligns them to 8
  EXPECT_EQ(align->at("typecodes"), nlohmann::json({"q", "Q", "d"}));
  EXPECT_FALSE(find_rule(findings, "big-endian"));
}

TEST(AuditFindings, AnUnexplainedDeviationGetsTheGenericWording) {
  const AbiRun base = as_expected("linux-x86_64");
  AbiRun odd = as_expected("macos-arm64");
  odd.obs.probe["typecodes"]["h"]["align"] = 1;
  odd.obs.probe["facts"]["page_size"] = 16384;
  const auto findings = abi_findings({&base, &odd}, base, data().findings);
  bool generic = false;
  for (const auto& f : findings)
    generic = generic || f.at("text") == "`h` differ from linux-x86_64 in align: 1 on macos-arm64, 2 on linux-x86_64.";
  EXPECT_TRUE(generic) << nlohmann::json(findings).dump(1);
  EXPECT_FALSE(find_rule(findings, "page-size"));  // the baseline's page size is unknown here: no comparison
}

TEST(AuditFindings, EmulatorEffectsSayWhoseDoingTheyAre) {
  const AbiRun base = as_expected("linux-x86_64");
  AbiRun arm = as_expected("linux-armhf"), riscv = as_expected("linux-riscv64");
  for (AbiRun* r : {&arm, &riscv}) r->obs.probe["facts"]["robust_mutex"] = false;
  riscv.obs.probe["facts"]["robust_mutex_created"] = false;
  riscv.obs.probe["why"] = {{"robust_mutex", "pthread_mutex_init (robust, process-shared): Operation not supported"}};
  arm.obs.probe["why"] = {{"robust_mutex", "locking after the owner died: Connection timed out (no EOWNERDEAD)"}};
  const auto findings = abi_findings({&base, &arm, &riscv}, base, data().findings);
  const auto* death = find_rule(findings, "robust-owner-death");
  ASSERT_TRUE(death);
  EXPECT_EQ(death->at("abis"), nlohmann::json({"linux-armhf"}));  // riscv64 never had one to test
  EXPECT_NE(death->at("text").get<std::string>().find("qemu-user does not implement the robust futex list"), std::string::npos);
  EXPECT_NE(death->at("text").get<std::string>().find("Connection timed out"), std::string::npos);
  const auto* refused = find_rule(findings, "robust-refused");
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->at("text").get<std::string>().find("Operation not supported"), std::string::npos);
}

TEST(AuditFindings, MeasuredScenariosBecomeFindings) {
  AbiRun base = as_expected("linux-x86_64"), i386 = as_expected("linux-i686");
  base.obs.probe["scenarios"] = {{"counter", counter(100, 100, 100)},
                                 {"torn", {{"q", {{"reads", 1000}, {"torn", 0}}}}},
                                 {"cas16", {{"attempted", 10}, {"completed", 10}, {"observed_lo", 10}, {"observed_hi", 10}, {"timed_out", false}}}};
  i386.obs.probe["scenarios"] = {{"counter", counter(100, 100, 70)},
                                 {"torn", {{"q", {{"reads", 1000}, {"torn", 12}}}, {"d", {{"reads", 1000}, {"torn", 0}}}}},
                                 {"cas16", {{"attempted", 10}, {"completed", 10}, {"observed_lo", 7}, {"observed_hi", 7}, {"timed_out", false}}}};
  const auto findings = abi_findings({&base, &i386}, base, data().findings);
  const auto* torn = find_rule(findings, "torn");
  ASSERT_TRUE(torn);
  EXPECT_EQ(torn->at("abis"), nlohmann::json({"linux-i686"}));
  EXPECT_NE(torn->at("text").get<std::string>().find("linux-i686: 'q' 12 of 1000 reads"), std::string::npos) << torn->at("text");
  EXPECT_TRUE(find_rule(findings, "cas16-lost"));
  EXPECT_EQ(find_rule(findings, "raw-lost")->at("abis"), nlohmann::json({"linux-i686"}));
  EXPECT_EQ(find_rule(findings, "raw-not-seen")->at("abis"), nlohmann::json({"linux-x86_64"}));
}

TEST(AuditFindings, CPythonAgreesOrTheDifferenceIsAFinding) {
  const AbiRun native = as_expected("linux-x86_64");
  AbiRun good, old;
  for (AbiRun* r : {&good, &old}) {
    r->how = "cpython";
    r->obs.probe["typecodes"] = nlohmann::json::object();
    for (const auto& [code, t] : native.obs.probe["typecodes"].items())
      r->obs.probe["typecodes"][code] = {{"size", t["size"]}, {"align", t["align"]}, {"align_in_struct", t["align_in_struct"]}, {"array_itemsize", t["size"]}};
  }
  good.name = "cpython-3.12.1-linux-x86_64";
  old.name = "cpython-3.6.15-linux-x86_64";
  old.obs.probe["typecodes"]["q"] = {{"missing", "not in typecode_to_type"}};
  old.obs.probe["typecodes"]["Q"] = {{"missing", "not in typecode_to_type"}};
  std::string message;
  EXPECT_EQ(judge_cpython(old, &native, data(), message), Verdict::pass) << message;
  auto findings = cpython_findings({&good, &old}, native, data().findings);
  ASSERT_GE(findings.size(), 2u);
  EXPECT_EQ(findings[0]["abis"], nlohmann::json({"cpython-3.12.1-linux-x86_64", "cpython-3.6.15-linux-x86_64"}));
  EXPECT_EQ(findings[1]["text"], "`q` and `Q` are not sharedctypes typecodes in cpython-3.6.15-linux-x86_64: Array and Value "
                                 "with them raise TypeError (this type has no size).");
  good.obs.probe["typecodes"]["l"]["size"] = 4;
  EXPECT_EQ(judge_cpython(good, &native, data(), message), Verdict::fail);
  findings = cpython_findings({&good}, native, data().findings);
  ASSERT_FALSE(findings.empty());
  EXPECT_EQ(findings[0]["severity"], "error");
}
