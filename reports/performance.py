"""Google Benchmark JSON (bench/, written by ci/bench) -> a version-1 results document
whose only content is the `performance` section: one number per benchmark and the ratios
issue 8 asks for.

Each benchmark gives one number: the median of its repetitions where it was repeated
(Google Benchmark's `median` aggregate), else its single run. The number is the benchmark's
rate counter (pairs, increments or bytes per second), so every ratio is "numerator as fast
as denominator": 0.9 means 90 % of the denominator's throughput. Ratios are taken between
benchmarks of the same files, i.e. of one run: absolute numbers on a shared machine are
noisy, numbers measured side by side much less so.

The host facts come from the machine this runs on, which ci/bench makes the machine the
benchmarks ran on; when the benchmark context names another host, they are 'unknown'
rather than a guess.
"""

import datetime
import fractions
import json
import math
import platform
import re
import statistics

from . import load, output, placement

# The counter that is each benchmark's number, in order of preference, and its unit.
METRICS = (("pairs_per_second", "pairs/s"), ("increments_per_second", "increments/s"),
           ("bytes_per_second", "B/s"), ("items_per_second", "items/s"))
# Families whose second name component is an implementation (schema: benchmarks[].impl).
IMPL_FAMILIES = ("HeldIncrements", "BatchedElementOps")

MIB64 = 64 * 1024 * 1024
_LOCK = "acquire+release pairs per second"
_COPY = "bytes per second at 64 MiB"
# (name, numerator, denominator, note). A ratio whose benchmarks are missing or failed is
# left out, and `missing_ratios` says which.
RATIOS = (
    ("reference lock / pthread mutex, 1 process", "Lock/ref/procs:1", "Lock/pthread/procs:1",
     f"{_LOCK}; target at least 0.90 (within 10 %); where the rest goes: lib/include/shmcheck/lock.hpp"),
    ("reference lock / pthread mutex, 2 processes", "Lock/ref/procs:2", "Lock/pthread/procs:2",
     f"{_LOCK}, both processes together; target at least 0.90"),
    ("robust pthread / plain pthread, 1 process", "Lock/pthread-robust/procs:1", "Lock/pthread/procs:1",
     "what robustness alone costs"),
    ("robust pthread / plain pthread, 2 processes", "Lock/pthread-robust/procs:2", "Lock/pthread/procs:2",
     "what robustness alone costs under contention"),
    ("robust recursive pthread / robust pthread, 1 process", "Lock/pthread-robust-recursive/procs:1",
     "Lock/pthread-robust/procs:1", "what the recursive mutex type adds"),
    ("reference lock / robust recursive pthread, 1 process", "Lock/ref/procs:1", "Lock/pthread-robust-recursive/procs:1",
     "what the reference's own bookkeeping adds (owner, depth, acquisition count) over the mutex it wraps"),
    ("reference lock / robust recursive pthread, 2 processes", "Lock/ref/procs:2", "Lock/pthread-robust-recursive/procs:2",
     "the same under contention"),
    ("slice read into a buffer / memcpy at 64 MiB ('d')", f"SliceReadInto/d/bytes:{MIB64}",
     f"Memcpy/from-shared/bytes:{MIB64}", f"{_COPY}; a.get(a[:], out) into a buffer already faulted in; target at least 0.90"),
    ("slice read into a buffer / memcpy at 64 MiB ('B')", f"SliceReadInto/B/bytes:{MIB64}",
     f"Memcpy/from-shared/bytes:{MIB64}", f"{_COPY}, one-byte elements; target at least 0.90"),
    ("slice read / memcpy at 64 MiB ('d')", f"SliceRead/d/bytes:{MIB64}", f"Memcpy/from-shared/bytes:{MIB64}",
     f"{_COPY}; a[:] returns a new vector: bounded by the new vector's row below"),
    ("slice write / memcpy at 64 MiB ('d')", f"SliceWrite/d/bytes:{MIB64}", f"Memcpy/to-shared/bytes:{MIB64}",
     f"{_COPY}; a[:] = v; target at least 0.90"),
    ("slice read / memcpy at 64 MiB ('B')", f"SliceRead/B/bytes:{MIB64}", f"Memcpy/from-shared/bytes:{MIB64}",
     f"{_COPY}, one-byte elements, a new vector"),
    ("slice write / memcpy at 64 MiB ('B')", f"SliceWrite/B/bytes:{MIB64}", f"Memcpy/to-shared/bytes:{MIB64}",
     f"{_COPY}, one-byte elements; target at least 0.90"),
    ("new vector / memcpy at 64 MiB", f"Memcpy/into-new-vector/bytes:{MIB64}", f"Memcpy/from-shared/bytes:{MIB64}",
     "the floor of any read that returns a new buffer: allocation and first-touch page faults"),
    ("shared Array / pipe at 64 MiB", f"Transfer/shared-array/bytes:{MIB64}", f"Transfer/pipe/bytes:{MIB64}",
     "one process to another, the receiver ending with its own copy; above 1 the shared Array is faster"),
    ("shared Array / pipe with serialization at 64 MiB", f"Transfer/shared-array/bytes:{MIB64}",
     f"Transfer/pipe-pickle/bytes:{MIB64}", "the pipe side encodes each double as pickle does and decodes it"),
    ("ref / boost, held increments, 2 processes", "HeldIncrements/ref/procs:2", "HeldIncrements/boost/procs:2",
     "increments per second, each implementation's own workers, through the driver protocol"),
) + tuple(
    (f"ref / cpython-{v}, held increments, 2 processes", "HeldIncrements/ref/procs:2", f"HeldIncrements/cpython-{v}/procs:2",
     "increments per second, each implementation's own workers, through the driver protocol")
    for v in ("3.8", "3.11", "3.13")) + tuple(
    (f"ref called from C++ / cpython-{v}, held increments, 2 processes", "Increment/held/procs:2",
     f"HeldIncrements/cpython-{v}/procs:2",
     "what a user of each gets: Value<int> and Guard in C++ (shmcheck_bench_locks) against CPython's workers "
     "running Python; the driver's own C++ workers interpret protocol operations per access")
    for v in ("3.8", "3.11", "3.13"))

