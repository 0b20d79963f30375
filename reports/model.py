"""What the report says, computed from a version-1 document: the templates only lay it out.

Keeping the counting and sorting here (not in Jinja) lets the unit tests check the numbers
the page shows without parsing HTML.
"""

import collections

VERDICTS = ("pass", "fail", "inconclusive", "broken", "unsupported")
SUITES = ("spec", "property", "stress", "lifetime", "faults", "audit")

# The order a reader wants: what needs action first, passes last.
KIND_ORDER = {
    "unexpected-fail": 0, "unexpected-broken": 1, "stale": 2, "inconclusive": 3,
    "expected-fail": 4, "expected-broken": 5, "unsupported": 6, "pass": 7,
}
# Kinds a reader has to look at: shown open wherever the report folds things away.
ACT_ON = ("unexpected-fail", "unexpected-broken", "stale", "inconclusive")
KIND_LABEL = {
    "unexpected-fail": "fail", "unexpected-broken": "broken", "stale": "pass, but expected to fail",
    "inconclusive": "inconclusive", "expected-fail": "fail (expected)", "expected-broken": "broken (expected)",
    "unsupported": "unsupported", "pass": "pass",
}


# Chips of a matrix cell in the order a reader scans them: kind, css class, label, short label.
CHIPS = (("unexpected-fail", "fail", "fail", "fail"), ("unexpected-broken", "broken", "broken", "broken"),
         ("inconclusive", "inconclusive", "inconclusive", "inconcl."), ("stale", "expected", "pass, expected to fail", "stale"),
         ("expected-fail", "expected", "fail, expected", "xfail"), ("expected-broken", "expected", "broken, expected", "xbroken"),
         ("unsupported", "unsupported", "unsupported", "unsup."), ("pass", "pass", "pass", "pass"))


def kind(row):
    """The verdict as it counts: an expected failure is not the same news as a new one."""
    verdict, expected = row["verdict"], bool(row.get("expected"))
    if verdict in ("fail", "broken"):
        return ("expected-" if expected else "unexpected-") + verdict
    if verdict == "pass" and expected:
        return "stale"
    return verdict


def is_unexpected(row):
    return kind(row) in ("unexpected-fail", "unexpected-broken")


class Tally:
    """Counts of verdicts, and of what they mean, for one cell of a matrix."""

    def __init__(self):
        self.verdicts = collections.Counter()
        self.kinds = collections.Counter()

    def add(self, row):
        self.verdicts[row["verdict"]] += 1
        self.kinds[kind(row)] += 1

    @property
    def total(self):
        return sum(self.verdicts.values())

    @property
    def unexpected(self):
        return self.kinds["unexpected-fail"] + self.kinds["unexpected-broken"]

    @property
    def expected(self):
        return self.kinds["expected-fail"] + self.kinds["expected-broken"]

    @property
    def stale(self):
        return self.kinds["stale"]

    @property
    def worst(self):
        """The CSS class of the cell: the most serious thing in it. Expected failures are
        known news, so they do not paint a cell red."""
        if self.unexpected:
            return "unexpected"
        if self.kinds["inconclusive"]:
            return "inconclusive"
        if self.expected or self.stale:
            return "expected"
        if self.kinds["pass"]:
            return "pass"
        return "unsupported" if self.kinds["unsupported"] else "empty"

    def chips(self):
        """(css class, label) per kind present, in the order a reader scans them."""
        return [(css, f"{self.kinds[k]} {label}") for k, css, label, _ in CHIPS if self.kinds[k]]

    def short_chips(self):
        """(css class, short label, full label) per kind present: the chips of a matrix with a
        column per ABI, eight of which must fit 1,024 px ("12 unsup." where chips() says
        "12 unsupported"; the full words are the chip's title)."""
        return [(css, f"{self.kinds[k]} {short}", f"{self.kinds[k]} {label}") for k, css, label, short in CHIPS if self.kinds[k]]


def suites_of(results):
    present = {r["suite"] for r in results}
    return [s for s in SUITES if s in present] + sorted(present - set(SUITES))


def impl_label(impl):
    """'cpython 3.11.7', 'pypy 7.3.11 (python 3.9.16)', 'cpython 3.11.2 + billiard 4.1.0'."""
    if "broken" in impl:
        return impl["spec"]
    label = impl["name"] + (f" {impl['version']}" if impl.get("version") else "")
    language = impl.get("language") or {}
    if language.get("version") and language["version"] != impl.get("version"):
        label += f" ({language.get('name', 'language')} {language['version']})"
    module = impl.get("module") or {}
    if module.get("name") and module["name"] != "multiprocessing":  # the standard module says nothing new
        label += f" + {module['name']}" + (f" {module['version']}" if module.get("version") else "")
    return label


