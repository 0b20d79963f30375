// The probe side of the audit: the native probe agrees with the reference's own typecode
// table, the object-file reader reads the static probe's layout and refuses anything else,
// and missing or failing tools give unsupported or broken observations.
#include "audit/src/object_file.hpp"
#include "audit/src/observe.hpp"
#include "audit/src/process.hpp"

#include <shmcheck/error.hpp>
#include <shmcheck/typecode.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

using namespace shmcheck;
using namespace shmcheck::audit;

namespace {

const nlohmann::json& native_probe() {
  static const nlohmann::json probe = [] {
    const CommandResult r = run_command({SHMCHECK_AUDIT_PROBE_BIN, "--increments", "20000", "--locked-increments", "5000",
                                         "--seconds", "0.05"}, {}, 60);
    EXPECT_TRUE(r.ok()) << r.failure();
    return nlohmann::json::parse(r.out);
  }();
  return probe;
}

// The static probe's record for a made-up target: LP64, big-endian, unsigned char.
std::string record(unsigned char version = 1) {
  std::string r = "junk before" + std::string("SHMCHECK-PROBE->") + static_cast<char>(version);
  const unsigned char sizes[14] = {1, 4, 1, 1, 2, 2, 4, 4, 8, 8, 8, 8, 4, 8};
  const bool sign[14] = {false, true, true, false, true, false, true, false, true, false, true, false, true, true};
  for (int i = 0; i < 14; ++i) r += {static_cast<char>(sizes[i]), static_cast<char>(sizes[i]), static_cast<char>(sizes[i]),
                                     static_cast<char>(sign[i]), 1};
  r += {4, 0, 2, 8, 0};
  for (const double d : {3.4028234663852886e+38, 1.7976931348623157e+308}) {
    std::uint64_t bits;
    std::memcpy(&bits, &d, 8);
    for (int i = 0; i < 8; ++i) r += static_cast<char>(bits >> (8 * i));
  }
  return r + "<-END and after";
}

}  // namespace

TEST(AuditProbe, NativeProbeAgreesWithTheReferenceTypecodeTable) {
  const auto& t = native_probe().at("typecodes");
  for (const Typecode& tc : typecodes()) {
    const std::string code(1, tc.code);
    ASSERT_TRUE(t.contains(code)) << code;
    EXPECT_EQ(t[code]["ctype"], std::string(tc.c_type)) << code;
    EXPECT_EQ(t[code]["size"], tc.size) << code;
    EXPECT_EQ(t[code]["align"], tc.align) << code;
    EXPECT_EQ(t[code]["align_in_struct"], tc.align_in_struct) << code;
    EXPECT_EQ(t[code]["signed"], tc.is_signed) << code;
    // 'c': the reference records the byte range c_char accepts (0..255), the probe the C
    // type's own range; floats: the reference keeps only float_max.
    if (tc.is_integer() || tc.kind == TypeKind::wide_char) {
      EXPECT_EQ(t[code]["min"].dump(), to_string(tc.min)) << code;
      EXPECT_EQ(t[code]["max"].dump(), to_string(tc.max)) << code;
    } else if (tc.is_float()) {
      EXPECT_EQ(t[code]["max"].get<double>(), tc.float_max) << code;
    }
  }
}

TEST(AuditProbe, NativeProbeReportsFactsAndScenarios) {
  const auto& p = native_probe();
  EXPECT_EQ(p["facts"]["pointer_size"], sizeof(void*));
  EXPECT_EQ(p["facts"]["wchar_size"], sizeof(wchar_t));
  EXPECT_TRUE(p["facts"]["page_size"].get<long>() >= 4096);
  for (const char* f : {"memfd", "shm_open", "robust_mutex", "robust_mutex_created", "process_shared_semaphore"})
    EXPECT_TRUE(p["facts"][f].is_boolean()) << f;
  const auto& c = p["scenarios"]["counter"];
  EXPECT_EQ(c["locked"]["observed"], c["locked"]["expected"]);
  EXPECT_EQ(c["atomic"]["observed"], c["atomic"]["expected"]);
  EXPECT_EQ(c["locked"]["expected"], 10000);
  for (const char* code : {"q", "Q", "d"}) EXPECT_GT(p["scenarios"]["torn"][code]["reads"].get<long long>(), 0) << code;
  EXPECT_EQ(p["scenarios"]["cas16"]["attempted"], 10000);
}

