"""Benchmark JSON -> the performance section: medians, ratios, errors, the v1 document, how
`all` includes ci/bench's report/performance.json, and what the real benchmark programs write.

The Google Benchmark documents below are FIXTURES shaped like Google Benchmark 1.7.1's
--benchmark_out (checked against the real programs by RealBenchmarkOutput).
"""

import json
import os
import pathlib
import re
import subprocess
import unittest
import xml.etree.ElementTree as ET

from reports import html, load, merge, model, performance, placement
from reports.tests import helpers

MIB64 = 64 * 1024 * 1024
BENCH_DIR = pathlib.Path(os.environ.get("SHMCHECK_BENCH_DIR", helpers.REPO / "build" / "bin"))


def entry(name, value, counter="pairs_per_second", suffix="/real_time", **extra):
    return {"name": name + suffix, "run_name": name + suffix, "run_type": "iteration", "repetitions": 1,
            "repetition_index": 0, "threads": 1, "iterations": 10, "real_time": 1.0, "cpu_time": 1.0,
            "time_unit": "ns", counter: value, **extra}


def aggregate(name, what, value, counter="pairs_per_second", suffix="/real_time"):
    return {**entry(name, value, counter, suffix), "name": f"{name}{suffix}_{what}", "run_type": "aggregate",
            "aggregate_name": what, "aggregate_unit": "percentage" if what == "cv" else "time"}


def bench_file(benchmarks, host=None):
    import platform
    return {"context": {"date": "2024-05-01T14:00:00+02:00", "host_name": host or platform.node(), "num_cpus": 2,
                        "library_build_type": "release", "compiler": "GCC 12.2.0", "shmcheck": "0.1.0",
                        "git": "abcdef123456", "boost": "1.74", "x_fixture": "synthetic"},
            "benchmarks": benchmarks}


def locks():
    """Lock/ref repeated (median 80 of 70, 80, 200), pthread once, and one benchmark that failed."""
    rows = [entry("Lock/ref/procs:1", v) for v in (70, 80, 200)]
    rows += [aggregate("Lock/ref/procs:1", "mean", 116.7), aggregate("Lock/ref/procs:1", "median", 80),
             aggregate("Lock/ref/procs:1", "cv", 0.5)]
    rows += [entry("Lock/pthread/procs:1", 100), entry("Lock/ref/procs:2", 30), entry("Lock/pthread/procs:2", 60)]
    rows += [{**entry("HeldIncrements/cpython-3.8/procs:2", 0, "increments_per_second", "/manual_time"),
              "error_occurred": True, "error_message": "CPython 3.8 not found under /x/versions: install it with pyenv"}]
    return bench_file(rows)


def memory():
    rows = [entry(f"SliceRead/d/bytes:{MIB64}", 5e9, "bytes_per_second"),
            entry(f"Memcpy/from-shared/bytes:{MIB64}", 10e9, "bytes_per_second"),
            entry(f"Transfer/shared-array/bytes:{MIB64}", 3e9, "bytes_per_second", "/manual_time"),
            entry(f"Transfer/pipe/bytes:{MIB64}", 1e9, "bytes_per_second", "/manual_time"),
            entry("HeldIncrements/ref/procs:2", 4e5, "increments_per_second", "/manual_time")]
    return bench_file(rows)


