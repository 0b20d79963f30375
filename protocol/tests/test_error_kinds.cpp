// The error kinds, as generated from the schema's table: every error the reference raises has
// a kind and a Python exception name, and the names are the protocol's vocabulary.
#include <shmcheck/protocol/error_kinds.hpp>

#include <gtest/gtest.h>

#include <set>
#include <string>

using shmcheck::ErrorKind;
namespace protocol = shmcheck::protocol;

TEST(ErrorKinds, EveryErrorOfTheReferenceHasOneKindAndAPythonName) {
  for (ErrorKind k : {ErrorKind::index, ErrorKind::type, ErrorKind::value, ErrorKind::overflow, ErrorKind::attribute,
                      ErrorKind::runtime, ErrorKind::assertion, ErrorKind::os}) {
    int rows = 0;
    for (const auto& info : protocol::error_kinds()) rows += info.reference == k;
    EXPECT_EQ(rows, 1) << static_cast<int>(k);
    EXPECT_NE(protocol::kind_name(k), "other") << static_cast<int>(k);
    EXPECT_FALSE(protocol::python_exception(k).empty()) << static_cast<int>(k);
  }
  EXPECT_EQ(protocol::kind_name(ErrorKind::type), "type_error");
  EXPECT_EQ(protocol::python_exception(ErrorKind::type), "TypeError");
  EXPECT_EQ(protocol::python_exception(ErrorKind::os), "OSError");
}

TEST(ErrorKinds, TheVocabularyIsTheSchemasTwelveKindsEachOnce) {
  std::set<std::string> names;
  for (const auto& info : protocol::error_kinds()) {
    EXPECT_TRUE(names.insert(std::string(info.name)).second) << info.name;
    EXPECT_FALSE(info.meaning.empty()) << info.name;
    EXPECT_TRUE(protocol::is_error_kind(info.name));
  }
  EXPECT_EQ(names, (std::set<std::string>{"index_error", "type_error", "value_error", "overflow_error", "attribute_error",
                                          "runtime_error", "assertion_error", "os_error", "timeout", "crashed", "unsupported",
                                          "other"}));
  EXPECT_FALSE(protocol::is_error_kind("IndexError"));
  EXPECT_FALSE(protocol::is_error_kind(""));
}