TEST(AuditProbe, ProbeRefusesBadUsage) {
  const CommandResult r = run_command({SHMCHECK_AUDIT_PROBE_BIN, "--increments", "0"}, {}, 20);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(run_command({SHMCHECK_AUDIT_PROBE_BIN, "--bogus"}, {}, 20).exit_code, 2);
}

TEST(AuditProbe, StaticProbeRecordIsRead) {
  const nlohmann::json j = read_static_probe(record());
  EXPECT_EQ(j["facts"]["endianness"], "big");
  EXPECT_EQ(j["facts"]["char_signed"], false);
  EXPECT_EQ(j["facts"]["pointer_size"], 8);
  EXPECT_EQ(j["typecodes"]["l"]["size"], 8);
  EXPECT_EQ(j["typecodes"]["c"]["min"], 0);
  EXPECT_EQ(j["typecodes"]["c"]["max"], 255);
  EXPECT_EQ(j["typecodes"]["q"]["min"].dump(), "-9223372036854775808");
  EXPECT_EQ(j["typecodes"]["Q"]["max"].dump(), "18446744073709551615");
  EXPECT_EQ(j["typecodes"]["d"]["max"].get<double>(), 1.7976931348623157e+308);
  EXPECT_EQ(j["typecodes"]["f"]["min"].get<double>(), -3.4028234663852886e+38);
}

TEST(AuditProbe, StaticProbeReaderRefusesWhatIsNotARecord) {
  EXPECT_THROW(read_static_probe("no marker at all"), ValueError);
  EXPECT_THROW(read_static_probe(record() + record()), ValueError);          // twice
  EXPECT_THROW(read_static_probe(record().substr(0, 60)), ValueError);      // cut short
  EXPECT_THROW(read_static_probe(record(2)), ValueError);                    // another layout
}

TEST(AuditProcess, TimeoutKillsAndMissingProgramIsNotStarted) {
  const CommandResult slow = run_command({"sleep", "30"}, {}, 0.3);
  EXPECT_TRUE(slow.timed_out);
  EXPECT_LT(slow.seconds, 5);
  EXPECT_FALSE(slow.ok());
  const CommandResult none = run_command({"shmcheck-no-such-program"}, {}, 5);
  EXPECT_FALSE(none.started);
  EXPECT_NE(none.failure().find("not found"), std::string::npos);
}

TEST(AuditObserve, MissingToolchainOrEmulatorIsUnsupportedWithTheReason) {
  const AuditData data = load_data(SHMCHECK_AUDIT_DIR);
  Environment env{SHMCHECK_AUDIT_DIR, SHMCHECK_AUDIT_PROBE_BIN, std::filesystem::temp_directory_path().string(), "x86_64"};
  AbiConfig abi = *data.find("linux-armhf");
  abi.compiler = "shmcheck-no-such-g++";
  Observation o = observe_executed(abi, data, env);
  EXPECT_EQ(o.status, Observation::Status::unsupported);
  EXPECT_NE(o.reason.find("shmcheck-no-such-g++ is not installed"), std::string::npos) << o.reason;
  abi.compiler = "true";  // present
  abi.emulator = "shmcheck-no-such-qemu";
  o = observe_executed(abi, data, env);
  EXPECT_EQ(o.status, Observation::Status::unsupported);
  EXPECT_NE(o.reason.find("shmcheck-no-such-qemu"), std::string::npos) << o.reason;
}

TEST(AuditObserve, AProbeThatDoesNotRunIsBroken) {
  const AuditData data = load_data(SHMCHECK_AUDIT_DIR);
  const std::string dir = std::filesystem::temp_directory_path().string();
  Environment env{SHMCHECK_AUDIT_DIR, SHMCHECK_AUDIT_PROBE_BIN, dir, "x86_64"};
  AbiConfig abi = *data.find("linux-armhf");
  abi.compiler = "true";  // "builds" nothing: there is no probe to run
  abi.emulator = "";
  std::filesystem::remove(dir + "/probe-linux-armhf");
  const Observation o = observe_executed(abi, data, env);
  EXPECT_EQ(o.status, Observation::Status::broken);
  EXPECT_NE(o.reason.find("running the probe failed"), std::string::npos) << o.reason;
}