class Summaries(unittest.TestCase):
    def test_the_median_aggregate_is_the_number_and_time_suffixes_go(self):
        rows, errors = performance.summarize([locks()])
        ref = rows["Lock/ref/procs:1"]
        self.assertEqual((ref["value"], ref["unit"], ref["statistic"], ref["repetitions"]), (80, "pairs/s", "median", 3))
        self.assertEqual(ref["cv"], 0.5)
        self.assertEqual(rows["Lock/pthread/procs:1"]["statistic"], "single")
        self.assertNotIn("impl", ref)

    def test_a_failed_benchmark_is_an_error_not_a_number(self):
        rows, errors = performance.summarize([locks()])
        self.assertNotIn("HeldIncrements/cpython-3.8/procs:2", rows)
        self.assertEqual(errors, [{"name": "HeldIncrements/cpython-3.8/procs:2",
                                   "message": "CPython 3.8 not found under /x/versions: install it with pyenv"}])

    def test_units_and_implementations(self):
        rows, _ = performance.summarize([memory()])
        self.assertEqual(rows[f"Transfer/pipe/bytes:{MIB64}"]["unit"], "B/s")
        self.assertEqual(rows["HeldIncrements/ref/procs:2"]["impl"], "ref")
        self.assertEqual(rows["HeldIncrements/ref/procs:2"]["unit"], "increments/s")

    def test_ratios_are_throughput_over_throughput_and_missing_ones_are_named(self):
        rows, _ = performance.summarize([locks(), memory()])
        found, missing = performance.ratios(rows)
        by_name = {r["name"]: r["value"] for r in found}
        self.assertAlmostEqual(by_name["reference lock / pthread mutex, 1 process"], 0.8)
        self.assertAlmostEqual(by_name["reference lock / pthread mutex, 2 processes"], 0.5)
        self.assertAlmostEqual(by_name["slice read / memcpy at 64 MiB ('d')"], 0.5)
        self.assertAlmostEqual(by_name["shared Array / pipe at 64 MiB"], 3.0)
        self.assertIn("ref / cpython-3.8, held increments, 2 processes", missing)
        self.assertIn("slice write / memcpy at 64 MiB ('d')", missing)


