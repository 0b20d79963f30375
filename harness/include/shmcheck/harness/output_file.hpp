#pragma once
// The files shmcheck writes (results.json, rewritten after every result): whole or not at
// all, and never through a name someone else prepared. Writing means a new file of a unique
// name beside the target (O_CREAT | O_EXCL | O_NOFOLLOW: a symbolic link planted there is not
// followed, an existing file is not reused), then rename() over the target.
//
// rename() replaces the directory entry, not what it points to: over a device node (as root,
// `--json /dev/full`), a FIFO or a symbolic link it would destroy that entry. So a target that
// exists and is not a regular file is refused, whatever it is; writing into a device in place
// would be possible, but a results file is a file.
#include <string>
#include <string_view>

namespace shmcheck::harness {

// ValueError (bad usage, exit 2) naming `path` and what it is when it exists and is not a
// regular file: a symbolic link (even to a regular file), a directory, a device, a FIFO, a
// socket. A missing path is fine.
void check_output_path(const std::string& path);

// Writes `text` as the whole of `path` (check_output_path first); OSError when it cannot.
// Nothing is left beside it when writing fails.
void write_output_file(const std::string& path, std::string_view text);

// Where shmcheck takes an output path, "-" is standard output (--json -).
inline constexpr std::string_view kStandardOutput = "-";

// Standard output for one document alone (--json -): from here on whatever the process and
// its children write to stdout goes to stderr (descriptor 1 becomes a copy of 2), so that the
// human output cannot mix with the document; returns a descriptor of the original stdout.
// OSError when the descriptors cannot be copied.
int take_stdout_for_document();

// Writes all of `text` to the open descriptor `fd`; OSError naming `what` when it cannot.
void write_to_descriptor(int fd, std::string_view text, const std::string& what);

}  // namespace shmcheck::harness
