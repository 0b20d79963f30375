// SHMCHECK_EXEC_WRAPPER is split as sh splits a command line: what cli/foreign.cpp quotes
// (harness::shell_word, single quotes) comes back as the words it quoted.
#include "drivers/common/exec_wrapper.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

using shmcheck::drivers::split_shell_words;
using Words = std::vector<std::string>;

TEST(ExecWrapper, BlanksSeparateWords) {
  EXPECT_EQ(split_shell_words("  qemu-arm   -L\t/r  "), (Words{"qemu-arm", "-L", "/r"}));
  EXPECT_EQ(split_shell_words(""), Words{});
}

TEST(ExecWrapper, QuotesKeepWhatTheyHold) {
  EXPECT_EQ(split_shell_words("qemu-arm -L '/roots/with space'"), (Words{"qemu-arm", "-L", "/roots/with space"}));
  EXPECT_EQ(split_shell_words("'it'\\''s'"), (Words{"it's"}));  // shell_word's way with a quote
  EXPECT_EQ(split_shell_words("\"a \\\"b\\\" $x\" c\\ d"), (Words{"a \"b\" $x", "c d"}));
  EXPECT_EQ(split_shell_words("''"), (Words{""}));
}

TEST(ExecWrapper, UnterminatedQuoteIsAnError) {
  EXPECT_THROW(split_shell_words("qemu-arm 'oops"), std::invalid_argument);
  EXPECT_THROW(split_shell_words("\"oops"), std::invalid_argument);
}
