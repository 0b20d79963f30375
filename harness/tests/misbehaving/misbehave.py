"""A driver that misbehaves on purpose, one way per mode: the catalog that shmcheck's
robustness tests run. Usage: misbehave.py MODE PIDFILE

It answers hello correctly (unless the mode is about the handshake) and then misbehaves on
the first batch. It writes its pid, and the pid of any helper process it starts, to PIDFILE
so that the test can check that nothing survives."""
from __future__ import print_function

import json
import os
import subprocess
import sys
import time

mode, pidfile = sys.argv[1], sys.argv[2]
out = sys.stdout


def record(pid):
    with open(pidfile, "a") as f:
        f.write("%d\n" % pid)


def host_pid():
    """This process's pid as the harness sees it: in a PID namespace of its own getpid() is
    the namespace's, but the machine's /proc (still mounted) names it by the machine's."""
    return int(os.readlink("/proc/self"))


def answer(req_id, result):
    out.write(json.dumps({"id": req_id, "ok": True, "result": result}) + "\n")
    out.flush()


HELLO = {"protocol": 1, "name": "misbehave-" + mode, "version": "0", "platform": {"os": "linux", "machine": "x"},
         "capabilities": {"typecodes": "i", "scenarios": ["torn", "lifetime-create"]}}

def write_raw(data):
    """Bytes as they are, whatever the encoding of sys.stdout (Python 2 or 3)."""
    out.flush()
    getattr(out, "buffer", out).write(data)
    out.flush()


def start_helper():
    """A child that must die with the driver's group. It records its own pid, the machine's
    (see host_pid: Popen's pid is the namespace's), and the driver goes on only once it has,
    so that the test knows every process to look for however soon shmcheck kills them."""
    helper = subprocess.Popen([sys.executable, "-c", "import os, sys, time; f = open(%r, 'a'); "
                               "f.write(os.readlink('/proc/self') + '\\n'); f.close(); "
                               "sys.stdout.write('recorded\\n'); sys.stdout.flush(); time.sleep(60)" % pidfile],
                              stdout=subprocess.PIPE)
    helper.stdout.readline()


# Text meant for a terminal: clear the screen, set the window title, a C1 CSI, a right-to-left
# override. shmcheck must show all of it escaped.
HOSTILE = u"\x1b[2J\x1b]0;pwned\x07\u009b31m\u202eevil"

record(host_pid())
if mode == "hostile-text":
    HELLO = dict(HELLO, name="misbehave" + HOSTILE, version="1" + HOSTILE)
if mode == "exit-before-hello":
    sys.exit(3)
if mode == "garbage-hello":
    out.write("Welcome to my driver!\n")
    out.flush()
    time.sleep(30)
if mode == "deaf":  # answers hello, then never reads its input again
    line = sys.stdin.readline()
    answer(json.loads(line)["id"], HELLO)
    time.sleep(60)
if mode == "wrong-protocol":
    line = sys.stdin.readline()
    answer(json.loads(line)["id"], dict(HELLO, protocol=99))
    time.sleep(30)

