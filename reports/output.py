"""Writing the files the reports make (index.html, junit.xml, performance.json) as shmcheck
writes results.json (harness/include/shmcheck/harness/output_file.hpp): whole, through a new
file of a unique name beside the target (O_CREAT | O_EXCL | O_NOFOLLOW, so that a link planted
there is not followed), then renamed over it. The rename replaces a directory entry, not what
it points to, so a target that exists and is not a regular file (a symbolic link, a directory,
a device, a FIFO) is refused rather than replaced.
"""

import os
import secrets
import stat


class RefusedOutput(Exception):
    """An output path that is not a new or a regular file (exit status 2: bad usage)."""


_KINDS = [(stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket")]


def check(path):
    """RefusedOutput naming `path` when it exists and is not a regular file."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise RefusedOutput(f"refusing to write {path}: it is {kind}, and reports are written only as a new file "
                        f"or over a regular one")


def write_bytes(path, data):
    """`data` as the whole of `path`; nothing is left beside it when writing fails."""
    path = os.fspath(path)
    check(path)
    for _ in range(100):
        tmp = f"{path}.tmp.{secrets.token_hex(4)}"
        try:
            # 0o666 less the umask, as any file the user makes.
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f"no unique name for a temporary file beside {path}")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        check(path)  # again: what stands there may have changed meanwhile
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def write_text(path, text):
    return write_bytes(path, text.encode("utf-8"))
