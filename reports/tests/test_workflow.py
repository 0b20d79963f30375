"""The CI files cannot run here; this keeps them in the shape the README's CI section promises
(their linters are ctest -L lint): a test job that runs ci/test and publishes ctest's JUnit, the
harness on platforms x shards with every shard's results.json and JUnit kept, a merge that
fails when ci/merge-results does, timeouts everywhere. And ci/merge-results itself, on fixtures:
the shards of one platform are one column, and an experimental platform does not fail it."""

import json
import re
import subprocess
import unittest

import yaml

from reports.tests import helpers

GITHUB = helpers.REPO / ".github" / "workflows" / "shmcheck.yml"
GITLAB = helpers.REPO / ".gitlab-ci.yml"
MERGE = helpers.REPO / "ci" / "merge-results"


def steps_using(job, action):
    return [s for s in job["steps"] if s.get("uses", "").startswith(action)]


def step_running(job, command):
    return next(s for s in job["steps"] if command in s.get("run", ""))


def experimental_flags(script):
    return re.findall(r"--experimental (\S+)", script)


class GitHubWorkflow(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.wf = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
        cls.jobs = cls.wf["jobs"]

    def test_triggers(self):
        on = self.wf.get("on", self.wf.get(True))  # YAML 1.1 reads a bare `on` key as true
        self.assertIn("push", on)
        self.assertIn("pull_request", on)

    def test_every_job_has_a_timeout(self):
        for name, job in self.jobs.items():
            self.assertIsInstance(job.get("timeout-minutes"), int, name)

    def test_test_job_runs_ci_test_and_publishes_ctest_junit(self):
        job = self.jobs["test"]
        self.assertEqual(job["container"], "debian:bookworm")
        self.assertEqual(step_running(job, "ci/test")["run"], "ci/test")
        upload = steps_using(job, "actions/upload-artifact")[0]
        self.assertEqual((upload["with"]["path"], upload["if"]), ("build/ctest-junit.xml", "always()"))
        publish = steps_using(job, "mikepenz/action-junit-report@v")[0]
        self.assertEqual(publish["with"]["report_paths"], "build/ctest-junit.xml")
        self.assertEqual(job["permissions"]["checks"], "write")

    def test_harness_is_platforms_times_shards(self):
        job = self.jobs["harness"]
        matrix = job["strategy"]["matrix"]
        self.assertFalse(job["strategy"]["fail-fast"])
        self.assertEqual(matrix["shard"], list(range(1, matrix["shards"][0] + 1)))
        runners = {i["platform"]: i["runner"] for i in matrix["include"]}
        self.assertEqual(set(runners), set(matrix["platform"]))
        self.assertEqual(sorted(runners.values()), ["macos-latest", "ubuntu-24.04-arm", "ubuntu-latest"])
        self.assertEqual(job["env"]["SHARD"], "${{ matrix.shard }}")
        self.assertEqual(job["env"]["SHARDS"], "${{ matrix.shards }}")
        self.assertEqual(step_running(job, "ci/harness")["run"], 'ci/harness --shard "$SHARD/$SHARDS" --seed "$GITHUB_RUN_ID"')

    def test_each_shard_keeps_results_and_junit(self):
        job = self.jobs["harness"]
        keep = step_running(job, "cp report/results.json")["run"]
        self.assertIn('results/$PLATFORM/shard-$SHARD', keep)
        paths = {u["with"]["path"]: u for u in steps_using(job, "actions/upload-artifact")}
        self.assertTrue(paths["results/"]["with"]["name"].startswith("results-"))
        self.assertEqual(paths["report/"]["if"], "always()")  # index.html, junit.xml, results.json
        publish = steps_using(job, "mikepenz/action-junit-report@v")[0]
        self.assertEqual(publish["with"]["report_paths"], "report/junit.xml")

    def test_windows_builds_tests_and_runs_its_driver(self):
        # Issue 16: the Windows build's unit tests and driver on Windows, then the driver's spec
        # suite judged by shmcheck (which does not build on Windows) under wine.
        build = self.jobs["windows"]
        self.assertNotIn("if", build)
        self.assertIn("windows", build["runs-on"])
        self.assertIn("ctest", step_running(build, "ctest")["run"])
        self.assertIn("conformance.py", step_running(build, "conformance.py")["run"])
        spec = self.jobs["windows-spec"]
        self.assertEqual(spec["needs"], ["windows"])
        run = step_running(spec, "shmcheck run")["run"]
        self.assertIn("--suite spec", run)
        self.assertIn("wineserver -k", run)

    def test_merge_downloads_every_shard_and_fails_with_the_merge(self):
        merge = self.jobs["merge"]
        self.assertEqual(merge["needs"], ["harness"])
        download = steps_using(merge, "actions/download-artifact")[0]["with"]
        self.assertEqual((download["pattern"], download["path"], download["merge-multiple"]), ("results-*", "results", True))
        script = step_running(merge, "ci/merge-results")["run"]
        self.assertTrue(script.startswith("ci/merge-results results merged"))
        self.assertNotIn("||", script)  # its exit status is the step's
        experimental = [i["platform"] for i in self.jobs["harness"]["strategy"]["matrix"]["include"] if i["experimental"]]
        self.assertEqual(experimental_flags(script), experimental)
        final = steps_using(merge, "actions/upload-artifact")[0]["with"]
        self.assertEqual(final["path"], "merged/")


class GitLabPipeline(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ci = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))

    def job(self, name):
        job = dict(self.ci[".harness"]) if self.ci[name].get("extends") == ".harness" else {}
        job.update(self.ci[name])
        return job

    def test_every_job_has_a_timeout(self):
        for name in ("test", "harness", "harness-macos", "merge"):
            self.assertRegex(self.job(name)["timeout"], r"^\d+(h|m)$", name)

    def test_test_job_runs_ci_test_with_ctest_junit_as_its_report(self):
        job = self.job("test")
        self.assertEqual(job["script"], ["ci/test"])
        self.assertEqual(job["artifacts"]["reports"]["junit"], "build/ctest-junit.xml")
        self.assertEqual(job["artifacts"]["when"], "always")

    def test_harness_is_platforms_times_shards(self):
        job = self.job("harness")
        self.assertEqual(job["script"], ['ci/harness --shard "$SHARD" --seed "$CI_PIPELINE_ID"'])
        self.assertEqual(job["artifacts"]["reports"]["junit"], "report/junit.xml")
        self.assertIn('results/$PLATFORM/shard-${SHARD%/*}', job["after_script"][0])
        rows = job["parallel"]["matrix"] + self.job("harness-macos")["parallel"]["matrix"]
        self.assertEqual([r["PLATFORM"] for r in rows], ["linux-x86_64", "linux-arm64", "macos-arm64"])
        for row in rows:
            n = len(row["SHARD"])
            self.assertEqual(row["SHARD"], [f"{k}/{n}" for k in range(1, n + 1)], row["PLATFORM"])

    def test_macos_may_fail_and_windows_never_runs(self):
        self.assertTrue(self.job("harness-macos")["allow_failure"])
        self.assertNotIn("harness-windows", self.ci)
        self.assertIn(".harness-windows", self.ci)

    def test_merge_needs_every_harness_job_and_fails_with_the_merge(self):
        merge = self.job("merge")
        self.assertEqual(merge["when"], "always")
        self.assertEqual({n["job"] for n in merge["needs"]}, {"harness", "harness-macos"})
        self.assertTrue(all(n["artifacts"] for n in merge["needs"]))
        script = merge["script"][0]
        self.assertTrue(script.startswith("ci/merge-results results merged"))
        self.assertEqual(experimental_flags(script), ["macos-arm64"])
        self.assertEqual(merge["artifacts"]["paths"], ["merged/"])