# Paired ratios (bench/paired.hpp): a benchmark "Ratio/NAME/ARGS" measured both sides
# interleaved and reports each repetition's `ratio`, or with two processes its pairs split by
# where the CPUs were (placement.near_limit() picks the split). NAME -> (title, note, the unpaired
# RATIOS it replaces when it is there: they measured the same sides minutes apart).
PAIRED = {
    "lock-ref-vs-pthread-robust-recursive": (
        "reference lock / robust recursive pthread", f"{_LOCK}, interleaved; target at least 0.95",
        ("reference lock / robust recursive pthread, 1 process", "reference lock / robust recursive pthread, 2 processes")),
    "lock-ref-vs-pthread": (
        "reference lock / pthread mutex", f"{_LOCK}, interleaved; target at least 0.70",
        ("reference lock / pthread mutex, 1 process", "reference lock / pthread mutex, 2 processes")),
    "array-vs-pipe": (
        "shared Array / pipe (recv_bytes)", "payload bytes per second, a producer computing the data and a consumer summing it, "
        "interleaved; the pipe's consumer gets a new buffer per message as Connection.recv_bytes() gives it; target at least "
        "10 at 64 MiB", ("shared Array / pipe at 64 MiB",)),
    "array-vs-pipe-into": (
        "shared Array / pipe (recv_bytes_into)", "the same with the pipe's consumer reading into one buffer made once: the "
        "pipe's best case", ()),
}
for what, title in (("d", "('d')"), ("B", "('B')")):
    PAIRED[f"slice-read-into-vs-memcpy/{what}"] = (
        f"slice read into a buffer / memcpy {title}", f"{_COPY}, interleaved; a.get(a[:], out); target at least 0.90",
        (f"slice read into a buffer / memcpy at 64 MiB {title}",))
    PAIRED[f"slice-write-vs-memcpy/{what}"] = (
        f"slice write / memcpy {title}", f"{_COPY}, interleaved; a[:] = v; target at least 0.90",
        (f"slice write / memcpy at 64 MiB {title}",))
