"""A driver run under an emulator (qemu-user) whose children are started by exec.

A foreign interpreter (an armhf python3 under qemu-arm, say) cannot exec itself here: binfmt_misc
is not mounted, so the kernel refuses the foreign binary (ENOEXEC). The harness therefore gives
every foreign driver SHMCHECK_EXEC_WRAPPER, the emulator's command line as one shell-quoted
string (`qemu-arm -L /abs/root`). Whatever multiprocessing starts by exec rather than by fork
(spawn and forkserver children, the forkserver itself, the resource tracker) goes through
spawn.get_executable(), so a small shell script that execs the wrapper with this interpreter
and its arguments, given to multiprocessing.set_executable(), makes them all work.

The driver makes the script (start()): in memory where it can (memfd_create), else in a private
temporary directory that it removes when it ends; every process of the session (spawn children import under_test, which calls apply())
finds it through the environment, so a spawn child that starts children of its own uses it too.
Without SHMCHECK_EXEC_WRAPPER nothing here does anything.

Standard library only; CPython 2.7 and 3.6+.
"""
from __future__ import print_function, division

import os
import shutil
import sys
import tempfile

WRAPPER_ENV = 'SHMCHECK_EXEC_WRAPPER'
SCRIPT_ENV = 'SHMCHECK_PY_EXEC_SCRIPT'  # the script start() made, for the session's processes


def _shell_word(s):
    return "'" + s.replace("'", "'\"'\"'") + "'"


def _script_text(wrapper):
    # The wrapper is shell words already (the harness quoted it); the interpreter is quoted
    # here. `exec` keeps the child's pid the one multiprocessing waits for.
    return '#!/bin/sh\nexec %s %s "$@"\n' % (wrapper, _shell_word(sys.executable))


def _proc_path(fd):
    """/proc/PID/fd/FD naming fd for every process of the session, or None. The pid is the one
    /proc knows this process by: in a PID namespace (the harness's isolation) os.getpid() is
    another process's number there. Checked by what the name opens."""
    try:
        path = '/proc/%s/fd/%d' % (os.readlink('/proc/self'), fd)
        st, mine = os.stat(path), os.fstat(fd)
    except OSError:
        return None
    return path if (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino) else None


def start():
    """In the driver process: makes the script when an emulator wraps this interpreter.
    Returns a function that removes it (a no-op without a wrapper)."""
    wrapper = os.environ.get(WRAPPER_ENV, '').strip()
    if not wrapper:
        os.environ.pop(SCRIPT_ENV, None)  # not one inherited from somewhere else
        return lambda: None
    text = _script_text(wrapper).encode('utf-8')
    creator = os.getpid()
    if hasattr(os, 'memfd_create'):
        # In memory, named by the driver's own descriptor: it goes away with the driver even
        # when the harness SIGKILLs it, so nothing is ever left behind. The kernel runs a
        # script by that name (/bin/sh opens /proc/PID/fd/N) while the driver lives, which is
        # as long as its session's children need to start anything.
        try:
            fd = os.memfd_create('shmcheck-py-exec', os.MFD_CLOEXEC)
        except OSError:
            fd = None
        if fd is not None:
            os.write(fd, text)
            os.fchmod(fd, 0o700)
            path = _proc_path(fd)
            if path:
                os.environ[SCRIPT_ENV] = path
                return lambda: os.getpid() == creator and os.close(fd)
            os.close(fd)
    directory = tempfile.mkdtemp(prefix='shmcheck-py-exec-')
    script = os.path.join(directory, 'python')
    with open(script, 'wb') as f:
        f.write(text)
    os.chmod(script, 0o700)
    os.environ[SCRIPT_ENV] = script

    def remove():
        if os.getpid() == creator:  # never from a forked child
            shutil.rmtree(directory, ignore_errors=True)
    return remove


def apply(multiprocessing):
    """In every process of the session: multiprocessing execs through the script, if any."""
    script = os.environ.get(SCRIPT_ENV)
    if script and os.environ.get(WRAPPER_ENV) and hasattr(multiprocessing, 'set_executable'):
        multiprocessing.set_executable(script)


def wrapper():
    """The emulator command line this driver runs under, or None."""
    return os.environ.get(WRAPPER_ENV, '').strip() or None