for line in sys.stdin:
    req = json.loads(line)
    if req["op"] == "hello":
        if mode == "slow-hello":
            time.sleep(30)
        answer(req["id"], HELLO)
        continue
    if req["op"] == "bye":
        answer(req["id"], None)
        break
    # The first batch: misbehave.
    if mode == "crash":
        # A real fault: as the first process of a PID namespace a driver ignores the signals
        # it sends itself, but not the kernel's.
        import ctypes
        ctypes.string_at(0)
    elif mode == "exit-early":
        sys.exit(0)
    elif mode == "hang":
        start_helper()
        time.sleep(60)
    elif mode == "not-utf8":  # a byte that is not UTF-8, on stdout and on stderr
        getattr(sys.stderr, "buffer", sys.stderr).write(b"bad \xff\xfe bytes \x1b[31m on stderr\n")
        sys.stderr.flush()
        write_raw(b"\xff\n")
        time.sleep(30)
    elif mode == "split-utf8":  # not JSON, and byte 200 is the middle of a two-byte character
        write_raw(b"x" * 199 + u"\u00e9".encode("utf-8") * 300 + b"\n")
        time.sleep(30)
    elif mode == "deep":  # valid JSON, nested 70,000 deep; a helper that must not outlive it
        start_helper()
        write_raw(b"[" * 70000 + b"]" * 70000 + b"\n")
        time.sleep(30)
    elif mode == "hostile-text":  # a name and version with escape sequences; an error of 15 MB
        # The first outcome carries the 15 MB (the line stays below the 16 MiB limit).
        outcomes = [{"ok": False, "error": {"kind": "type_error", "type": "Evil", "message": HOSTILE}} for _ in req["ops"]]
        outcomes[0]["error"]["message"] = HOSTILE + "z" * (15 << 20) + HOSTILE
        out.write(json.dumps({"id": req["id"], "ok": True, "result": outcomes}) + "\n")
        out.flush()
    elif mode == "empty-observation":  # a stress answer without the fields a judge needs
        answer(req["id"], [{"ok": True, "result": {}}] * len(req["ops"]))
    elif mode == "none-created":  # lifetime-create: nothing made, so nothing to leave
        answer(req["id"], [{"ok": True, "result": {"created": 0}}] * len(req["ops"]))
    elif mode == "garbage":
        out.write("Traceback (most recent call last): oops\n")
        out.flush()
    elif mode == "wrong-id":
        answer(req["id"] + 7, [{"ok": True, "result": None}] * len(req["ops"]))
    elif mode == "wrong-schema":
        out.write(json.dumps({"id": req["id"], "ok": True, "result": [{"fine": "thanks"}] * len(req["ops"])}) + "\n")
        out.flush()
    elif mode == "wrong-result":  # well-formed outcomes, but len answers a string
        answer(req["id"], [{"ok": True, "result": "three"}] * len(req["ops"]))
    elif mode == "bare-big-int":  # not a misbehaviour: Python's json writes big ints bare
        answer(req["id"], [{"ok": True, "result": 2 ** 64 + 5}] * len(req["ops"]))
    elif mode == "shm-leak":  # leaves a /dev/shm entry behind, named with the prefix it was given
        open("/dev/shm/" + os.environ["SHMCHECK_SHM_PREFIX"] + "leaked", "w").close()
        # and a named semaphore named with it (sem_open's file is /dev/shm/sem.NAME)
        open("/dev/shm/sem." + os.environ["SHMCHECK_SHM_PREFIX"] + "mp-leaked", "w").close()
        answer(req["id"], [{"ok": True, "result": 3}] * len(req["ops"]))
    elif mode == "shm-held":  # keeps a /dev/shm entry of any name open, then leaves it: its own all the same
        if "held" not in globals():
            globals()["held"] = open("/dev/shm/shmcheck-test-held-%d" % host_pid(), "w")
        answer(req["id"], [{"ok": True, "result": 3}] * len(req["ops"]))
    elif mode == "setsid-child":  # starts a child that leaves its process group and session
        subprocess.Popen([sys.executable, "-c", "import os, time; os.setsid(); open(%r, 'a').write(os.readlink('/proc/self') + "
                          "'\\n'); time.sleep(60)" % pidfile])
        time.sleep(0.5)
        answer(req["id"], [{"ok": True, "result": 3}] * len(req["ops"]))
    elif mode == "wrong-count":
        answer(req["id"], [])
    elif mode == "flood":
        chunk = "x" * (1 << 20)
        for _ in range(40):
            out.write(chunk)
        out.flush()
        time.sleep(30)
    elif mode == "stderr-noise":  # not a misbehaviour: noise on stderr is allowed
        sys.stderr.write("debug: " + "y" * 200000 + "\n")
        sys.stderr.flush()
        answer(req["id"], [{"ok": True, "result": 3}] * len(req["ops"]))
    else:
        sys.stderr.write("unknown mode " + mode + "\n")
        sys.exit(2)
