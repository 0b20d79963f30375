// Items in JSON: ints up to the 128-bit limit in {"int": ...} form, and bare integer
// literals beyond 64 bits, which nlohmann alone would read as doubles.
#include <shmcheck/protocol/item_codec.hpp>

#include <shmcheck/error.hpp>

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>

using shmcheck::Int;
using shmcheck::Item;
using shmcheck::protocol::big_ints_as_items;
using shmcheck::protocol::item_from_json;
using shmcheck::protocol::item_to_json;
using shmcheck::protocol::parse_message;
using nlohmann::json;

namespace {
constexpr Int kMax = std::numeric_limits<Int>::max();
constexpr Int kMin = std::numeric_limits<Int>::min();
}  // namespace

TEST(ItemJson, EveryIntThe128BitIntHoldsIsAccepted) {
  EXPECT_EQ(item_from_json({{"int", "170141183460469231731687303715884105727"}}).as_int(), kMax);
  EXPECT_EQ(item_from_json({{"int", "-170141183460469231731687303715884105727"}}).as_int(), -kMax);
  EXPECT_EQ(item_from_json({{"int", "-170141183460469231731687303715884105728"}}).as_int(), kMin);
  EXPECT_EQ(item_from_json({{"int", "0000000000000000000000000000000000000000042"}}).as_int(), 42);
  EXPECT_EQ(item_from_json({{"int", "-0"}}).as_int(), 0);
  for (Int v : {kMax, kMin, kMin + 1, Int(1) << 100})
    EXPECT_EQ(item_from_json(item_to_json(Item(v))).as_int(), v);  // round trip
}

