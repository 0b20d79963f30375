"""ci/github/shmcheck.yml cannot run here; this keeps it valid YAML with the shape the
merge relies on (artifact names and paths agree between the jobs)."""

import unittest

import yaml

from reports.tests import helpers

WORKFLOW = helpers.REPO / "ci" / "github" / "shmcheck.yml"


def steps_using(job, action):
    return [s for s in job["steps"] if s.get("uses", "").startswith(action)]


class Workflow(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.wf = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
        cls.jobs = cls.wf["jobs"]

    def test_triggers(self):
        on = self.wf.get("on", self.wf.get(True))  # YAML 1.1 reads a bare `on` key as true
        self.assertIn("push", on)
        self.assertIn("pull_request", on)

    def test_matrix_covers_linux_x86_arm_and_macos(self):
        runners = [m["runner"] for m in self.jobs["harness"]["strategy"]["matrix"]["include"]]
        self.assertEqual(runners, ["ubuntu-latest", "ubuntu-24.04-arm", "macos-latest"])
        self.assertFalse(self.jobs["harness"]["strategy"]["fail-fast"])
        self.assertIn("ci/harness", [s.get("run") for s in self.jobs["harness"]["steps"]])

    def test_windows_is_present_but_off(self):
        self.assertIs(self.jobs["harness-windows"]["if"], False)
        self.assertIn("windows", self.jobs["harness-windows"]["runs-on"])

    def test_uploads_and_merge_agree_on_names_and_paths(self):
        uploads = steps_using(self.jobs["harness"], "actions/upload-artifact")
        results = [u for u in uploads if u["with"]["path"] == "report/results.json"]
        self.assertEqual(len(results), 1)
        self.assertTrue(results[0]["with"]["name"].startswith("results-"))
        self.assertEqual(results[0]["if"], "always()")
        merge = self.jobs["merge"]
        self.assertEqual(merge["needs"], ["harness"])
        self.assertEqual(merge["if"], "always()")
        download = steps_using(merge, "actions/download-artifact")[0]["with"]
        self.assertEqual((download["pattern"], download["path"]), ("results-*", "results"))
        script = next(s["run"] for s in merge["steps"] if "reports merge" in s.get("run", ""))
        self.assertIn("results/*/results.json", script)
        self.assertIn("/usr/bin/python3 -m reports merge", script)
        final = steps_using(merge, "actions/upload-artifact")[0]["with"]
        self.assertEqual(final["path"], "merged/")


if __name__ == "__main__":
    unittest.main()
