// Text from a driver, made safe to pass on (driver_text.hpp): valid UTF-8 for results.json
// whatever the bytes, excerpts that end between characters, nothing a terminal acts on, and
// bounded; and messages nested too deep refused before a tree is built (item_codec.hpp).
#include <shmcheck/protocol/driver_text.hpp>
#include <shmcheck/protocol/item_codec.hpp>

#include <shmcheck/error.hpp>

#include <gtest/gtest.h>

#include <string>

namespace p = shmcheck::protocol;
using nlohmann::json;

TEST(DriverText, BytesThatAreNotUtf8AreEscapedAndTheRestKept) {
  EXPECT_EQ(p::valid_utf8("caf\xc3\xa9 \xff\xfe"), "caf\xc3\xa9 \\xff\\xfe");
  EXPECT_FALSE(p::is_valid_utf8("\xff"));
  // Overlong forms, surrogates and a lone continuation byte are not UTF-8 either.
  EXPECT_EQ(p::valid_utf8("\xc0\xaf|\xed\xa0\x80|\x80"), "\\xc0\\xaf|\\xed\\xa0\\x80|\\x80");
  EXPECT_TRUE(p::is_valid_utf8("\xf0\x9f\x98\x80 \xe2\x80\xae"));  // an emoji, U+202E: valid, if unwelcome on a terminal
  EXPECT_NO_THROW((void)json(p::valid_utf8("\xff\xc3")).dump());
}

TEST(DriverText, AnExcerptEndsBeforeACharacterNotInsideIt) {
  const std::string text = std::string(3, 'x') + "\xc3\xa9\xc3\xa9";  // x x x é é: byte 4 is inside the first é
  EXPECT_EQ(p::excerpt(text, 4), "xxx... (4 more bytes)");
  EXPECT_EQ(p::excerpt(text, 5), "xxx\xc3\xa9... (2 more bytes)");
  EXPECT_EQ(p::excerpt(text, 7), text);
  EXPECT_EQ(p::tail(text, 3), "\xc3\xa9");  // from a character on
}

TEST(DriverText, NothingATerminalActsOnReachesTheConsole) {
  const std::string hostile = "a\x1b[2Jb\x1b]0;t\x07 \r\x7f \xc2\x9b" "31m \xe2\x80\xae" "evil\n\tnext \xff";
  EXPECT_EQ(p::for_console(hostile), "a\\x1b[2Jb\\x1b]0;t\\x07 \\x0d\\x7f \\u009b31m \\u202eevil\n\tnext \\xff");
  EXPECT_EQ(p::for_console("one\ntwo\tthree", 100, false), "one\\x0atwo\\x09three");  // a one-line field stays one line
}

TEST(DriverText, LongTextKeepsItsBeginningAndItsEnd) {
  const std::string text = "begin" + std::string(15u << 20, 'z') + "end";
  const std::string shown = p::for_console(text);
  EXPECT_EQ(shown.rfind("begin", 0), 0u);
  EXPECT_EQ(shown.substr(shown.size() - 3), "end");
  EXPECT_NE(shown.find(" ... (" + std::to_string(text.size() - p::kConsoleTextMax) + " bytes left out) ... "), std::string::npos);
  EXPECT_LT(shown.size(), p::kConsoleTextMax + 100);
}

TEST(DriverText, RecordableJsonIsValidAndBoundedKeysToo) {
  const json j = {{"message", "\xff" + std::string(100000, 'y')}, {"list", json::array({"ok", "\x1b[31m\xfe"})}, {std::string("k\xff"), 1}};
  const json r = p::recordable(j);
  EXPECT_NO_THROW((void)r.dump());
  EXPECT_LE(r.at("message").get<std::string>().size(), p::kRecordedTextMax + 100);
  EXPECT_EQ(r.at("list").at(1), "\x1b[31m\\xfe");  // JSON escapes control characters itself
  EXPECT_TRUE(r.contains("k\\xff"));
}

TEST(Nesting, MessagesDeeperThanTheLimitAreRefusedBeforeParsing) {
  const auto nested = [](std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  EXPECT_FALSE(p::nested_deeper_than(nested(p::kMaxNesting)));
  EXPECT_TRUE(p::nested_deeper_than(nested(p::kMaxNesting + 1)));
  EXPECT_FALSE(p::nested_deeper_than("{\"s\": \"" + std::string(1000, '[') + "\"}"));  // brackets in a string are text
  EXPECT_FALSE(p::nested_deeper_than(R"(["\"[[[[", {"a": [1]}])", 3));
  EXPECT_TRUE(p::nested_deeper_than(R"(["\"[[[[", {"a": [1]}])", 2));
  EXPECT_TRUE(p::parse_message(nested(70000)).is_discarded());  // was a crash (SIGSEGV) in the tree's copies
  EXPECT_THROW(p::parse_message(nested(70000), true), shmcheck::ValueError);
  EXPECT_EQ(p::parse_message(nested(p::kMaxNesting)).size(), 1u);
}
