// The hello answer into a Description: what a driver says of itself is read, and what it
// cannot mean is a json::exception (the handshake's caller makes it "malformed hello", broken).
#include <shmcheck/protocol/hello.hpp>

#include <gtest/gtest.h>

using nlohmann::json;
using shmcheck::protocol::Description;

namespace {

json hello_with_size(const json& size) {
  return {{"protocol", 1}, {"name", "x"}, {"version", "1"}, {"platform", {{"os", "linux"}}},
          {"capabilities", {{"typecodes", "q"}, {"sizes", {{"q", size}}}}}};
}

}  // namespace

TEST(Hello, SizesAndAlignmentsAreRead) {
  const Description d = Description::from_hello("exec:x", hello_with_size(json::array({8, 4})));
  EXPECT_EQ(d.capabilities.sizes.at('q').first, 8);
  EXPECT_EQ(d.capabilities.sizes.at('q').second, 4);
}

// fuzz_hello found 7e78 as a size: get<int>() of it was undefined behaviour (UBSan).
TEST(Hello, ASizeThatIsNoWholeNumberOfBytesIsMalformed) {
  for (const json& bad : {json(7e78), json(2.5), json(-1), json(std::uint64_t{1} << 63), json("8"), json(99999)}) {
    EXPECT_THROW(Description::from_hello("exec:x", hello_with_size(json::array({bad, 8}))), json::exception) << bad.dump();
    EXPECT_THROW(Description::from_hello("exec:x", hello_with_size(json::array({8, bad}))), json::exception) << bad.dump();
  }
}
