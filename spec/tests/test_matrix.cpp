// The generated matrix judges an implementation by the sizes it reports, not by this
// machine's: a 4-byte `long` (i686, armhf, Windows) wraps at 2^31, a 2-byte 'u' holds no
// character beyond the BMP.
#include "spec/spec_suite.hpp"

#include <gtest/gtest.h>

#include <string>

using nlohmann::json;
using shmcheck::spec::MatrixCell;
using shmcheck::spec::matrix_steps;

namespace {

// The `item` of every write and the `expect` of every read, in order.
std::vector<json> written(const json& steps) {
  std::vector<json> out;
  for (const json& s : steps)
    if (s.contains("item")) out.push_back(s.at("item"));
  return out;
}

bool contains(const std::vector<json>& items, const json& item) {
  for (const json& i : items)
    if (i == item) return true;
  return false;
}

// The protocol's form of an integer beyond 2^53 (PROTOCOL.md: {"int": "digits"}).
json big(const char* digits) { return json{{"int", digits}}; }

}  // namespace

TEST(SpecMatrix, HostSizesByDefault) {
  const json steps = matrix_steps(MatrixCell{'q', false, true, 1}, {});
  EXPECT_TRUE(contains(written(steps), big("9223372036854775807"))) << steps.dump();
}

TEST(SpecMatrix, FourByteLongWrapsAtItsOwnWidth) {
  const json steps = matrix_steps(MatrixCell{'l', true, false, 7}, {{'l', {4, 4}}});
  const auto items = written(steps);
  EXPECT_TRUE(contains(items, json(2147483647))) << steps.dump();
  EXPECT_TRUE(contains(items, json(-2147483648LL))) << steps.dump();
  EXPECT_FALSE(contains(items, big("9223372036854775807"))) << steps.dump();
  // One past the top reads back as the bottom.
  for (std::size_t n = 0; n + 1 < steps.size(); ++n)
    if (steps[n].value("item", json()) == json(2147483648LL)) {
      EXPECT_EQ(steps[n + 1].at("expect"), json(-2147483648LL));
      return;
    }
  ADD_FAILURE() << "no write one past 2^31-1: " << steps.dump();
}

TEST(SpecMatrix, FourByteUnsignedLong) {
  const json steps = matrix_steps(MatrixCell{'L', false, false, 7}, {{'L', {4, 4}}});
  EXPECT_TRUE(contains(written(steps), json(4294967295LL))) << steps.dump();
  EXPECT_TRUE(contains(written(steps), json(4294967296LL))) << steps.dump();  // wraps to 0
}

TEST(SpecMatrix, TwoByteWideCharHasNoAstralCharacter) {
  const json wide = matrix_steps(MatrixCell{'u', false, true, 3}, {});
  const json narrow = matrix_steps(MatrixCell{'u', false, true, 3}, {{'u', {2, 2}}});
  EXPECT_EQ(written(wide).size(), written(narrow).size() + 1);  // U+1F600 only where 'u' is 4 bytes
}
