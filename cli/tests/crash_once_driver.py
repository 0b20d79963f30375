"""A driver that crashes once: it forwards requests to `shmcheck driver ref` and, on its
third batch, writes a marker to stderr and kills itself with SIGSEGV, unless MARKER (a file)
exists, which it creates first. A restarted copy therefore behaves. Usage:
crash_once_driver.py SHMCHECK MARKER"""
import os
import signal
import subprocess
import sys

shmcheck, marker = sys.argv[1], sys.argv[2]
ref = subprocess.Popen([shmcheck, "driver", "ref"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                       universal_newlines=True)
batches = 0
for line in sys.stdin:
    if '"op": "batch"' in line or '"op":"batch"' in line:
        batches += 1
        if batches == 3 and not os.path.exists(marker):
            open(marker, "w").close()
            sys.stderr.write("crash_once_driver: about to crash (tail-marker-7f3a)\n")
            sys.stderr.flush()
            os.kill(os.getpid(), signal.SIGSEGV)
    ref.stdin.write(line)
    ref.stdin.flush()
    sys.stdout.write(ref.stdout.readline())
    sys.stdout.flush()
