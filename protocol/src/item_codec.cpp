#include <shmcheck/protocol/item_codec.hpp>

#include <shmcheck/error.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

namespace shmcheck::protocol {
namespace {

Int parse_int(const std::string& s) {
  // Any value the 128-bit Int holds is accepted, whatever its digit count (39 digits reach
  // 2^127, and leading zeros add more); past that the value cannot be represented at all.
  using U = UInt;
  const bool negative = !s.empty() && s[0] == '-';
  const std::string shown = s.size() > 60 ? s.substr(0, 57) + "..." : s;
  if (s.size() == (negative ? 1u : 0u)) throw ValueError("integer text '" + shown + "' has no digits");
  const U limit = negative ? U(1) << 127 : (U(1) << 127) - 1;
  U v = 0;
  for (std::size_t i = negative ? 1 : 0; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') throw ValueError("integer text '" + shown + "' has a non-digit");
    const unsigned d = static_cast<unsigned>(s[i] - '0');
    if (v > (limit - d) / 10)
      throw ValueError("int " + shown + " is outside the 128-bit range shmcheck represents (-2**127 .. 2**127-1)");
    v = v * 10 + d;
  }
  return negative ? static_cast<Int>(U(0) - v) : static_cast<Int>(v);
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Whether a literal's digits (no sign, no leading zero) fit nlohmann's int64 (negative) or
// uint64 (otherwise); what does not is read as a double, losing the int.
bool fits_64_bits(std::string_view digits, bool negative) {
  const std::string_view limit = negative ? "9223372036854775808" : "18446744073709551615";
  if (digits.size() != limit.size()) return digits.size() < limit.size();
  return digits <= limit;
}

std::string utf8(const std::u32string& s) {
  std::string out;
  for (char32_t c : s) {
    // JSON text carries Unicode scalar values only: a surrogate or a value past U+10FFFF (a
    // wchar_t no str can hold, e.g. garbage in memory that was not zero-filled) is U+FFFD.
    if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) c = 0xFFFD;
    if (c < 0x80) out += static_cast<char>(c);
    else if (c < 0x800) out += {static_cast<char>(0xc0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3f))};
    else if (c < 0x10000)
      out += {static_cast<char>(0xe0 | (c >> 12)), static_cast<char>(0x80 | ((c >> 6) & 0x3f)), static_cast<char>(0x80 | (c & 0x3f))};
    else
      out += {static_cast<char>(0xf0 | (c >> 18)), static_cast<char>(0x80 | ((c >> 12) & 0x3f)),
              static_cast<char>(0x80 | ((c >> 6) & 0x3f)), static_cast<char>(0x80 | (c & 0x3f))};
  }
  return out;
}

std::u32string from_utf8(const std::string& s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) throw ValueError("invalid UTF-8 in a str item");
    char32_t cp = len == 1 ? c : c & (0x7f >> len);
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    out.push_back(cp);
    i += len;
  }
  return out;
}

}  // namespace

Item item_from_json(const nlohmann::json& j) {
  if (j.is_null()) return Item();
  if (j.is_boolean()) return Item(j.get<bool>() ? 1 : 0);  // Python's bool is an int
  if (j.is_number_unsigned()) return Item(Int(j.get<std::uint64_t>()));
  if (j.is_number_integer()) return Item(Int(j.get<std::int64_t>()));
  if (j.is_number_float()) return Item(j.get<double>());
  if (j.is_object() && j.size() == 1) {
    const std::string key = j.begin().key();
    const nlohmann::json& v = j.begin().value();
    if (v.is_string()) {
      const auto s = v.get<std::string>();
      if (key == "int") return Item(parse_int(s));
      if (key == "str") return Item::str(from_utf8(s));
      if (key == "float") {
        if (s == "inf") return Item(std::numeric_limits<double>::infinity());
        if (s == "-inf") return Item(-std::numeric_limits<double>::infinity());
        if (s == "nan") return Item(std::numeric_limits<double>::quiet_NaN());
      }
      if (key == "bytes") {
        std::string b;
        for (char32_t c : from_utf8(s)) {
          if (c > 0xff) throw ValueError("a bytes item holds only U+0000..U+00FF, got U+" + std::to_string(unsigned(c)));
          b.push_back(static_cast<char>(c));
        }
        return Item::bytes(b);
      }
    }
  }
  throw ValueError("not an item: " + j.dump());
}