PAIRED.update({
    f"held-increments-ref-vs-{impl}": (
        f"ref / {impl}, held increments", "increments per second, each implementation's own workers, rounds interleaved; "
        "target at least 10 against cpython-3.11", tuple(f"ref / {impl}, held increments, {n}" for n in ("2 processes",)))
    for impl in ("boost", "cpython-3.8", "cpython-3.11", "cpython-3.13")})
_RATIO_PREFIX = "Ratio/"
# How close a paired ratio's median must be pinned down: its 95 % interval within +-3 % of it
# (both ends). Why 3: two runs whose medians each lie within 3 % of the truth differ by about
# 6 % at most, inside the 10 % that issue 17 asks of two ci/bench runs in a row.
SETTLED_WITHIN = 0.03
_LEVEL = 0.95


def median_interval(values, level=_LEVEL):
    """(low, high): a distribution-free interval for the median of what `values` sample, of
    at least `level` coverage (order statistics: the k-th lowest and k-th highest for the
    largest k with P(Binomial(n, 1/2) < k) <= (1 - level) / 2); None when n is too small
    for any (n < 6 at 95 %). Exact integer arithmetic: no underflow for large n."""
    xs, n = sorted(values), len(values)
    allowed = fractions.Fraction(1 - level).limit_denominator(10 ** 6) / 2 * 2 ** n  # the tail's most, in outcomes of 2^n
    k, tail = 0, 0
    while k < n // 2 and tail + math.comb(n, k) <= allowed:
        tail += math.comb(n, k)
        k += 1
    return (xs[k - 1], xs[n - k]) if k >= 1 else None


def settled(row, within=SETTLED_WITHIN):
    """Whether both ends of a paired ratio row's interval lie within +-`within` of its value."""
    low, high = row.get("interval_low"), row.get("interval_high")
    return low is not None and high is not None and max(row["value"] - low, high - row["value"]) <= within * row["value"]


def _args_text(args):
    """'procs:1' -> '1 process', 'bytes:67108864' -> '64 MiB'; anything else as it is."""
    out = []
    for part in args:
        key, _, value = part.partition(":")
        if key == "procs" and value.isdigit():
            out.append(f"{value} process{'es' if value != '1' else ''}")
        elif key == "bytes" and value.isdigit():
            n = int(value)
            out.append(f"{n >> 20} MiB" if n % (1 << 20) == 0 else f"{n >> 10} KiB" if n % 1024 == 0 else f"{n} B")
        else:
            out.append(part)
    return ", ".join(out)


def _paired_key(name):
    """'Ratio/slice-write-vs-memcpy/d/bytes:N' -> ('slice-write-vs-memcpy/d', ['bytes:N']): the
    longest PAIRED key the name starts with, else its first component."""
    rest = name[len(_RATIO_PREFIX):]
    keys = [k for k in PAIRED if rest == k or rest.startswith(k + "/")]
    key = max(keys, key=len) if keys else rest.split("/")[0]
    return key, [a for a in rest[len(key):].split("/") if a]