def paired(name, ratios):
    """A paired benchmark (bench/paired.hpp) repeated once per ratio, with its aggregates."""
    rows = [entry(name, r, "ratio", numerator_per_second=r * 10, denominator_per_second=10.0) for r in ratios]
    rows += [aggregate(name, "median", sorted(ratios)[len(ratios) // 2], "ratio")]
    return rows


class PairedRatios(unittest.TestCase):
    def test_the_median_of_the_repetitions_with_min_and_max_and_no_benchmark_row(self):
        data = bench_file(paired("Ratio/lock-ref-vs-pthread/procs:2", [0.9, 0.7, 0.8]) + locks()["benchmarks"])
        found = performance.paired_ratios([data])
        self.assertEqual(len(found), 1)
        r = found[0]
        self.assertEqual((r["name"], r["value"], r["min"], r["max"], r["repetitions"], r["paired"]),
                         ("reference lock / pthread mutex, 2 processes", 0.8, 0.7, 0.9, 3, True))
        rows, _ = performance.summarize([data])
        self.assertFalse([n for n in rows if n.startswith("Ratio/")])

    def test_a_paired_ratio_replaces_the_unpaired_one_of_the_same_sides(self):
        data = bench_file(paired("Ratio/lock-ref-vs-pthread/procs:1", [0.75]) + locks()["benchmarks"])
        doc = performance.document([helpers.write_json(self._tmp(), "l.json", data)])
        names = [r["name"] for r in doc["performance"]["ratios"]]
        self.assertEqual(names.count("reference lock / pthread mutex, 1 process"), 1)
        self.assertTrue(doc["performance"]["ratios"][0]["paired"])
        self.assertEqual(load.errors(doc), [])
        self.assertIn("min 0.75, max 0.75, 1 repetitions", performance.text_table(doc))

    def test_bytes_and_unknown_names_read_well(self):
        data = bench_file(paired(f"Ratio/array-vs-pipe/bytes:{MIB64}", [12.0, 11.0]) + paired("Ratio/new-thing", [2.0]))
        names = [r["name"] for r in performance.paired_ratios([data])]
        self.assertEqual(names, ["shared Array / pipe (recv_bytes), 64 MiB", "new-thing"])

    def test_a_failed_repetition_drops_the_ratio_and_is_an_error(self):
        rows = paired("Ratio/lock-ref-vs-pthread/procs:1", [0.9]) + [
            {**entry("Ratio/lock-ref-vs-pthread/procs:1", 0, "ratio"), "error_occurred": True, "error_message": "boom"}]
        self.assertEqual(performance.paired_ratios([bench_file(rows)]), [])
        _, errors = performance.summarize([bench_file(rows)])
        self.assertEqual(errors, [{"name": "Ratio/lock-ref-vs-pthread/procs:1", "message": "boom"}])

    def _tmp(self):
        import tempfile
        d = tempfile.mkdtemp()
        self.addCleanup(__import__("shutil").rmtree, d)
        return pathlib.Path(d)


class SettledRatios(helpers.TempDirTest):
    """ci/bench repeats a paired ratio until the 95 % interval of its median is within +-3 %."""

    def test_the_interval_is_the_order_statistics_of_at_least_95_percent_coverage(self):
        from math import comb

        def coverage(n, k):  # P(x_(k) <= median <= x_(n+1-k)) for a continuous distribution
            return 1 - 2 * sum(comb(n, j) for j in range(k)) / 2 ** n
        self.assertIsNone(performance.median_interval([1, 2, 3, 4, 5]))  # min-max covers 93.75 % only
        self.assertEqual(performance.median_interval([5, 1, 7, 3, 2, 6, 4]), (1, 7))
        for n in range(6, 60):
            low, _ = performance.median_interval(list(range(1, n + 1)))
            self.assertGreaterEqual(coverage(n, low), 0.95, n)
            self.assertLess(coverage(n, low + 1), 0.95, n)  # and the narrowest such
        self.assertEqual(performance.median_interval(list(range(1, 18))), (5, 13))  # the textbook n = 17
        self.assertEqual(performance.median_interval(list(range(1, 1101))), (518, 583))  # no underflow at 0.5 ** 1100

    def test_both_ends_must_be_within_3_percent_not_the_half_width(self):
        # (0.95, 1.0) is 2.5 % wide either side of 0.975, but its low end is 5 % below the median 1.0
        lopsided = performance.paired_ratios([bench_file(paired("Ratio/lock-ref-vs-pthread/procs:1", [0.95] + [1.0] * 6))])[0]
        self.assertEqual((lopsided["interval_low"], lopsided["interval_high"], lopsided["value"]), (0.95, 1.0, 1.0))
        self.assertFalse(lopsided["settled"])
        self.assertTrue(performance.settled(lopsided, within=0.06))

    def test_settled_when_the_interval_is_within_3_percent_and_repetitions_add_up_across_files(self):
        tight = paired("Ratio/lock-ref-vs-pthread/procs:1", [1.00, 1.01, 0.99, 1.02, 0.98, 1.00, 1.01])
        wide = paired("Ratio/lock-ref-vs-pthread/procs:2", [1.0, 1.3, 0.8, 1.02, 0.9, 1.2, 1.0])
        few = paired(f"Ratio/array-vs-pipe/bytes:{MIB64}", [20.0, 20.0, 20.0])  # too few for any 95 % interval
        first = helpers.write_json(self.tmp, "ratios.json", bench_file(tight + wide + few))
        rows = {r["numerator"]: r for r in performance.paired_ratios([load.read(first)])}
        self.assertTrue(rows["Ratio/lock-ref-vs-pthread/procs:1"]["settled"])
        self.assertEqual(rows["Ratio/lock-ref-vs-pthread/procs:2"]["interval_low"], 0.8)
        self.assertFalse(rows["Ratio/lock-ref-vs-pthread/procs:2"]["settled"])
        self.assertNotIn("interval_low", rows[f"Ratio/array-vs-pipe/bytes:{MIB64}"])
        self.assertEqual(performance.unsettled([first]), ["Ratio/lock-ref-vs-pthread/procs:2", f"Ratio/array-vs-pipe/bytes:{MIB64}"])
        # The second batch (ci/bench's NAME-ratios-2.json): 14 repetitions, the middle ones close.
        more = helpers.write_json(self.tmp, "ratios-2.json", bench_file(
            paired("Ratio/lock-ref-vs-pthread/procs:2", [1.0, 1.01, 0.99, 1.0, 1.02, 0.98, 1.0]) +
            paired(f"Ratio/array-vs-pipe/bytes:{MIB64}", [20.0, 20.2, 19.9])))
        self.assertEqual(performance.unsettled([first, more]), [])
        doc = performance.document([first, more])
        self.assertEqual(load.errors(doc), [])
        self.assertEqual([r["repetitions"] for r in doc["performance"]["ratios"]], [7, 14, 6])

    def test_the_command_prints_the_unsettled_names_and_the_reports_mark_them(self):
        f = helpers.write_json(self.tmp, "r.json", bench_file(
            paired("Ratio/lock-ref-vs-pthread/procs:1", [1.0] * 7) + paired("Ratio/held-increments-ref-vs-cpython-3.8/procs:2",
                                                                              [30.0, 40.0, 35.0, 33.0, 44.0, 36.0, 31.0])))
        result = helpers.run_cli("unsettled", f)
        self.assertEqual((result.returncode, result.stdout), (0, "Ratio/held-increments-ref-vs-cpython-3.8/procs:2\n"), result.stderr)
        self.assertEqual(helpers.run_cli("unsettled", f, "--within", "50").stdout, "")
        doc = performance.document([f])
        table = performance.text_table(doc).splitlines()
        self.assertNotIn("NOT SETTLED", table[0])
        self.assertIn("95 % 30.00-44.00", table[1])
        self.assertIn("NOT SETTLED", table[1])
        few = performance.document([helpers.write_json(self.tmp, "few.json", bench_file(paired("Ratio/lock-ref-vs-pthread/procs:2", [1.0] * 5)))])
        self.assertIn("NOT SETTLED: too few repetitions", performance.text_table(few))
        page = html.render_single(doc, ["performance.json"])
        self.assertEqual(page.count(">not settled<"), 1)
        self.assertEqual(helpers.run_cli("unsettled", self.tmp / "missing.json").returncode, 2)


class WhereMeasured(helpers.TempDirTest):
    def test_a_ratio_measured_on_one_cpu_says_so_in_its_note(self):
        rows = paired("Ratio/lock-ref-vs-pthread/procs:2", [1.5, 1.6])
        rows[0]["cpus_apart"], rows[1]["cpus_apart"] = 1, 0
        pinned = paired("Ratio/array-vs-pipe/bytes:65536", [3.0])
        pinned[0]["cpus_apart"] = 1
        notes = {r["numerator"]: r["note"] for r in performance.paired_ratios([bench_file(rows + pinned)])}
        self.assertIn("fewer than two CPUs allowed", notes["Ratio/lock-ref-vs-pthread/procs:2"])
        self.assertNotIn("fewer than two CPUs", notes["Ratio/array-vs-pipe/bytes:65536"])


    # bench/paired.hpp's kRoundTripGrid, read from there: the fixtures split pairs where the program does.
    GRID = tuple(int(n) for n in re.search(r"kRoundTripGrid\[\] = \{([\d, ]+)\}",
                                           (helpers.REPO / "bench" / "paired.hpp").read_text()).group(1).split(","))

    @classmethod
    def _placed(cls, name, reps):
        """A two-process paired benchmark as bench/paired.hpp writes it with a round-trip probe:
        one repetition per [(round trip ns, pair ratio), ...] of its pairs."""
        import statistics
        rows = []
        for pairs in reps:
            extra = {"pairs": len(pairs), "ratio_all_pairs": statistics.median(r for _, r in pairs),
                     "round_trip_ns": statistics.median(t for t, _ in pairs)}
            for limit in cls.GRID:
                within = [r for t, r in pairs if t <= limit]
                extra[f"pairs_le_{limit}ns"] = len(within)
                if within:
                    extra[f"ratio_le_{limit}ns"] = statistics.median(within)
            row = entry(name, 0, "pairs_le_50ns", **extra)
            rows.append(row)
        return rows

    def test_a_two_process_ratio_is_the_near_pairs_and_says_how_many_were_far(self):
        name = "Ratio/array-vs-pipe-into/bytes:65536"
        # Near pairs at 80-140 ns give 3.4-3.5, far ones at 350-450 ns 1.9-2.0. The third
        # repetition ran while the CPUs were far apart: it must not pull the median down.
        near, far = [(120, 3.5)] * 18 + [(80, 3.4)], [(400, 1.9), (350, 2.0)]
        rows = self._placed(name, [near + far[:1], [(130, 3.4)] * 10 + far * 5, far * 5])
        doc = performance.document([helpers.write_json(self.tmp, "m.json", bench_file(rows))])
        self.assertEqual(load.errors(doc), [])
        [r] = doc["performance"]["ratios"]
        self.assertEqual((r["value"], r["repetitions"], r["min"], r["max"], r["near_limit_ns"]), (3.45, 2, 3.4, 3.5, 141))
        self.assertAlmostEqual(r["far_share"], 21 / 50)
        self.assertIn("a round trip of at most 141 ns between its CPUs around the pair): 42 % of pairs were measured "
                      "farther apart", r["note"])
        self.assertIn("1 of 3 repetitions had too few near pairs", r["note"])

    def test_the_limit_is_the_top_of_the_first_band_that_a_factor_2_gap_follows(self):
        def limit(*round_trips):
            return placement.near_limit(self._placed("Ratio/x/procs:2", [[(t, 1.0) for t in round_trips]]))
        self.assertEqual(self.GRID[:5], (50, 71, 100, 141, 200))
        self.assertEqual(limit(*[120] * 70, *[400] * 30), 141)
        self.assertEqual(limit(*[60] * 20, *[130] * 60, *[450] * 20), 141)  # two near bands, no factor-2 gap between
        self.assertEqual(limit(*[130] * 60, *[150] * 10, *[450] * 30), 200)  # the band reaches past 141
        self.assertEqual(limit(*[120] * 85, *[160] * 2, *[400] * 13), 141)  # a gap need not be empty: 2 % between
        self.assertEqual(limit(*[120] * 25, *[160] * 2, *[400] * 73), 141)  # ... also when near only a quarter of the time
        self.assertEqual(limit(*[120] * 40, *[400] * 60), 141)      # near for 40 % of the time is still near
        self.assertEqual(limit(*[120] * 10, *[400] * 90), 400)      # a tenth is a rarity: the far band is the run's
        self.assertIsNone(limit(*range(60, 1600, 10)))              # no gap anywhere: every pair counts
        self.assertIsNone(placement.near_limit(paired("Ratio/lock-ref-vs-pthread/procs:1", [1.0])))

    def test_each_repetition_weighs_the_same_and_each_program_has_its_own_limit(self):
        # 1000 pairs far in one repetition, 10 near in each of four: near for 80 % of the time.
        reps = [[(400, 2.0)] * 1000] + [[(120, 3.0)] * 10] * 4
        self.assertEqual(placement.near_limit(self._placed("Ratio/x/procs:2", reps)), 141)
        # Another program's far repetitions do not move this program's limit.
        mine = bench_file(self._placed("Ratio/lock-ref-vs-pthread/procs:2", [[(120, 2.0)] * 50] * 7))
        other = bench_file(self._placed(f"Ratio/array-vs-pipe/bytes:{MIB64}", [[(400, 9.0)] * 5000] * 7))
        mine["context"]["executable"], other["context"]["executable"] = "bench_locks", "bench_memory"
        rows = {r["numerator"]: r for r in performance.paired_ratios([mine, other])}
        self.assertEqual(rows["Ratio/lock-ref-vs-pthread/procs:2"]["near_limit_ns"], 141)
        self.assertEqual(rows[f"Ratio/array-vs-pipe/bytes:{MIB64}"]["near_limit_ns"], 400)

    def test_a_ratio_never_measured_near_is_missing_and_measured_again(self):
        near = self._placed("Ratio/array-vs-pipe/bytes:65536", [[(120, 3.0)] * 100])
        never = self._placed("Ratio/lock-ref-vs-pthread/procs:2", [[(120, 1.0)] * 1 + [(400, 1.2)] * 20] * 3)
        rows = near + never + paired("Ratio/lock-ref-vs-pthread/procs:1", [0.8] * 7)
        path = helpers.write_json(self.tmp, "l.json", bench_file(rows))
        doc = performance.document([path])
        self.assertEqual([r["name"] for r in doc["performance"]["ratios"]],
                         ["shared Array / pipe (recv_bytes), 64 KiB", "reference lock / pthread mutex, 1 process"])
        self.assertIn("reference lock / pthread mutex, 2 processes (no repetition measured its two CPUs near each other)",
                      doc["performance"]["missing_ratios"])
        self.assertIn("near each other)  not measured", performance.text_table(doc))
        self.assertEqual(load.errors(doc), [])
        # ci/bench runs it again (the settled 1-process one not; the 64 KiB one: too few repetitions).
        self.assertEqual(performance.unsettled([path]), ["Ratio/array-vs-pipe/bytes:65536", "Ratio/lock-ref-vs-pthread/procs:2"])

    def test_files_from_before_the_probe_mix_with_files_from_after_it(self):
        name = "Ratio/array-vs-pipe/bytes:65536"
        old = helpers.write_json(self.tmp, "old.json", bench_file(paired(name, [3.0, 3.2])))
        new = helpers.write_json(self.tmp, "new.json", bench_file(self._placed(name, [[(400, 1.9)] * 10])))
        [r] = performance.paired_ratios([load.read(old), load.read(new)])
        self.assertEqual((r["value"], r["repetitions"], r["far_share"]), (3.0, 3, 0.0))  # one band only: all near
        self.assertIn("at most 400 ns", r["note"])
        [r] = performance.paired_ratios([load.read(helpers.write_json(self.tmp, "spread.json", bench_file(
            self._placed(name, [[(t, 2.0) for t in range(60, 1600, 10)]]))))])
        self.assertIn("showed no gap: every pair", r["note"])


class Document(helpers.TempDirTest):
    def test_is_a_valid_version_1_document_with_only_performance(self):
        doc = performance.document([self.write("locks.json", locks()), self.write("memory.json", memory())], duration=12.5)
        self.assertEqual(load.errors(doc), [])
        self.assertEqual((doc["results"], doc["implementations"]), ([], []))
        run = doc["run"]
        self.assertEqual((run["started"], run["duration_seconds"], run["git"], run["shmcheck"]),
                         ("2024-05-01T12:00:00Z", 12.5, "abcdef123456", "0.1.0"))
        self.assertEqual((run["host"]["compiler"], run["host"]["cores"]), ("GCC 12.2.0", 2))
        self.assertNotEqual(run["host"]["os"], load.UNKNOWN)

    def test_another_hosts_benchmarks_do_not_get_this_hosts_facts(self):
        doc = performance.document([self.write("locks.json", bench_file([entry("Lock/ref/procs:1", 1)], host="elsewhere"))])
        self.assertEqual((doc["run"]["host"]["os"], doc["run"]["host"]["cpu_model"]), (load.UNKNOWN, load.UNKNOWN))
        self.assertEqual(load.errors(doc), [])

    def test_not_benchmark_json_is_an_input_error(self):
        with self.assertRaises(load.InputError):
            performance.document([helpers.FULL])

    def write(self, name, doc):
        return helpers.write_json(self.tmp, name, doc)


class Command(helpers.TempDirTest):
    def test_writes_the_document_prints_ratios_and_exits_1_on_a_benchmark_error(self):
        a = helpers.write_json(self.tmp, "locks.json", locks())
        out = self.tmp / "report" / "performance.json"
        result = helpers.run_cli("performance", a, "-o", out, "--duration", "3")
        self.assertEqual(result.returncode, 1, result.stderr)  # the missing CPython
        self.assertIn("reference lock / pthread mutex, 1 process", result.stdout)
        self.assertIn("0.80x", result.stdout)
        self.assertIn("ERROR HeldIncrements/cpython-3.8/procs:2: CPython 3.8 not found", result.stdout)
        self.assertEqual(helpers.run_cli("validate", out).returncode, 0)

    def test_exits_0_without_errors_and_2_on_a_file_that_is_not_json(self):
        ok = helpers.write_json(self.tmp, "memory.json", memory())
        self.assertEqual(helpers.run_cli("performance", ok, "-o", self.tmp / "p.json").returncode, 0)
        bad = self.tmp / "bad.json"
        bad.write_text("{")
        self.assertEqual(helpers.run_cli("performance", bad, "-o", self.tmp / "q.json").returncode, 2)


class InTheMainReport(helpers.TempDirTest):
    """ci/harness runs `shmcheck run --out report`, which runs `reports all report/results.json`."""

    def setUp(self):
        super().setUp()
        self.report = self.tmp / "report"
        self.report.mkdir()
        self.results = helpers.write_json(self.report, "results.json", self.without_performance())

    def without_performance(self):
        doc = helpers.full()
        del doc["performance"]
        return doc

    def bench(self):
        doc = performance.document([helpers.write_json(self.tmp, "locks.json", locks())], duration=3)
        performance.write(doc, self.report / "performance.json")
        return doc

    def test_all_includes_performance_json_next_to_results(self):
        self.bench()
        result = helpers.run_cli("all", self.results, "-o", self.report)
        self.assertEqual(result.returncode, 0, result.stderr)
        page = (self.report / "index.html").read_text(encoding="utf-8")
        perf = page[page.index('<h2 id="performance">'):page.index('<h2 id="environment">')]
        self.assertIn("reference lock / pthread mutex, 1 process", perf)
        self.assertIn("0.80×", perf)
        self.assertIn("CPython 3.8 not found", perf)
        self.assertIn("ci/bench", page[page.index('<h2 id="environment">'):])  # its run is listed too
        state, _ = model.overall(load.load(self.results))
        self.assertTrue(f'class="banner {state}" id="verdict"' in page)  # the verdict is the suites' alone
        root = ET.parse(self.report / "junit.xml").getroot()
        self.assertEqual(int(root.get("tests")), len(load.read(self.results)["results"]))

    def test_without_performance_json_nothing_changes(self):
        result = helpers.run_cli("all", self.results, "-o", self.report)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("No benchmarks in this run", (self.report / "index.html").read_text(encoding="utf-8"))

    def test_an_invalid_performance_json_is_left_out_with_a_note(self):
        (self.report / "performance.json").write_text(json.dumps({"schema": load.CURRENT}))
        result = helpers.run_cli("all", self.results, "-o", self.report)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("leaving out", result.stderr)
        self.assertIn("No benchmarks in this run", (self.report / "index.html").read_text(encoding="utf-8"))

    def test_html_combines_either_order_and_a_performance_only_page_claims_no_verdict(self):
        doc = self.bench()
        for files in ([self.results, self.report / "performance.json"], [self.report / "performance.json", self.results]):
            combined = merge.combine([load.load(p) for p in files])
            self.assertEqual(load.errors({k: v for k, v in combined.items() if k != "_runs"}), [])
            self.assertEqual(len(combined["performance"]["ratios"]), len(doc["performance"]["ratios"]))
            self.assertEqual(len(combined["results"]), len(load.read(self.results)["results"]))
        alone = html.render_single(doc, ["performance.json"])
        self.assertIn('class="banner info"', alone)
        self.assertIn("benchmarks only", alone)


class RealBenchmarkOutput(helpers.TempDirTest):
    """One quick benchmark of each real program goes through the loader: the names, counters
    and context keys this module relies on are what the programs write."""

    def run_bench(self, program, pattern, cpus=None):
        """The JSON file of `program`'s benchmarks matching `pattern`, run with its CPU set
        narrowed to `cpus` (like taskset) when given."""
        path = BENCH_DIR / program
        if not os.access(path, os.X_OK):
            raise AssertionError(f"{path} is not built: run ci/build (ctest sets SHMCHECK_BENCH_DIR)")
        out = self.tmp / f"{program}.json"
        run = subprocess.run([str(path), f"--benchmark_filter={pattern}", "--benchmark_min_time=0.001",
                              "--benchmark_repetitions=2", f"--benchmark_out={out}", "--benchmark_out_format=json"],
                             capture_output=True, text=True, timeout=300,
                             preexec_fn=None if cpus is None else lambda: os.sched_setaffinity(0, cpus))
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertNotIn("ERROR OCCURRED", run.stdout)
        return out

    def test_the_two_processes_of_a_paired_ratio_run_on_two_cpus_when_two_are_allowed(self):
        allowed = sorted(os.sched_getaffinity(0))
        pattern = "^Ratio/(lock-ref-vs-pthread/procs:2|array-vs-pipe/bytes:65536)"

        def apart(cpus):
            benchmarks = json.loads(pathlib.Path(self.run_bench("shmcheck_bench_locks", pattern, cpus)).read_text())["benchmarks"]
            benchmarks += json.loads(pathlib.Path(self.run_bench("shmcheck_bench_memory", pattern, cpus)).read_text())["benchmarks"]
            runs = [b for b in benchmarks if b.get("run_type") == "iteration"]
            self.assertEqual(len(runs), 4)  # two of each, every one measured
            for b in runs:  # where the two CPUs were (bench/paired.hpp): probed only when there are two
                probed = "round_trip_ns" in b
                self.assertEqual(probed, b["cpus_apart"] == 1, b)
                self.assertEqual("ratio" in b, not probed, b)  # a probed one leaves the choice to the report
                if probed:
                    # One cache line's round trip between two CPUs: tens to hundreds of ns on any
                    # machine, not the microseconds of waking the partner for a round.
                    self.assertTrue(10 < b["round_trip_ns"] < 20000, b)
                    counts = [b[f"pairs_le_{limit}ns"] for limit in WhereMeasured.GRID]
                    self.assertEqual(counts, sorted(counts), b)
                    self.assertLessEqual(counts[-1], b["pairs"], b)
                    self.assertGreater(b["ratio_all_pairs"], 0, b)
            return {b["cpus_apart"] for b in runs}
        self.assertEqual(apart({allowed[0]}), {0})  # one CPU allowed: measured where the scheduler puts them
        if len(allowed) < 2:
            self.skipTest(f"unsupported: this process may use one CPU only ({allowed}), so nothing can run apart")
        self.assertEqual(apart(None), {1})

    def test_the_drivers_probe_where_the_cpus_are_without_pinning_their_workers(self):
        if len(os.sched_getaffinity(0)) < 2:
            self.skipTest("unsupported: this process may use one CPU only, so there is no way between two to probe")
        out = self.run_bench("shmcheck_bench_drivers", "^Ratio/held-increments-ref-vs-boost/procs:2")
        runs = [b for b in json.loads(pathlib.Path(out).read_text())["benchmarks"] if b.get("run_type") == "iteration"]
        self.assertEqual(len(runs), 2)
        for b in runs:
            self.assertNotIn("ratio", b)
            self.assertTrue(10 < b["round_trip_ns"] < 20000, b)
            # Both processes' increments counted: the workers ran (on both CPUs or not, they finished).
            self.assertGreater(b["numerator_per_second"], 0, b)
        [row] = performance.paired_ratios([load.read(out)])
        self.assertIn("near each other", row["note"])

    def test_locks_and_memory(self):
        a = self.run_bench("shmcheck_bench_locks", "^Lock/(ref|pthread)/procs:")
        b = self.run_bench("shmcheck_bench_memory", "^(SliceRead/d|Memcpy/from-shared|Transfer/(shared-array|pipe))/bytes:67108864")
        doc = performance.document([a, b])
        self.assertEqual(load.errors(doc), [])
        rows = {r["name"]: r for r in doc["performance"]["benchmarks"]}
        self.assertEqual(rows["Lock/ref/procs:2"]["unit"], "pairs/s")
        self.assertEqual(rows["Lock/ref/procs:2"]["statistic"], "median")
        self.assertEqual(rows[f"Transfer/pipe/bytes:{MIB64}"]["unit"], "B/s")
        names = {r["name"] for r in doc["performance"]["ratios"]}
        for name in ("reference lock / pthread mutex, 1 process", "reference lock / pthread mutex, 2 processes",
                     "slice read / memcpy at 64 MiB ('d')", "shared Array / pipe at 64 MiB"):
            self.assertIn(name, names)
        self.assertNotEqual(doc["run"]["host"]["compiler"], load.UNKNOWN)
        self.assertNotEqual(doc["run"]["git"], load.UNKNOWN)


if __name__ == "__main__":
    unittest.main()
