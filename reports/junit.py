"""JUnit XML for CI systems: one <testsuite> per implementation x suite (x platform when merged).

Mapping, as pytest writes its xfail and xpass (README, "JUnit"):
- an unexpected fail is a <failure>, an unexpected broken an <error>;
- a fail or broken that the implementation's expectations file lists is <skipped> whose message
  starts "expected fail: " (or "expected broken: ") and gives the expectation's reason: not
  counted as a failure, as shmcheck's exit status does not count it, yet not a green either;
- unsupported and inconclusive are <skipped> whose message starts with the verdict and says why;
- a pass the expectations file said would fail (the file is stale) is a pass whose
  <system-out> starts "XPASS", with the line expected_fail_but_passed.
Every case carries its verdict, seed and replay command as "name: value" lines of its
<system-out>. The file validates against Jenkins' junit-10.xsd, the schema pytest's xunit2
output follows and the xUnit plugin checks its input with; that schema has no <properties> in a
<testcase> (pytest drops record_property in xunit2 for the same reason), no skipped count on
<testsuites> and at most three decimals in a time. reports/schema/junit.xsd is that dialect as
shmcheck writes it.
"""

import collections
import io
import os
import re
import xml.etree.ElementTree as ET

from . import model, output

# XML 1.0 cannot carry most control characters, and an implementation's output may hold any;
# ElementTree would write them and produce a file no CI system parses.
_NOT_XML = re.compile(r"[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(value):
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))


def _case_text(row):
    parts = [row["message"]]
    if row.get("counterexample"):
        parts.append("counterexample:\n" + row["counterexample"])
    if row.get("repro"):
        parts.append("replay: " + row["repro"])
    return "\n".join(p for p in parts if p)


def _present(pairs):
    return [(k, v) for k, v in pairs if v not in (None, "")]


def _properties(parent, pairs):
    pairs = _present(pairs)
    if pairs:
        props = ET.SubElement(parent, "properties")
        for name, value in pairs:
            ET.SubElement(props, "property", name=clean(name), value=clean(value))


def details(text):
    """The "name: value" lines of a test case's <system-out>, as a dict (what details_text wrote)."""
    found = {}
    for line in (text or "").splitlines():
        name, sep, value = line.partition(": ")
        if sep and re.fullmatch(r"[a-z_]+", name):
            found.setdefault(name, value)
    return found


def _details_text(pairs):
    # One line each: a value's own line breaks would start lines that look like other names.
    return "\n".join(f"{name}: {' '.join(str(value).splitlines())}" for name, value in _present(pairs))


def _seconds(value):
    return f"{value:.3f}"  # junit-10.xsd's SUREFIRE_TIME allows three decimals


def testsuites(docs):
    """The <testsuites> element for one or more version-1 documents (rows may carry platform)."""
    root = ET.Element("testsuites", name="shmcheck")
    groups = collections.OrderedDict()
    for doc in docs:
        for row in doc["results"]:
            groups.setdefault((row.get("platform"), row["impl"], row["suite"]), []).append((doc, row))
    totals = collections.Counter()
    for (platform, impl, suite), rows in groups.items():
        # Platform names and cpython specs contain '/': the platform goes in brackets.
        name = clean(f"[{platform}] {impl}/{suite}" if platform else f"{impl}/{suite}")
        counts = collections.Counter()
        suite_el = ET.SubElement(root, "testsuite", name=name)
        if platform:
            suite_el.set("hostname", clean(platform))
        doc = rows[0][0]
        _properties(suite_el, [("seed", doc["run"]["seed"]), ("command", doc["run"]["command"]),
                               ("git", doc["run"]["git"]), ("platform", platform)])
        for _, row in rows:
            counts["tests"] += 1
            counts["time"] += row["seconds"]
            case = ET.SubElement(suite_el, "testcase", name=clean(row["case"]), classname=clean(f"{impl}.{suite}"),
                                 time=_seconds(row["seconds"]))
            k = model.kind(row)
            lines = [("verdict", row["verdict"]), ("source", row.get("source")),
                     ("seed", row.get("seed")), ("reproduce", row.get("reproduce")), ("repro", row.get("repro"))]
            xpass = ""
            if k in ("expected-fail", "expected-broken"):
                counts["skipped"] += 1
                lines.append(("expected_" + row["verdict"], row["expectation"]))
                reason = row.get("expectation") or "listed in the expectations file"
                ET.SubElement(case, "skipped", type="xfail",
                              message=clean(f"expected {row['verdict']}: {reason}")).text = clean(_case_text(row))
            elif k == "stale":
                lines.append(("expected_fail_but_passed", row["expectation"]))
                xpass = (f"XPASS: expected to fail ({row.get('expectation') or 'expectations file'}) but passed:"
                         " the expectations file is stale for this implementation\n")
            elif k == "unexpected-fail":
                counts["failures"] += 1
                ET.SubElement(case, "failure", message=clean(row["message"] or "fail"), type="fail").text = clean(_case_text(row))
            elif k == "unexpected-broken":
                counts["errors"] += 1
                ET.SubElement(case, "error", message=clean(row["message"] or "broken"), type="broken").text = clean(_case_text(row))
            elif k in ("unsupported", "inconclusive"):
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", type=k, message=clean(f"{k}: {row['message']}" if row["message"] else k))
            ET.SubElement(case, "system-out").text = clean(xpass + _details_text(lines))
        for key in ("tests", "failures", "errors", "skipped"):
            suite_el.set(key, str(counts[key]))
        suite_el.set("time", _seconds(counts["time"]))
        totals.update(counts)
    for key in ("tests", "failures", "errors"):  # junit-10.xsd has no skipped count here
        root.set(key, str(totals[key]))
    root.set("time", _seconds(totals["time"]))
    return root


def write(docs, path):
    tree = ET.ElementTree(testsuites(docs))
    ET.indent(tree)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    data = io.BytesIO()
    tree.write(data, encoding="utf-8", xml_declaration=True)
    return output.write_bytes(path, data.getvalue())