def paired_ratios(files, missing=None):
    """The paired ratio rows of every file: median over repetitions (of one benchmark in any
    number of files: ci/bench's extra batches), with min and max. A benchmark with an error
    in any repetition of any file is left out: summarize() reports the error. A two-process
    one (bench/paired.hpp: its pairs split by the round trip between its CPUs) gives the
    ratio over the pairs measured with the CPUs near each other (reports/placement.py); one
    none of whose repetitions had enough of those is left out too, and its row (name and
    numerator only) appended to `missing` (a list) when given."""
    per_name, errors, program_of, per_program = {}, set(), {}, {}
    for data in files:
        entries = sorted(data["benchmarks"], key=lambda e: (e.get("family_index", 0), e.get("per_family_instance_index", 0)))
        # The limit is each program's own (its batches together): the programs probe their CPUs
        # in different ways (bench/support.hpp: Placement), and ci/bench decides what to run
        # again one program at a time (`unsettled`), which must agree with the final document.
        program = str(data["context"].get("executable", ""))
        for entry in entries:
            name = base_name(entry.get("run_name", entry["name"]))
            if not name.startswith(_RATIO_PREFIX):
                continue
            if entry.get("error_occurred"):
                errors.add(name)
            elif entry.get("run_type") != "aggregate" and (placement.number(entry, "ratio") or placement.probed(entry)):
                per_name.setdefault(name, []).append(entry)
                program_of[name] = program
                per_program.setdefault(program, []).append(entry)
    limits = {program: placement.near_limit(entries) for program, entries in per_program.items()}
    rows = []
    for name, entries in per_name.items():
        if name in errors:
            continue
        row = _paired_row(name, entries, limits[program_of[name]])
        if row["value"] is None:
            if missing is not None:
                missing.append(row)
            continue
        rows.append(row)
    return rows


def _paired_row(name, entries, limit):
    """One paired ratio's row from its repetitions; "value" None when none gave a ratio."""
    key, args = _paired_key(name)
    title, note, _ = PAIRED.get(key, (key, "interleaved", ()))
    title = f"{title}, {_args_text(args)}" if args else title
    ratios = [placement.near_ratio(e, limit) for e in entries]
    values = [v for v in ratios if v is not None]
    if not values:
        return {"name": title, "value": None, "numerator": name}
    row = {"name": title, "value": statistics.median(values), "min": min(values), "max": max(values),
           "repetitions": len(values), "paired": True, "note": note, "numerator": name, "denominator": name}
    rates = [float(e["denominator_per_second"]) for e in entries if placement.number(e, "denominator_per_second")]
    if rates:  # the other side's own rate, measured interleaved: how fast the machine was (reports compare)
        row["denominator_rate"] = statistics.median(rates)
    probed = [e for e in entries if placement.probed(e)]
    if probed:
        pairs = sum(float(e.get("pairs", 0)) for e in probed)
        near = sum(float(e.get(f"pairs_le_{limit}ns", 0)) for e in probed) if limit is not None else pairs
        all_pairs = [float(e["ratio_all_pairs"]) for e in probed if placement.number(e, "ratio_all_pairs")]
        few = sum(1 for e, v in zip(entries, ratios) if v is None and placement.probed(e))
        row["far_share"] = 1 - near / pairs if pairs else 0.0
        row["near_limit_ns"] = limit
        if all_pairs:
            row["ratio_all_pairs"] = statistics.median(all_pairs)
        where = (f"a round trip of at most {limit} ns between its CPUs around the pair" if limit is not None
                 else "the round trips between its CPUs showed no gap: every pair")
        row["note"] += (f"; over the pairs measured with the two CPUs near each other ({where}): "
                        f"{100 * row['far_share']:.0f} % of pairs were measured farther apart"
                        + (f", and over all pairs the ratio is {row['ratio_all_pairs']:.2f}" if all_pairs else "")
                        + (f"; {few} of {len(probed)} repetitions had too few near pairs and are left out" if few else ""))
    if any(e.get("cpus_apart") == 0 for e in entries):  # a 2-process benchmark that could not pin (bench/support.hpp)
        row["note"] += "; measured with both processes where the scheduler put them (fewer than two CPUs allowed)"
    interval = median_interval(values)
    if interval:
        row["interval_low"], row["interval_high"] = interval
    row["settled"] = settled(row)
    return row


def unsettled(paths, within=SETTLED_WITHIN):
    """The benchmark names of the paired ratios in `paths` whose median is not yet pinned
    down to +-`within`, and of those with no near repetition yet (ci/bench repeats them)."""
    never_near = []
    rows = paired_ratios([read_file(p) for p in paths], never_near)
    return [r["numerator"] for r in rows if not settled(r, within)] + [r["numerator"] for r in never_near]


