"""Reading results.json: parse, upgrade version 0 in memory, validate against version 1.

The schema (schema/results.schema.json) is the contract with the C++ side. Renderers only
ever see version-1 shaped documents: `load` upgrades a version-0 document (what shmcheck
wrote before the schema existed) by filling in what it lacks, so the templates need no
"if this key exists" for required keys.
"""

import copy
import json
import pathlib

SCHEMA_PATH = pathlib.Path(__file__).resolve().parent / "schema" / "results.schema.json"
CURRENT = "shmcheck-results/1"
LEGACY = "shmcheck-results/0"
UNKNOWN = "unknown"


# How deep a results document may nest. shmcheck's nest a driver's answer (at most 64 levels,
# protocol/PROTOCOL.md section 1) a few levels down; past this, Python's recursion (json,
# jsonschema, the templates) would end in a RecursionError long before a report.
MAX_DEPTH = 100


class InputError(Exception):
    """A file that cannot be read as a results document at all (exit status 2)."""


def depth(doc):
    """How deeply `doc` nests lists and objects, counted without recursion."""
    deepest, stack = 0, [(doc, 0)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, (dict, list)):
            level += 1
            deepest = max(deepest, level)
            stack.extend((v, level) for v in (value.values() if isinstance(value, dict) else value))
    return deepest


def schema():
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        return json.load(f)


def read(path):
    """The parsed JSON of `path`, or InputError naming the file and what is wrong."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from e
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not JSON: {e}") from e
    except RecursionError as e:  # json's own parser recurses once per level
        raise InputError(f"{path}: nested too deeply to read (a results document nests at most {MAX_DEPTH} levels)") from e
    if depth(doc) > MAX_DEPTH:
        raise InputError(f"{path}: nested {depth(doc)} levels deep (a results document nests at most {MAX_DEPTH} levels)")
    return doc


def _shaped(value, kind, where):
    """`value` if it is a `kind` (dict or list), else InputError saying where."""
    if not isinstance(value, kind):
        raise InputError(f"{LEGACY} document: {where} is not a JSON {'object' if kind is dict else 'list'}")
    return value


def upgrade(doc):
    """A version-1 shaped copy of a version-0 document; version 1 is returned as it is.

    Missing facts become 'unknown' (or null where the schema allows it) rather than guesses:
    the report must not claim a host or capabilities the run never recorded.
    """
    if not isinstance(doc, dict):
        raise InputError("top level is not a JSON object")
    version = doc.get("schema")
    if version == CURRENT:
        return doc
    if version != LEGACY:
        raise InputError(f"unknown schema {version!r} (expected {CURRENT!r} or {LEGACY!r})")
    doc = copy.deepcopy(doc)
    doc["schema"] = CURRENT
    # Version 0 has no schema to check it first: what is filled in below must be of the shape
    # it is filled into, or the document is not one (found by reports/fuzz/).
    run = _shaped(doc.setdefault("run", {}), dict, "/run")
    run.setdefault("started", "1970-01-01T00:00:00Z")
    run.setdefault("duration_seconds", None)
    run.setdefault("seed", 0)
    run.setdefault("command", UNKNOWN)
    for key in ("git", "shmcheck"):
        if not run.get(key):
            run[key] = UNKNOWN
    host = _shaped(run.setdefault("host", {}), dict, "/run/host")
    for key in ("os", "kernel", "machine", "cpu_model", "compiler"):
        host.setdefault(key, UNKNOWN)
    host.setdefault("cores", None)
    host.setdefault("libraries", {})
    impls = _shaped(doc.setdefault("implementations", []), list, "/implementations")
    for n, impl in enumerate(impls):
        _shaped(impl, dict, f"/implementations/{n}")
    platforms = [i.get("platform") for i in impls if isinstance(i.get("platform"), dict)]
    if host["machine"] == UNKNOWN and platforms:
        # Version 0 knew the machine only through the drivers that ran on it.
        host["machine"] = platforms[0].get("machine", UNKNOWN)
        host["os"] = platforms[0].get("os", UNKNOWN)
    if "running" in doc:
        run["running"] = doc.pop("running")
    for impl in impls:
        if "broken" not in impl:
            impl.setdefault("name", impl.get("spec", UNKNOWN))
            impl.setdefault("version", "")
            impl.setdefault("platform", {"os": UNKNOWN, "machine": UNKNOWN})
            impl.setdefault("capabilities", {"typecodes": ""})
    defaults = {"source": "", "expected": False, "expectation": "", "message": "", "repro": "", "seconds": 0}
    for n, row in enumerate(_shaped(doc.setdefault("results", []), list, "/results")):
        _shaped(row, dict, f"/results/{n}")
        for key, value in defaults.items():
            row.setdefault(key, value)
        if row.get("seconds") is None:
            row["seconds"] = 0
    return doc


def json_path(error_path):
    """A JSON Pointer-ish path ('/results/3/verdict') for a jsonschema error's absolute_path."""
    return "/" + "/".join(str(p) for p in error_path)


def schema_errors(doc):
    """Schema violations of `doc` against version 1, best first: [(path, message)]."""
    import jsonschema  # only validation needs it; html/junit work without

    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    # best_match picks the most relevant error of a oneOf/anyOf/if tree; report that first.
    best = jsonschema.exceptions.best_match(iter(errors))
    ordered = ([best] if best is not None else []) + [e for e in errors if e is not best]
    return [(json_path(e.absolute_path), e.message) for e in ordered]


def consistency_errors(doc):
    """What a schema cannot say: every result names a listed implementation, no case twice."""
    problems = []
    specs = {i.get("spec") for i in doc.get("implementations", []) if isinstance(i, dict)}
    seen = set()
    for n, row in enumerate(doc.get("results", [])):
        if row.get("impl") not in specs:
            problems.append((f"/results/{n}/impl", f"{row.get('impl')!r} is not the spec of any implementation"))
        key = (row.get("platform"), row.get("impl"), row.get("suite"), row.get("case"))
        if key in seen:
            problems.append((f"/results/{n}", f"{row.get('impl')} {row.get('suite')} {row.get('case')} is recorded twice"))
        seen.add(key)
    return problems


def errors(doc):
    """Every problem with `doc` as a version-1 document, schema errors first."""
    found = schema_errors(doc)
    return found if found else consistency_errors(doc)


def load(path):
    """A version-1 shaped document from `path` (version 0 upgraded), or InputError."""
    try:
        return upgrade(read(path))
    except InputError as e:
        if str(e).startswith(str(path)):
            raise
        raise InputError(f"{path}: {e}") from e
