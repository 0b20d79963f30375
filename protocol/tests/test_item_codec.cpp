// Items in JSON: ints up to the 128-bit limit in {"int": ...} form, and bare integer
// literals beyond 64 bits, which nlohmann alone would read as doubles.
#include <shmcheck/protocol/item_codec.hpp>

#include <shmcheck/error.hpp>

#include <gtest/gtest.h>

#include <limits>

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
