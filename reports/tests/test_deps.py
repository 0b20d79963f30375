"""What the reports need is installed for this interpreter: fails (never skips) with the fix."""

import importlib
import os
import shutil
import sys
import unittest

FIX = "install with ci/setup-deps (Debian: python3-jinja2 python3-matplotlib python3-jsonschema python3-yaml chromium)"


class Dependencies(unittest.TestCase):
    def test_debian_interpreter(self):
        # pyenv's python3 cannot see Debian's packages: the tests must run /usr/bin/python3.
        self.assertTrue(sys.executable.startswith("/usr/bin/python3"), f"running {sys.executable}; {FIX}")

    def test_modules(self):
        # (module, distribution as importlib.metadata knows it, oldest version that works)
        wanted = (("jinja2", "Jinja2", (3, 0)), ("matplotlib", "matplotlib", (3, 5)), ("jsonschema", "jsonschema", (4, 0)),
                  ("yaml", "PyYAML", (5, 0)))
        for name, dist, least in wanted:
            with self.subTest(module=name):
                try:
                    module = importlib.import_module(name)
                except ImportError as e:
                    self.fail(f"{name}: {e}; {FIX}")
                from importlib.metadata import version
                found = tuple(int(p) for p in version(dist).split(".")[:2])
                self.assertGreaterEqual(found, least, f"{name} {version(dist)} is too old")
                self.assertTrue(module)

    def test_chromium(self):
        path = shutil.which("chromium")
        self.assertIsNotNone(path, f"no chromium on PATH; {FIX}")
        self.assertTrue(os.access(path, os.X_OK))


if __name__ == "__main__":
    unittest.main()
