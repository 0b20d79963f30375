"""python3 -m reports compare OLD NEW: two ci/bench runs' paired ratios side by side, and how
far the machine's own rates moved between them."""

from reports import compare, performance
from reports.tests import helpers
from reports.tests.test_performance import MIB64, bench_file, entry, paired


def run(tmp, name, ratio_values, memcpy_rate, settled=True):
    """A performance.json of one ci/bench run: the lock ratio (7 repetitions, all equal when
    settled), and memcpy's rate as the machine's."""
    values = [ratio_values] * 7 if settled else [ratio_values * f for f in (0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3)]
    rows = paired("Ratio/lock-ref-vs-pthread/procs:1", values)
    rows += [entry(f"Memcpy/from-shared/bytes:{MIB64}", memcpy_rate, "bytes_per_second")]
    bench = helpers.write_json(tmp, f"{name}-bench.json", bench_file(rows))
    out = tmp / f"{name}.json"
    performance.write(performance.document([bench]), out)
    return out


class Compare(helpers.TempDirTest):
    def test_a_ratio_that_moved_beyond_the_limit_is_marked_and_fails(self):
        old, new = run(self.tmp, "a", 1.00, 10e9), run(self.tmp, "b", 1.12, 8e9)
        result = compare.compare(compare.section(old), compare.section(new))
        [r] = result["ratios"]
        self.assertEqual((r["name"], r["old"], r["new"], r["beyond"], r["unsettled"]),
                         ("reference lock / pthread mutex, 1 process", 1.0, 1.12, True, False))
        self.assertAlmostEqual(r["change"], 0.12)
        [m] = result["machine"]
        self.assertEqual((m["name"], m["old"], m["new"]), ("memcpy at 64 MiB", 10e9, 8e9))
        self.assertAlmostEqual(m["change"], -0.2)
        cli = helpers.run_cli("compare", old, new)
        self.assertEqual(cli.returncode, 1, cli.stderr)
        self.assertIn("+12.0%  BEYOND 10%", cli.stdout)
        self.assertIn("0 of 1 paired ratios within 10%", cli.stdout)
        self.assertIn("the machine moved by up to -20.0% (memcpy at 64 MiB)", cli.stdout)
        self.assertEqual(helpers.run_cli("compare", old, new, "--within", "15").returncode, 0)

    def test_within_the_limit_passes_and_an_unsettled_run_says_so(self):
        old, new = run(self.tmp, "a", 1.00, 10e9), run(self.tmp, "b", 1.05, 10e9, settled=False)
        cli = helpers.run_cli("compare", old, new)
        self.assertEqual(cli.returncode, 0, cli.stderr)
        self.assertIn("+5.0%  (not settled in a run)", cli.stdout)
        self.assertIn("1 of 1 paired ratios within 10%", cli.stdout)

    def test_an_input_without_a_performance_section_or_not_there_is_an_input_error(self):
        old = run(self.tmp, "a", 1.00, 10e9)
        results = helpers.write_json(self.tmp, "results.json", {"schema": "shmcheck-results/1"})
        for bad in (results, self.tmp / "missing.json"):
            cli = helpers.run_cli("compare", old, bad)
            self.assertEqual(cli.returncode, 2, (bad, cli.stdout))
            self.assertIn(str(bad), cli.stderr)
            self.assertEqual(cli.stdout, "")
