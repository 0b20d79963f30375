"""A driver that hangs under a fault is judged `fail` with the outcome `hang` at the request it
did not answer (not `broken`), within the request deadline, and nothing of it is left running."""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def main(shmcheck):
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    driver = "exec:%s %s" % (sys.executable, os.path.join(HERE, "hanging_driver.py"))
    started = time.monotonic()
    try:
        rc = subprocess.call([shmcheck, "faults", "shm-1mib", "--impl", driver, "--timeout-ms", "1500", "--seed", "1",
                              "--json", path], stdout=subprocess.DEVNULL)
        took = time.monotonic() - started
        with open(path) as f:
            doc = json.load(f)
    finally:
        os.unlink(path)
    problems = []
    result, row = doc["results"][0], doc["faults"]["cases"][0]
    print(result["verdict"], row["outcome"], row["detail"], row["first_affected"], "%.1f s" % took)
    if rc != 1:
        problems.append("shmcheck faults exited %d, not 1 (a failure)" % rc)
    if (result["verdict"], row["outcome"]) != ("fail", "hang"):
        problems.append("verdict %s, outcome %s: not fail/hang" % (result["verdict"], row["outcome"]))
    if not row["first_affected"] or row["first_affected"]["op"] != "set":
        problems.append("the first operation affected is %s, not the set it hung in" % row["first_affected"])
    if took > 20:
        problems.append("took %.1f s for a 1.5 s deadline" % took)
    left = subprocess.run(["pgrep", "-f", "hanging_driver.py"], stdout=subprocess.PIPE).stdout.split()
    if left:
        problems.append("driver processes left running: %s" % left)
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
