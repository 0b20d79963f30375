"""A driver installed under /tmp is confined like any other (a CI job's checkout in `mktemp -d`):
the private temporary directory must not hide the machine's /tmp, where the driver's program
is. Copies shmcheck to a new directory under /tmp and runs the fault suite on
`exec:/tmp/DIR/shmcheck driver ref` with faults_suite.py's checks: every case as for ref.

Usage: under_tmp.py SHMCHECK"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faults_suite  # noqa: E402


def main(shmcheck):
    where = tempfile.mkdtemp(prefix="shmcheck-under-tmp-", dir="/tmp")
    try:
        copy = os.path.join(where, "shmcheck")
        shutil.copy2(shmcheck, copy)
        return faults_suite.main(shmcheck, "exec:%s driver ref" % copy,
                                 ["few-descriptors=pass/refused", "little-memory=pass/refused"])
    finally:
        shutil.rmtree(where)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
