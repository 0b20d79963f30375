"""Fuzzes how the reports read results.json: mutated real documents through `python3 -m reports`.

Usage: /usr/bin/python3 -m reports.fuzz.fuzz_results [--seconds N] [--seed S] [--findings DIR] SEED.json...

Each iteration takes one of the seed documents (real results.json files), mutates it, at the
JSON level (a key dropped, a value swapped for one of another type, a list emptied or doubled,
a string made odd, deep nesting) or at the byte level (bytes flipped, cut, spliced), writes it
to a temporary file and runs the command line's `validate`, `junit`, `html` and `all` on it in
this process. The rule: any outcome is an exit status (0, 1 or 2 with a message), never a
traceback. An exception that escapes reports.cli.main is a finding: the input is kept in
--findings, the traceback printed, and the exit status is 1. Standard library only (the
reports' own dependencies aside). Prints executions and findings at the end.
"""

import argparse
import contextlib
import copy
import io
import json
import os
import random
import sys
import tempfile
import time
import traceback

from reports import cli

ODD_STRINGS = ["", "\u0000", "\ud800", "<script>x</script>", "\u202e", "é" * 300, "a\nb", "../x", "%s%n", "nan"]
ODD_VALUES = [None, True, False, 0, -1, 2 ** 64, 1e308, -0.0, "", "x", [], {}, [None], {"": None}]


def odd_value(rng):
    return copy.deepcopy(rng.choice(ODD_VALUES + ODD_STRINGS))


def paths(doc, prefix=()):
    """Every (container, key) in doc, so that one can be mutated in place."""
    out = []
    if isinstance(doc, dict):
        for k in list(doc):
            out.append((doc, k))
            out += paths(doc[k], prefix + (k,))
    elif isinstance(doc, list):
        for i in range(len(doc)):
            out.append((doc, i))
            out += paths(doc[i], prefix + (i,))
    return out


def mutate_json(doc, rng):
    doc = copy.deepcopy(doc)
    for _ in range(rng.randint(1, 4)):
        places = paths(doc)
        if not places:
            return odd_value(rng)
        container, key = rng.choice(places)
        what = rng.randrange(7)
        if what == 0 and isinstance(container, dict):
            del container[key]
        elif what == 1:
            container[key] = odd_value(rng)
        elif what == 2 and isinstance(container[key], list):
            container[key] = container[key] * rng.randint(0, 3)
        elif what == 3 and isinstance(container[key], str):
            container[key] = rng.choice(ODD_STRINGS) + container[key][: rng.randint(0, 20)]
        elif what == 4:
            nested = container[key]
            for _ in range(rng.choice([2, 50, 2000])):
                nested = [nested]
            container[key] = nested
        elif what == 5 and isinstance(container, dict):
            container[rng.choice(ODD_STRINGS)] = odd_value(rng)
        elif what == 6:  # a value from elsewhere in the document, of another shape
            other_container, other_key = rng.choice(places)
            container[key] = copy.deepcopy(other_container[other_key]) if other_container is not container else None
    return doc


def mutate_bytes(data, rng):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not data:
            break
        i = rng.randrange(len(data))
        what = rng.randrange(4)
        if what == 0:
            data[i] = rng.randrange(256)
        elif what == 1:
            del data[i: i + rng.randint(1, 64)]
        elif what == 2:
            j = rng.randrange(len(data))
            data[i:i] = data[j: j + rng.randint(1, 64)]
        else:
            data = data[:i]
    return bytes(data)


def run_cli(argv):
    """reports.cli.main(argv) with its output swallowed; SystemExit (argparse) is an exit too."""
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        try:
            return cli.main(argv)
        except SystemExit as e:
            return e.code


def one(path, out_dir):
    for argv in (["validate", path], ["junit", path, "-o", os.path.join(out_dir, "junit.xml")],
                 ["html", path, "-o", out_dir], ["all", path, "-o", out_dir]):
        status = run_cli(argv)
        if status not in (0, 1, 2):
            raise AssertionError(f"{argv[0]}: exit status {status!r}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--findings", default="fuzz-findings")
    p.add_argument("seeds", nargs="+")
    args = p.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(2 ** 32)
    rng = random.Random(seed)
    raw = []
    for s in args.seeds:
        with open(s, "rb") as f:
            raw.append(f.read())
    docs = [json.loads(r) for r in raw]
    runs = findings = 0
    seen = set()
    deadline = time.monotonic() + args.seconds
    with tempfile.TemporaryDirectory(prefix="shmcheck-fuzz-reports-") as tmp:
        path = os.path.join(tmp, "results.json")
        out_dir = os.path.join(tmp, "out")
        while time.monotonic() < deadline:
            k = rng.randrange(len(docs))
            if rng.random() < 0.75:
                try:
                    data = json.dumps(mutate_json(docs[k], rng)).encode("utf-8", "surrogatepass")
                except (RecursionError, ValueError):
                    continue
            else:
                data = mutate_bytes(raw[k], rng)
            with open(path, "wb") as f:
                f.write(data)
            runs += 1
            try:
                one(path, out_dir)
            except Exception as e:  # the finding: anything but an exit status
                where = traceback.extract_tb(e.__traceback__)[-1]
                key = (type(e).__name__, where.filename, where.lineno)
                if key in seen:
                    continue
                seen.add(key)
                findings += 1
                os.makedirs(args.findings, exist_ok=True)
                kept = os.path.join(args.findings, f"results-finding-{findings}.json")
                with open(kept, "wb") as f:
                    f.write(data)
                print(f"finding {findings}: {type(e).__name__}: {str(e)[:200]} (input: {kept})")
                traceback.print_exception(type(e), e, e.__traceback__, limit=-4, file=sys.stdout)
    print(f"reports fuzz: seed {seed}, {runs} executions in {args.seconds:.0f} s "
          f"({runs / max(args.seconds, 1e-9):.1f}/s), {findings} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.setrecursionlimit(10000)
    sys.exit(main())