def overall(doc):
    """('fail'|'broken'|'pass', one line of words) for the banner, like shmcheck's exit status:
    an unexpected failure decides first, then anything broken that nobody expected."""
    rows = doc["results"]
    fails = sum(kind(r) == "unexpected-fail" for r in rows)
    broken = sum(kind(r) == "unexpected-broken" for r in rows)
    dead = sum("broken" in i for i in doc["implementations"])
    counts = collections.Counter(r["verdict"] for r in rows)
    words = ", ".join(f"{counts[v]} {v}" for v in VERDICTS if counts[v]) or "no results"
    news = []
    if fails:
        news.append(f"{fails} unexpected failure{'s' if fails != 1 else ''}")
    if broken:
        news.append(f"{broken} case{'s' if broken != 1 else ''} broke unexpectedly")
    if dead:
        news.append(f"{dead} implementation{'s' if dead != 1 else ''} could not start")
    state = "fail" if fails else "broken" if news else "pass"
    return state, "; ".join(news or ["nothing failed unexpectedly"]) + f" ({words})"


def summary_matrix(doc):
    """Rows of the implementations x suites matrix: (impl, {suite: Tally}, total Tally)."""
    suites = suites_of(doc["results"])
    by_impl = collections.defaultdict(list)
    for r in doc["results"]:
        by_impl[r["impl"]].append(r)
    rows = []
    for n, impl in enumerate(doc["implementations"]):
        cells = {s: Tally() for s in suites}
        total = Tally()
        for r in by_impl.get(impl["spec"], []):
            cells[r["suite"]].add(r)
            total.add(r)
        rows.append({"anchor": f"impl-{n}", "impl": impl, "label": impl_label(impl), "cells": cells, "total": total})
    return suites, rows


def cases_of(doc, spec):
    """An implementation's rows in reading order: needs-action first, then by suite and case."""
    rows = [r for r in doc["results"] if r["impl"] == spec]
    return sorted(rows, key=lambda r: (KIND_ORDER[kind(r)], SUITES.index(r["suite"]) if r["suite"] in SUITES else 99, r["case"]))


def split_cases(rows):
    """(rows shown in full, unsupported and passing rows for collapsed lists).

    Unsupported cases say the same thing many times over ("no typecode 'q'"), so they are
    a list like the passes, not cards.
    """
    notable = [r for r in rows if kind(r) not in ("pass", "unsupported")]
    unsupported = [r for r in rows if kind(r) == "unsupported"]
    passes = [r for r in rows if kind(r) == "pass"]
    return notable, unsupported, passes


def replay_groups(rows):
    """Rows per suite with the replay command they share, CASE standing for the case id.

    A table row per passing case (suite, case, time, replay) was most of a 13-implementation
    report's bytes and DOM, yet the commands differ only in the case: the shared one is said
    once per suite and the cases with their times are lines of text. A row whose command does
    not follow its suite's most common pattern keeps its own command.
    """
    groups = collections.OrderedDict()
    for r in rows:
        groups.setdefault(r["suite"], []).append(r)
    out = []
    for suite, members in groups.items():
        patterns = collections.Counter(_pattern(r) for r in members)
        patterns.pop(None, None)
        shared = patterns.most_common(1)[0][0] if patterns else None
        follows = [r for r in members if shared and _pattern(r) == shared]
        out.append({"suite": suite, "count": len(members), "pattern": shared, "rows": follows,
                    "own": [r for r in members if not (shared and _pattern(r) == shared)]})
    return out


def _pattern(row):
    """The replay command with its (last) mention of the case id replaced by CASE, or None."""
    case, repro = row.get("case") or "", row.get("repro") or ""
    at = repro.rfind(case) if case else -1
    return repro[:at] + "CASE" + repro[at + len(case):] if at >= 0 else None


def reason_groups(rows):
    """Unsupported rows by their message: the same reason ("no typecode 'q'") once, with its cases."""
    groups = collections.OrderedDict()
    for r in rows:
        groups.setdefault(r["message"], []).append(r)
    return [{"message": message, "rows": members} for message, members in groups.items()]


def in_command(command, option, value):
    """Whether `command` passes `value` to `option` (its words as a shell would split them)."""
    words = (command or "").split()
    return any(a == option and b == str(value) for a, b in zip(words, words[1:]))
