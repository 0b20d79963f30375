"""Shared by the report tests: fixture paths, a scratch directory, running the CLI."""

import json
import os
import pathlib
import subprocess
import sys
import tempfile
import unittest

from reports import load
from reports.tests import fixtures

REPO = pathlib.Path(__file__).resolve().parents[2]
DATA = fixtures.DATA
FULL = DATA / "full-linux-x86_64.json"
ARM = DATA / "full-linux-aarch64.json"
HOSTILE = DATA / "hostile.json"
V0 = DATA / "v0-shmcheck-run.json"


def artifacts_dir(name):
    """Where a test leaves files worth looking at: $REPORT_TEST_ARTIFACTS (ctest sets it to
    the build tree) or a fresh temporary directory."""
    root = os.environ.get("REPORT_TEST_ARTIFACTS")
    path = pathlib.Path(root) / name if root else pathlib.Path(tempfile.mkdtemp(prefix=f"reports-{name}-"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def run_cli(*args):
    """python3 -m reports ARGS with this interpreter, from the repository root."""
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, "-m", "reports", *map(str, args)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def write_json(directory, name, doc):
    path = pathlib.Path(directory) / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="reports-test-")
        self.tmp = pathlib.Path(self._tmp.name)

    def tearDown(self):
        self._tmp.cleanup()


def full():
    return load.load(FULL)