def superseded(paired_rows):
    """Names of unpaired RATIOS that a paired ratio of this run replaces."""
    keys = {_paired_key(r["numerator"])[0] for r in paired_rows}
    return {old for key in keys for old in PAIRED.get(key, ("", "", ()))[2]}


_TIME_SUFFIX = re.compile(r"/(real_time|manual_time|process_time)$")


def base_name(name):
    """'Lock/ref/procs:1/real_time' -> 'Lock/ref/procs:1': the time flavour is not part of what it measures."""
    return _TIME_SUFFIX.sub("", name)


def metric(entry):
    """(value, unit) of one benchmark entry: its rate counter, else its time per iteration."""
    for key, unit in METRICS:
        if isinstance(entry.get(key), (int, float)):
            return float(entry[key]), unit
    return float(entry["real_time"]), f"{entry.get('time_unit', 'ns')}/iteration"


def read_file(path):
    """The parsed Google Benchmark JSON of `path`; InputError when it is not one."""
    data = load.read(path)
    if not isinstance(data, dict) or not isinstance(data.get("benchmarks"), list) or not isinstance(data.get("context"), dict):
        raise load.InputError(f"{path}: not Google Benchmark JSON (no context and benchmarks)")
    return data


def summarize(files):
    """({name: benchmark row}, [error rows]) over every file, in the order benchmarks ran."""
    runs, medians, cvs, errors, order = {}, {}, {}, [], []
    for data in files:
        # Registration order (family, then instance), not run order: ci/bench interleaves
        # repetitions at random, and a reader wants Lock/ref/procs:1 next to procs:2.
        entries = sorted(data["benchmarks"], key=lambda e: (e.get("family_index", 0), e.get("per_family_instance_index", 0)))
        for entry in entries:
            name = base_name(entry.get("run_name", entry["name"]))
            if name.startswith(_RATIO_PREFIX) and not entry.get("error_occurred"):
                continue  # a paired ratio, not a rate: paired_ratios() reads it
            if entry.get("error_occurred"):
                errors.append({"name": name, "message": entry.get("error_message", "")})
                continue
            if name not in order:
                order.append(name)
            if entry.get("run_type") == "aggregate":
                if entry.get("aggregate_name") == "median":
                    medians[name] = entry
                elif entry.get("aggregate_name") == "cv":
                    cvs[name] = entry
            else:
                runs.setdefault(name, []).append(entry)
    failed = {e["name"] for e in errors}
    rows = {}
    for name in order:
        if name in failed:
            continue  # one failed repetition makes the others suspect too
        if name in medians:
            value, unit = metric(medians[name])
            statistic = "median"
        else:
            values = [metric(e) for e in runs.get(name, [])]
            if not values:
                continue
            value, unit = statistics.median(v for v, _ in values), values[0][1]
            statistic = "median" if len(values) > 1 else "single"
        row = {"name": name, "value": value, "unit": unit, "repetitions": len(runs.get(name, [])) or 1,
               "statistic": statistic}
        if name in cvs:
            row["cv"] = metric(cvs[name])[0]  # spread of the repetitions, as a fraction
        parts = name.split("/")
        if parts[0] in IMPL_FAMILIES and len(parts) > 1:
            row["impl"] = parts[1]
        rows[name] = row
    return rows, errors


def ratios(rows):
    """([ratio rows], [names of ratios that could not be computed])."""
    out, missing = [], []
    for name, num, den, note in RATIOS:
        if num in rows and den in rows and rows[den]["value"] > 0:
            out.append({"name": name, "value": rows[num]["value"] / rows[den]["value"], "note": note,
                        "numerator": num, "denominator": den})
        else:
            missing.append(name)
    return out, missing


def _started(files):
    """The earliest benchmark start as the schema's timestamp (UTC)."""
    times = []
    for data in files:
        try:
            times.append(datetime.datetime.fromisoformat(data["context"]["date"]))
        except (KeyError, TypeError, ValueError):
            pass
    when = min(times) if times else datetime.datetime.now(datetime.timezone.utc)
    if when.tzinfo is None:
        when = when.astimezone()
    return when.astimezone(datetime.timezone.utc).replace(microsecond=0), bool(times)


