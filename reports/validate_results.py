"""Validates a results.json written by a test against reports/schema/results.schema.json, with
Debian's /usr/bin/python3 (it has python3-jsonschema; the tests' own python3 may not)."""
from __future__ import print_function

import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def validate(path):
    """"" if the document is valid, else why not."""
    p = subprocess.Popen(["/usr/bin/python3", "-m", "reports", "validate", path], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    out = p.communicate()[0]
    return "" if p.returncode == 0 else "%s does not validate: %s" % (path, out.strip())