TEST(ItemJson, AnIntBeyond128BitsIsAClearValueError) {
  for (const char* text : {"170141183460469231731687303715884105728", "-170141183460469231731687303715884105729",
                           "1000000000000000000000000000000000000000000000"}) {
    try {
      item_from_json({{"int", text}});
      ADD_FAILURE() << text << " was accepted";
    } catch (const shmcheck::ValueError& e) {
      EXPECT_NE(std::string(e.what()).find("128-bit"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(item_from_json({{"int", "12a"}}), shmcheck::ValueError);
  EXPECT_THROW(item_from_json({{"int", "-"}}), shmcheck::ValueError);
}

// Every digit count up to 39 and both signs, at random (seeded), through parse_int and the
// library's to_string and back: with the portable Int (a 32-bit ABI, or the host under
// SHMCHECK_PORTABLE_INT128) as with the built-in one. What is past the range is refused.
TEST(ItemJson, RandomIntTextUpTo39DigitsRoundTripsExactly) {
  const std::string max_digits = "170141183460469231731687303715884105727";
  std::mt19937_64 rng(16);
  int accepted = 0, refused = 0;
  for (int i = 0; i < 20000; ++i) {
    const bool negative = rng() % 2;
    const std::size_t length = 1 + rng() % 39;
    std::string digits(1, static_cast<char>('1' + rng() % 9));
    while (digits.size() < length) digits += static_cast<char>('0' + rng() % 10);
    const std::string text = (negative ? "-" : "") + digits;
    // In range: fewer digits than the limit, or as many and not above it (-2^127 one more).
    const std::string limit = negative ? "170141183460469231731687303715884105728" : max_digits;
    if (digits.size() < limit.size() || digits <= limit) {
      ++accepted;
      const Item item = item_from_json({{"int", text}});
      ASSERT_EQ(shmcheck::to_string(item.as_int()), text);
      ASSERT_EQ(item_from_json(item_to_json(item)).as_int(), item.as_int()) << text;
      ASSERT_EQ(item_from_json({{"int", (negative ? "-000" : "000") + digits}}).as_int(), item.as_int()) << text;
    } else {
      ++refused;
      EXPECT_THROW(item_from_json({{"int", text}}), shmcheck::ValueError) << text;
    }
  }
  EXPECT_GT(accepted, 15000);
  EXPECT_GT(refused, 100);  // 39 digits above 1.7e38: about 4 in 9 of the 39-digit texts
}

TEST(ItemJson, BareIntegersBeyondSixtyFourBitsAreParsedAsInts) {
  const json j = parse_message(R"({"a": 18446744073709551621, "b": [-9223372036854775809, 1, 2.5], "c": 1e30})");
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["a"], json({{"int", "18446744073709551621"}}));
  EXPECT_EQ(item_from_json(j["a"]).as_int(), (Int(1) << 64) + 5);
  EXPECT_EQ(j["b"][0], json({{"int", "-9223372036854775809"}}));
  EXPECT_EQ(j["b"][1], 1);
  EXPECT_TRUE(j["c"].is_number_float());  // an exponent makes it a float, however big
}

TEST(ItemJson, WhatFitsInSixtyFourBitsStringsAndNonJsonAreLeftAlone) {
  EXPECT_EQ(parse_message("[18446744073709551615, -9223372036854775808]"),
            json::parse("[18446744073709551615, -9223372036854775808]"));
  const std::string in_string = R"({"s": "123456789012345678901234567890 \" 99999999999999999999999"})";
  EXPECT_EQ(big_ints_as_items(in_string), in_string);
  EXPECT_TRUE(parse_message("[012345678901234567890123]").is_discarded());  // a leading zero stays invalid
  EXPECT_TRUE(parse_message("not json 123456789012345678901234567890").is_discarded());
  EXPECT_THROW(parse_message("[1,", true), json::exception);
}

TEST(ItemJson, IntsBeyondTwoToTheFiftyThreeAreWrittenAsTextSoEveryDriverReadsThemExactly) {
  constexpr Int two53 = Int(1) << 53;
  EXPECT_EQ(item_to_json(Item(two53)), json(std::int64_t{1} << 53));
  EXPECT_EQ(item_to_json(Item(-two53)), json(-(std::int64_t{1} << 53)));
  EXPECT_EQ(item_to_json(Item(two53 + 1)), json({{"int", "9007199254740993"}}));
  EXPECT_EQ(item_to_json(Item(-(Int(1) << 63))), json({{"int", "-9223372036854775808"}}));
  // What shmcheck sends: every item of a request, in batches and children too; nothing else.
  const json sent = shmcheck::protocol::portable_items(json::parse(R"([
      {"op": "set", "obj": "a", "index": 9007199254740993, "item": -9223372036854775808},
      {"op": "set_slice", "obj": "a", "slice": [0, 2, 1], "items": [1, 18446744073709551615]},
      {"op": "create", "shape": "array", "tc": "q", "init": [9007199254740992, 9007199254740993]},
      {"op": "child", "ops": [{"op": "set_value", "obj": "v", "item": 2.5e20}, {"op": "set_value", "obj": "v", "item": 9007199254740994}]}])"));
  EXPECT_EQ(sent[0]["index"], json(9007199254740993));  // not an item
  EXPECT_EQ(sent[0]["item"], json({{"int", "-9223372036854775808"}}));
  EXPECT_EQ(sent[1]["items"], json::parse(R"([1, {"int": "18446744073709551615"}])"));
  EXPECT_EQ(sent[2]["init"], json::parse(R"([9007199254740992, {"int": "9007199254740993"}])"));
  EXPECT_EQ(sent[3]["ops"][0]["item"], json(2.5e20));  // a float stays a float
  EXPECT_EQ(sent[3]["ops"][1]["item"], json({{"int", "9007199254740994"}}));
}

TEST(ItemJson, AnIntegerValuedNumberIsTheSameItemAsTheFloatOfItsValue) {
  using shmcheck::protocol::same_item;
  EXPECT_TRUE(same_item(Item(0.0), Item(0)));
  EXPECT_TRUE(same_item(Item(3), Item(3.0)));
  EXPECT_TRUE(same_item(Item(-1e15), Item(Int(-1000000000000000))));
  EXPECT_FALSE(same_item(Item(-0.0), Item(0))) << "-0.0 is not 0's float";
  EXPECT_FALSE(same_item(Item(3.5), Item(3)));
  EXPECT_FALSE(same_item(Item(std::numeric_limits<double>::infinity()), Item(0)));
  EXPECT_FALSE(same_item(Item(1), Item::bytes("\x01")));
  EXPECT_TRUE(same_item(Item::str(U"a"), Item::str(U"a")));
}
