#pragma once
// The audit's data (audit/data/): the ABIs with their expected tables, the data models and
// CPython's minimum sizes, and the rules that word findings. Loaded and checked once; a bad
// file is a ValueError naming the file and the entry.
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace shmcheck::audit {

inline constexpr const char* kTypecodes = "cubBhHiIlLqQfd";

struct AbiConfig {
  std::string abi;            // "linux-armhf"
  std::string how;            // "executed" or "probed"
  std::string triple;
  std::string compiler;       // executed: the cross compiler ("" for the probe shmcheck was built with)
  std::string emulator;       // executed: qemu-ARCH or wine ("" when it runs natively)
  std::map<std::string, std::string> emulator_env;
  std::string native_machine; // uname -m of a host where this ABI is the native one
  // executed, no emulator, not native: uname -m of hosts whose kernel runs it as it is (an
  // x86-64 kernel's 32-bit mode runs i686 programs)
  std::vector<std::string> native_on;
  std::string debian_arch;    // executed Linux ABIs: the Debian architecture whose packages run on it ("armhf")
  std::string control_of;     // probed: the executed ABI it must agree with
  std::vector<std::string> probe_args;
  // The expected table: the data model plus what the ABI document says.
  std::string model;
  bool char_signed = true;
  int wchar_size = 4;
  bool wchar_signed = true;
  std::string endianness;
  std::map<char, int> align, align_in_struct;  // where they are not the size
  std::string doc;
};

struct Model {
  int pointer_size = 0;
  std::map<char, int> sizes;
};

struct AuditData {
  std::string dir;
  std::string baseline;
  std::vector<AbiConfig> abis;
  std::map<std::string, Model> models;
  std::map<char, bool> signed_by_name;     // b..d: signedness the type's name fixes
  std::map<char, double> float_max;
  std::map<char, int> cpython_minimum;
  nlohmann::json executed_build, probed_build;
  double run_timeout = 240;
  nlohmann::json findings;  // findings.json as it is: findings.cpp reads the rules
  const AbiConfig* find(const std::string& abi) const;
};

// Reads audit_directory/data/ (the command line's locate.hpp says where audit/ is).
AuditData load_data(const std::string& audit_directory);

}  // namespace shmcheck::audit