def small(passing_only=False):
    """The full fixture without its plotted sections (they cost seconds to draw), optionally with
    only its passes and working implementations."""
    doc = {k: v for k, v in helpers.full().items() if k not in ("stress", "lifetime", "audit", "performance")}
    doc["results"] = [r for r in doc["results"] if r["suite"] in ("spec", "property")]
    if passing_only:
        doc["implementations"] = [i for i in doc["implementations"] if "broken" not in i]
        working = {i["spec"] for i in doc["implementations"]}
        doc["results"] = [r for r in doc["results"] if r["verdict"] == "pass" and r["impl"] in working]
    return doc


class MergeResults(helpers.TempDirTest):
    def shard(self, platform, shard, doc):
        directory = self.tmp / "results" / platform / f"shard-{shard}"
        directory.mkdir(parents=True)
        helpers.write_json(directory, "results.json", doc)

    def merge(self, *extra):
        return subprocess.run([str(MERGE), str(self.tmp / "results"), str(self.tmp / "merged"), *extra],
                              capture_output=True, text=True, timeout=300)

    def split(self, doc, parts):
        """The document as `parts` shards: each keeps every parts-th result row."""
        return [dict(doc, results=doc["results"][k::parts]) for k in range(parts)]

    def test_shards_of_one_platform_are_one_column_and_a_failure_fails(self):
        full = small()  # it has unexpected failures
        for k, part in enumerate(self.split(full, 3), start=1):
            self.shard("linux-x86_64", k, part)
        run = self.merge()
        self.assertEqual(run.returncode, 1, run.stdout + run.stderr)
        merged = json.loads((self.tmp / "merged" / "results.json").read_text(encoding="utf-8"))
        self.assertEqual({r["platform"] for r in merged["results"]}, {"linux-x86_64"})
        self.assertEqual(len(merged["results"]), len(full["results"]))

    def test_an_experimental_platform_is_shown_but_does_not_fail(self):
        self.shard("linux-x86_64", 1, small(passing_only=True))
        self.shard("macos-arm64", 1, small())
        self.assertEqual(self.merge().returncode, 1)
        run = self.merge("--experimental", "macos-arm64")
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        page = (self.tmp / "merged" / "index.html").read_text(encoding="utf-8")
        self.assertIn("macos-arm64", page)

    def test_nothing_to_merge_is_broken(self):
        (self.tmp / "results").mkdir()
        run = self.merge()
        self.assertEqual(run.returncode, 3)
        self.assertIn("every harness job broke", run.stderr)


if __name__ == "__main__":
    unittest.main()