def _cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip() or load.UNKNOWN
    except OSError:
        pass
    return platform.processor() or load.UNKNOWN


def _host(context):
    here = context.get("host_name") in (None, platform.node())
    try:
        os_name = platform.freedesktop_os_release().get("PRETTY_NAME") or platform.system()
    except OSError:
        os_name = platform.system()
    uname = platform.uname()
    # Not Google Benchmark's library_build_type: Debian's library says "debug" whatever
    # shmcheck was built as (the build of the code measured is performance.build).
    libraries = {k: str(context[k]) for k in ("boost",) if k in context}
    cores = context.get("num_cpus")
    return {
        "os": os_name if here else load.UNKNOWN,
        "kernel": f"{uname.system} {uname.release}" if here else load.UNKNOWN,
        "machine": uname.machine if here else load.UNKNOWN,
        "cpu_model": _cpu_model() if here else load.UNKNOWN,
        "cores": cores if isinstance(cores, int) and cores >= 1 else None,
        "compiler": str(context.get("compiler") or load.UNKNOWN),
        "libraries": libraries,
    }


def document(paths, command="ci/bench", duration=None):
    """The version-1 document of the benchmark files `paths`, and the ratios it could not compute."""
    files = [read_file(p) for p in paths]
    rows, errors = summarize(files)
    never_near = []
    paired = paired_ratios(files, never_near)
    found, missing = ratios(rows)
    replaced = superseded(paired + never_near)  # never near: still not the unpaired ratio's business
    found = paired + [r for r in found if r["name"] not in replaced]
    missing = [name for name in missing if name not in replaced]
    missing += [r["name"] + " (no repetition measured its two CPUs near each other)" for r in never_near]
    started, known = _started(files)
    if duration is None and known:
        # Until now: the loader runs right after the benchmarks (ci/bench).
        duration = max(0.0, (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds())
    context = files[0]["context"] if files else {}
    doc = {
        "schema": load.CURRENT,
        "run": {
            "started": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duration_seconds": duration,
            "seed": 0,
            "command": command,
            "git": str(context.get("git") or load.UNKNOWN),
            "shmcheck": str(context.get("shmcheck") or load.UNKNOWN),
            "host": _host(context),
        },
        "implementations": [],
        "results": [],
        "performance": {"build": str(context.get("shmcheck_build", load.UNKNOWN)),
                        "benchmarks": list(rows.values()), "ratios": found, "errors": errors,
                        "missing_ratios": missing, "sources": [str(p) for p in paths]},
    }
    return doc


def text_table(doc):
    """The ratios and the failures as lines for a terminal (ci/bench prints them)."""
    perf = doc["performance"]
    width = max([len(r["name"]) for r in perf["ratios"]] + [10])
    lines = [f"{r['name']:<{width}}  {r['value']:6.2f}x  " + (_spread_text(r) if r.get("paired") else "(unpaired)")
             for r in perf["ratios"]]
    lines += [f"{name:<{width}}  not measured" for name in perf.get("missing_ratios", [])]
    lines += [f"ERROR {e['name']}: {e['message']}" for e in perf.get("errors", [])]
    return "\n".join(lines)


def _spread_text(row):
    """'(95 % 1.41-1.52, min 1.38, max 1.66, 14 repetitions)', and whether it is settled."""
    interval = (f"95 % {row['interval_low']:.2f}-{row['interval_high']:.2f}, " if "interval_low" in row else "")
    text = f"({interval}min {row['min']:.2f}, max {row['max']:.2f}, {row['repetitions']} repetitions)"
    if "settled" in row and not row["settled"]:
        text += (f"  NOT SETTLED: the median's 95 % interval reaches beyond +-{SETTLED_WITHIN:.0%}" if "interval_low" in row
                 else "  NOT SETTLED: too few repetitions for a 95 % interval")
    return text


def write(doc, path):
    output.write_text(path, json.dumps(doc, indent=1) + "\n")
