"""python3 -m reports compare OLD NEW: two ci/bench runs' paired ratios side by side, and how
far the machine's own rates moved between them."""

from reports import compare, performance
from reports.tests import helpers
from reports.tests.test_performance import MIB64, bench_file, entry, paired

LOCK = "Ratio/lock-ref-vs-pthread/procs:1"
LOCK_TITLE = "reference lock / pthread mutex, 1 process"


def run(tmp, name, ratio, mutex_rate, settled=True, extra=(), unpaired=None):
    """A performance.json of one ci/bench run: the paired lock ratio (7 repetitions, all equal
    when settled) whose denominator, the plain mutex, runs at `mutex_rate`; more paired
    benchmarks in `extra` ((name, ratio) pairs); `unpaired`: SliceRead/d and Memcpy rates
    giving the unpaired "slice read / memcpy" ratio."""
    values = [ratio] * 7 if settled else [ratio * f for f in (0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3)]
    rows = paired(LOCK, values)
    for r in rows:
        r["denominator_per_second"] = mutex_rate
    for bench, value in extra:
        rows += paired(bench, [value] * 7)
    if unpaired is not None:
        rows += [entry(f"SliceRead/d/bytes:{MIB64}", unpaired, "bytes_per_second"),
                 entry(f"Memcpy/from-shared/bytes:{MIB64}", 1.0, "bytes_per_second")]
    bench = helpers.write_json(tmp, f"{name}-bench.json", bench_file(rows))
    out = tmp / f"{name}.json"
    performance.write(performance.document([bench]), out)
    return out


class Compare(helpers.TempDirTest):
    def test_a_ratio_that_moved_beyond_the_limit_is_marked_and_fails(self):
        old, new = run(self.tmp, "a", 1.00, 10e6), run(self.tmp, "b", 1.12, 8e6)
        result = compare.compare(compare.section(old), compare.section(new))
        [r] = result["ratios"]
        self.assertEqual((r["name"], r["old"], r["new"], r["beyond"], r["unsettled"]), (LOCK_TITLE, 1.0, 1.12, True, False))
        self.assertAlmostEqual(r["change"], 0.12)
        [m] = result["machine"]  # the lock ratio's denominator, measured interleaved with it
        self.assertEqual((m["name"], m["old"], m["new"]), ("plain pthread mutex, 1 process", 10e6, 8e6))
        self.assertAlmostEqual(m["change"], -0.2)
        cli = helpers.run_cli("compare", old, new)
        self.assertEqual(cli.returncode, 1, cli.stderr)
        self.assertIn("+12.0%  BEYOND 10%", cli.stdout)
        self.assertIn("0 of 1 paired ratios within 10%", cli.stdout)
        self.assertIn("the machine moved by up to -20.0% (plain pthread mutex, 1 process)", cli.stdout)
        self.assertEqual(helpers.run_cli("compare", old, new, "--within", "15").returncode, 0)
        self.assertIn("BEYOND 2.5%", helpers.run_cli("compare", old, new, "--within", "2.5").stdout)

    def test_within_the_limit_passes_and_an_unsettled_run_says_so(self):
        old, new = run(self.tmp, "a", 1.00, 10e6), run(self.tmp, "b", 1.05, 10e6, settled=False)
        cli = helpers.run_cli("compare", old, new)
        self.assertEqual(cli.returncode, 0, cli.stderr)
        self.assertIn("+5.0%  (not settled in a run)", cli.stdout)
        self.assertIn("1 of 1 paired ratios within 10%", cli.stdout)

    def test_a_ratio_in_one_run_only_fails_and_an_unpaired_one_is_shown_not_judged(self):
        pipe = f"Ratio/array-vs-pipe/bytes:{MIB64}"
        old = run(self.tmp, "a", 1.0, 10e6, extra=[(pipe, 17.0)], unpaired=0.14)
        new = run(self.tmp, "b", 1.0, 10e6, unpaired=0.30)  # the pipe ratio errored, say, in this run
        result = compare.compare(compare.section(old), compare.section(new))
        self.assertEqual(result["only"], [{"name": "shared Array / pipe (recv_bytes), 64 MiB", "run": "old"}])
        [u] = result["unpaired"]
        self.assertEqual((u["name"], u["old"], u["new"]), ("slice read / memcpy at 64 MiB ('d')", 0.14, 0.30))
        self.assertNotIn("beyond", u)
        cli = helpers.run_cli("compare", old, new)
        self.assertEqual(cli.returncode, 1, cli.stdout)
        self.assertIn("only in the old run", cli.stdout)
        self.assertIn("1 of 2 paired ratios within 10%", cli.stdout)
        self.assertIn("not judged", cli.stdout)

    def test_a_reworded_title_is_the_same_ratio_and_nan_or_zero_is_beyond(self):
        old = compare.section(run(self.tmp, "a", 1.0, 10e6))
        new = compare.section(run(self.tmp, "b", 1.0, 10e6))
        new["ratios"][0]["name"] = "the lock, reworded"
        [r] = compare.compare(old, new)["ratios"]
        self.assertEqual((r["name"], r["change"], r["beyond"]), ("the lock, reworded", 0.0, False))
        for before, after in ((0.0, 1.0), (1.0, float("nan"))):
            old["ratios"][0]["value"], new["ratios"][0]["value"] = before, after
            [r] = compare.compare(old, new)["ratios"]
            self.assertTrue(r["beyond"], (before, after))

    def test_bad_input_is_an_input_error_naming_it(self):
        old = run(self.tmp, "a", 1.00, 10e6)
        results = helpers.write_json(self.tmp, "results.json", {"schema": "shmcheck-results/1"})
        for bad in (results, self.tmp / "missing.json"):
            cli = helpers.run_cli("compare", old, bad)
            self.assertEqual(cli.returncode, 2, (bad, cli.stdout))
            self.assertIn(str(bad), cli.stderr)
            self.assertEqual(cli.stdout, "")
        for within in ("-1", "nan"):
            cli = helpers.run_cli("compare", old, old, "--within", within)
            self.assertEqual(cli.returncode, 2, cli.stdout)
            self.assertIn("--within", cli.stderr)
