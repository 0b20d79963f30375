"""Foreign-ABI variants of a real host run, for the tests of the report's ABI dimension.

    /usr/bin/python3 -m reports.tests.abi_variants HOST.json [HOST2.json ...] -o FOREIGN.json

rewrites the implementations of the host run(s) (`ref`, `python:/usr/bin/python3`) into the
specs a run on foreign ABIs has (`linux-s390x:ref`, `linux-armhf:python`), each with its `abi`,
and changes a few verdicts where the audit says the ABIs differ, so that the report has
differences to show:

- `wrap-L-minus-1` fails where `unsigned long` is 4 bytes (ILP32: linux-i686, linux-armhf;
  LLP64: windows-x64-mingw): -1 wraps to 2**32-1 there, the spec's value is CPython's on LP64;
- the reference's `owner-death` is `unsupported` with an "emulator: ..." reason under qemu-user
  (no set_robust_list: a dead owner's robust mutex is never reported), and passes under wine
  (CPython's fails everywhere, as its expectations file says);
- CPython is absent on linux-riscv64 (not in Debian 12) and windows-x64-mingw, and the
  riscv64 one is a broken implementation (no root filesystem), as a run that asked for it says.

Until the harness runs foreign ABIs itself (issue 16's `ABI:` specs) this stands in for such a
run; the document says it was derived (x_derived_from). PLANTED says what was changed, so the
tests check the report against it rather than against numbers copied from a page.
"""

import argparse
import copy
import json
import sys

from reports import load, merge

# The executed foreign ABIs of audit/data/abis.json, in its order.
FOREIGN = ("linux-i686", "linux-armhf", "linux-aarch64", "linux-riscv64", "linux-s390x", "linux-ppc64el", "windows-x64-mingw")
ILP32_OR_LLP64 = ("linux-i686", "linux-armhf", "windows-x64-mingw")  # unsigned long is 4 bytes
NO_PYTHON = ("linux-riscv64", "windows-x64-mingw")
BROKEN_PYTHON = {"linux-riscv64": "linux-riscv64: no root filesystem with a python3 (riscv64 is not a Debian 12 architecture); "
                                  "ci/foreign-roots makes them"}
EMULATOR_REASON = ("emulator: qemu-user does not implement set_robust_list, so a dead owner's robust mutex is never "
                   "reported (EOWNERDEAD) under it; the real machine reports it")
WRAP_MESSAGE = "L: -1 read back as 4294967295, expected 18446744073709551615 (unsigned long is 4 bytes on this ABI)"


def inner_specs(doc):
    """The host specs rewritten: ref -> ref, python:/usr/bin/python3 -> python (the foreign CPython is
    the root filesystem's /usr/bin/python3, so its spec names no path)."""
    out = {}
    for impl in doc["implementations"]:
        spec = impl["spec"]
        if spec == "python" or spec.startswith("python:") or spec.startswith("python@"):
            method = spec[spec.rindex("@"):] if "@" in spec else ""
            out[spec] = "python" + method
        else:
            out[spec] = spec
    return out


def planted(abi, inner, suite, case):
    """(verdict, message) this script gives the case on that ABI, or None to keep the host's."""
    if suite == "spec" and case == "wrap-L-minus-1" and abi in ILP32_OR_LLP64:
        return "fail", WRAP_MESSAGE
    if suite == "stress" and case == "owner-death" and inner == "ref" and abi.startswith("linux-"):
        return "unsupported", EMULATOR_REASON
    return None


def variants(host, abis=FOREIGN):
    """A document of the host run's implementations on each of `abis` (see the module's docstring)."""
    inner = inner_specs(host)
    out = copy.deepcopy(host)
    out["implementations"], out["results"] = [], []
    for section, key in (("stress", "runs"), ("lifetime", "cases"), ("faults", "cases")):
        if section in out:
            out[section][key] = []
    for extra in ("audit", "leftovers", "_runs"):  # the host's own; _runs: merge.combine's note of its inputs
        out.pop(extra, None)
    for abi in abis:
        for impl in host["implementations"]:
            name = inner[impl["spec"]]
            python = name.startswith("python")
            spec = f"{abi}:{name}"
            if python and abi in BROKEN_PYTHON:
                out["implementations"].append({"spec": spec, "broken": BROKEN_PYTHON[abi], "abi": abi})
                continue
            if python and abi in NO_PYTHON:
                continue
            entry = copy.deepcopy(impl)
            entry.update(spec=spec, abi=abi)
            out["implementations"].append(entry)
            for row in host["results"]:
                if row["impl"] == impl["spec"]:
                    out["results"].append(_row(row, abi, spec, name))
            for section, key in (("stress", "runs"), ("lifetime", "cases"), ("faults", "cases")):
                for item in host.get(section, {}).get(key, []):
                    if item["impl"] == impl["spec"]:
                        out[section][key].append(dict(copy.deepcopy(item), impl=spec))
    out["run"]["command"] = host["run"]["command"] + f"  (ABIs rewritten by reports/tests/abi_variants.py: {', '.join(abis)})"
    out["x_derived_from"] = "a real host run, rewritten by reports/tests/abi_variants.py into foreign-ABI specs"
    return out


def _row(row, abi, spec, name):
    row = copy.deepcopy(row)
    old = row["impl"]
    row["impl"] = spec
    row["repro"] = row["repro"].replace(f"--impl {old}", f"--impl {spec}")
    change = planted(abi, name, row["suite"], row["case"])
    if change:
        row["verdict"], row["message"] = change
        row["expected"], row["expectation"] = False, ""
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m reports.tests.abi_variants", description=__doc__.split("\n\n")[0])
    parser.add_argument("host", nargs="+", help="results.json files of one host run (combined)")
    parser.add_argument("-o", "--out", required=True)
    parser.add_argument("--abi", action="append", help=f"foreign ABIs (default: {', '.join(FOREIGN)})")
    args = parser.parse_args(argv)
    host = merge.combine([load.load(p) for p in args.host])
    doc = variants(host, tuple(args.abi or FOREIGN))
    problems = load.errors(doc)
    if problems:
        print(f"abi_variants: the document would be invalid: {problems[0]}", file=sys.stderr)
        return 1
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{args.out}: {len(doc['implementations'])} implementations, {len(doc['results'])} results")
    return 0


if __name__ == "__main__":
    sys.exit(main())
