#include "object_file.hpp"

#include "config.hpp"

#include <shmcheck/error.hpp>

#include <bit>
#include <cstdint>
#include <string_view>

namespace shmcheck::audit {
namespace {

constexpr std::string_view kMarker = "SHMCHECK-PROBE->", kEnd = "<-END";
constexpr std::size_t kPerType = 5, kTypes = 14;
constexpr std::size_t kRecord = 1 + kPerType * kTypes + 5 + 16;  // version, types, facts, two doubles

const char* const kCTypes[kTypes] = {"char", "wchar_t", "signed char", "unsigned char", "short", "unsigned short", "int",
                                     "unsigned int", "long", "unsigned long", "long long", "unsigned long long",
                                     "float", "double"};

double le_double(const unsigned char* p) {
  std::uint64_t bits = 0;
  for (int i = 7; i >= 0; --i) bits = bits << 8 | p[i];
  return std::bit_cast<double>(bits);
}

// An integer type's range from its width and sign: C++20 and C23 fix two's complement.
void integer_range(nlohmann::json& t, int size, bool is_signed) {
  const int bits = size * 8;
  if (bits > 64) return;  // nothing here is wider, but never shift past 64
  if (is_signed) {
    const std::uint64_t max = bits == 64 ? INT64_MAX : (std::uint64_t{1} << (bits - 1)) - 1;
    t["min"] = -static_cast<std::int64_t>(max) - 1;
    t["max"] = max;
  } else {
    t["min"] = 0;
    t["max"] = bits == 64 ? UINT64_MAX : (std::uint64_t{1} << bits) - 1;
  }
}

}  // namespace

nlohmann::json read_static_probe(const std::string& bytes) {
  const std::size_t at = bytes.find(kMarker);
  if (at == std::string::npos) throw ValueError("the object file holds no probe record (marker not found)");
  if (bytes.find(kMarker, at + 1) != std::string::npos) throw ValueError("the probe marker occurs twice in the object file");
  const std::size_t start = at + kMarker.size();
  if (bytes.size() < start + kRecord + kEnd.size() || bytes.compare(start + kRecord, kEnd.size(), kEnd) != 0)
    throw ValueError("the probe record is cut short or has the wrong length");
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + start);
  if (p[0] != 1) throw ValueError("probe record layout " + std::to_string(p[0]) + " is not 1");
  const unsigned char* facts = p + 1 + kPerType * kTypes;
  const double float_max = le_double(facts + 5), double_max = le_double(facts + 13);
  nlohmann::json typecodes = nlohmann::json::object();
  for (std::size_t i = 0; i < kTypes; ++i) {
    const unsigned char* t = p + 1 + i * kPerType;
    nlohmann::json e = {{"ctype", kCTypes[i]}, {"size", t[0]}, {"align", t[1]}, {"align_in_struct", t[2]},
                        {"signed", t[3] != 0}, {"lock_free", t[4] != 0}};
    const char code = kTypecodes[i];
    if (code == 'f' || code == 'd') {
      const double max = code == 'f' ? float_max : double_max;
      e["min"] = -max;
      e["max"] = max;
    } else {
      integer_range(e, t[0], t[3] != 0);
    }
    typecodes[std::string(1, code)] = e;
  }
  if (facts[2] != 1 && facts[2] != 2) throw ValueError("probe record: endianness byte " + std::to_string(facts[2]));
  return {{"typecodes", typecodes},
          {"facts",
           {{"wchar_size", facts[0]},
            {"char_signed", facts[1] != 0},
            {"endianness", facts[2] == 2 ? "big" : "little"},
            {"pointer_size", facts[3]},
            {"atomic16_lock_free", facts[4] != 0}}}};
}

}  // namespace shmcheck::audit
