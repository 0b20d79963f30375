#pragma once
// Handles' text and the descriptors behind them (handle.hpp), shared by handle.cpp and each
// platform's transfer code. Internal. A "descriptor" is an int on every platform: a file
// descriptor on POSIX, a HANDLE's value on Windows (HandleToLong: Windows keeps handle values
// within 32 bits so that 32- and 64-bit processes can share them).

#include <shmcheck/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shmcheck::detail {

struct Place {
  int fd;
  std::uint64_t offset;
};

// The fields of a handle, whatever the descriptors are called on this side.
struct Parsed {
  const Typecode* tc = nullptr;
  Shape shape = Shape::value;
  std::size_t n = 0;
  Place data{-1, 0};
  std::optional<Place> lock;
};

std::string describe(const Object& obj, int data_fd, int lock_fd);
Parsed parse(std::string_view text);
// Adopts data_fd and lock_fd (-1: none), closing both if it throws.
Object build(const Parsed& p, int data_fd, int lock_fd);
void add_transfer_references(const Object& obj);

// The platform's (posix/handle_transfer.cpp, windows/handle_transfer.cpp); OSError on failure.
int duplicate_inheritable(int fd);  // a duplicate that a child started now inherits
int duplicate_private(int fd);      // a duplicate no child inherits
void close_descriptor(int fd) noexcept;

}  // namespace shmcheck::detail