std::string big_ints_as_items(std::string_view text) {
  // Fast path: a literal that does not fit in 64 bits has at least 19 digits in a row.
  std::size_t run = 0, longest = 0;
  for (char c : text) longest = std::max(longest, run = is_digit(c) ? run + 1 : 0);
  if (longest < 19) return std::string(text);
  std::string out;
  out.reserve(text.size() + 64);
  bool in_string = false;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (in_string) {  // copied as is: digits in a string are text
      out += c;
      ++i;
      if (c == '\\' && i < text.size()) out += text[i++];
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (c != '-' && !is_digit(c)) {
      out += c;
      ++i;
      continue;
    }
    // A number token: everything a JSON number may contain.
    std::size_t j = i + 1;
    while (j < text.size() && (is_digit(text[j]) || text[j] == '.' || text[j] == 'e' || text[j] == 'E' ||
                               text[j] == '+' || text[j] == '-'))
      ++j;
    const std::string_view token = text.substr(i, j - i);
    const bool negative = token[0] == '-';
    const std::string_view digits = token.substr(negative ? 1 : 0);
    // Only a valid integer literal (no leading zero, digits only) is rewritten, so that text
    // that is not JSON stays not JSON.
    const bool integer = !digits.empty() && digits[0] != '0' &&
                         std::all_of(digits.begin(), digits.end(), [](char d) { return is_digit(d); });
    if (integer && !fits_64_bits(digits, negative)) out.append("{\"int\":\"").append(token).append("\"}");
    else out.append(token);
    i = j;
  }
  return out;
}

bool nested_deeper_than(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;  // the escaped character, whatever it is
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

nlohmann::json parse_message(std::string_view text, bool allow_exceptions) {
  if (nested_deeper_than(text, kMaxNesting)) {
    if (allow_exceptions) throw ValueError("JSON nested deeper than " + std::to_string(kMaxNesting) + " levels");
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
  return nlohmann::json::parse(big_ints_as_items(text), nullptr, allow_exceptions);
}

nlohmann::json item_to_json(const Item& item) {
  if (item.is_none()) return nullptr;
  if (item.is_int()) {
    const Int v = item.as_int();
    if (v >= -kExactInJson && v <= kExactInJson) return static_cast<std::int64_t>(v);
    return {{"int", to_string(v)}};
  }
  if (item.is_float()) {
    const double d = item.as_float();
    if (std::isnan(d)) return {{"float", "nan"}};
    if (std::isinf(d)) return {{"float", d > 0 ? "inf" : "-inf"}};
    return d;
  }
  if (item.is_bytes()) {
    std::u32string wide;
    for (unsigned char c : item.as_bytes()) wide.push_back(c);
    return {{"bytes", utf8(wide)}};
  }
  return {{"str", utf8(item.as_str())}};
}

namespace {

nlohmann::json portable_item(nlohmann::json j) {
  if (j.is_number_integer() && !j.is_number_unsigned()) {
    const std::int64_t v = j.get<std::int64_t>();
    if (v < -kExactInJson || v > kExactInJson) return {{"int", std::to_string(v)}};
  } else if (j.is_number_unsigned() && j.get<std::uint64_t>() > static_cast<std::uint64_t>(kExactInJson)) {
    return {{"int", std::to_string(j.get<std::uint64_t>())}};
  }
  return j;
}

}  // namespace

nlohmann::json portable_items(nlohmann::json request) {
  if (request.is_array()) {
    for (auto& op : request) op = portable_items(std::move(op));
    return request;
  }
  if (!request.is_object()) return request;
  if (request.contains("item")) request["item"] = portable_item(request["item"]);
  for (const char* list : {"items", "init"}) {
    if (!request.contains(list)) continue;
    auto& v = request[list];
    if (v.is_array())
      for (auto& x : v) x = portable_item(x);
    else
      v = portable_item(v);
  }
  if (request.contains("ops")) request["ops"] = portable_items(std::move(request["ops"]));
  return request;
}

bool same_item(const Item& a, const Item& b) {
  if (a == b) return true;
  const Item& f = a.is_float() ? a : b;
  const Item& i = a.is_float() ? b : a;
  if (!f.is_float() || !i.is_int()) return false;
  const double d = f.as_float();
  // Exactly the int's value: finite, integral, in range, and +0.0 for 0 (-0.0 is not 0's).
  if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) > 1.7e38 || (d == 0 && std::signbit(d))) return false;
  return static_cast<Int>(d) == i.as_int();
}

}  // namespace shmcheck::protocol
