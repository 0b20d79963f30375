"""The schema itself, the fixtures against it, and `validate` rejecting broken documents."""

import copy
import json
import unittest

import jsonschema

from reports import load, model
from reports.tests import fixtures, helpers


def first_error(doc):
    problems = load.errors(doc)
    return problems[0] if problems else None


class SchemaDocument(unittest.TestCase):
    def test_is_a_valid_2020_12_schema_with_id_and_version(self):
        schema = load.schema()
        jsonschema.Draft202012Validator.check_schema(schema)
        self.assertEqual(schema["$id"], "https://shmcheck.invalid/schema/results/1")
        self.assertEqual(schema["version"], 1)
        self.assertEqual(schema["properties"]["schema"], {"const": load.CURRENT})

    def test_verdicts_and_suites_are_closed_lists(self):
        defs = load.schema()["$defs"]
        self.assertEqual(set(defs["verdict"]["enum"]), {"pass", "fail", "inconclusive", "broken", "unsupported"})
        self.assertEqual(defs["suite"]["enum"], list(model.SUITES))  # the report's order of them too
        self.assertEqual(model.SUITES, ("spec", "property", "stress", "lifetime", "faults", "audit"))


class Fixtures(unittest.TestCase):
    def test_committed_fixtures_are_valid_version_1(self):
        for name in fixtures.COMMITTED:
            with self.subTest(fixture=name):
                doc = load.read(helpers.DATA / name)
                self.assertEqual(load.errors(doc), [])
                self.assertIn("FIXTURE", doc["x_fixture"])

    def test_committed_fixtures_match_their_generator(self):
        # data/ is what fixtures.py makes: an edit to one without the other fails here.
        for name, build in fixtures.COMMITTED.items():
            with self.subTest(fixture=name):
                committed = (helpers.DATA / name).read_text(encoding="utf-8")
                self.assertEqual(committed, fixtures.dump(build()),
                                 f"regenerate with /usr/bin/python3 -m reports.tests.fixtures")

    def test_full_fixture_has_every_section(self):
        doc = load.read(helpers.FULL)
        for section in ("stress", "lifetime", "audit", "performance"):
            self.assertTrue(doc[section], section)
        self.assertEqual({r["verdict"] for r in doc["results"]}, {"pass", "fail", "inconclusive", "broken", "unsupported"})

    def test_large_fixture_is_valid(self):
        self.assertEqual(load.errors(fixtures.large()), [])


class Rejects(unittest.TestCase):
    def setUp(self):
        self.doc = fixtures.full()

    def assert_rejected(self, where, words):
        problem = first_error(self.doc)
        self.assertIsNotNone(problem, "the broken document was accepted")
        self.assertEqual(problem[0], where)
        self.assertIn(words, problem[1])

    def test_wrong_verdict(self):
        self.doc["results"][3]["verdict"] = "passed"
        self.assert_rejected("/results/3/verdict", "'passed' is not one of")

    def test_missing_result_key(self):
        del self.doc["results"][5]["repro"]
        self.assert_rejected("/results/5", "'repro' is a required property")

    def test_missing_host(self):
        del self.doc["run"]["host"]
        self.assert_rejected("/run", "'host' is a required property")

    def test_missing_host_field(self):
        del self.doc["run"]["host"]["cpu_model"]
        self.assert_rejected("/run/host", "'cpu_model' is a required property")

    def test_wrong_schema_version(self):
        self.doc["schema"] = "shmcheck-results/0"
        self.assert_rejected("/schema", "'shmcheck-results/1' was expected")

    def test_expected_without_a_reason(self):
        row = self.doc["results"][0]
        row["expected"], row["expectation"] = True, ""
        self.assert_rejected("/results/0/expectation", "is too short")

    def test_working_implementation_without_capabilities(self):
        del self.doc["implementations"][0]["capabilities"]
        self.assert_rejected("/implementations/0", "'capabilities' is a required property")

    def test_broken_implementation_with_other_keys(self):
        self.doc["implementations"][-1]["version"] = "3.99"
        self.assert_rejected("/implementations/4", "Additional properties are not allowed")

    def test_unknown_top_level_section(self):
        self.doc["stres"] = {}
        self.assert_rejected("/", "'stres' does not match any of the regexes: '^x_'")

    def test_stress_summary_probability_out_of_range(self):
        self.doc["stress"]["runs"][0]["summary"]["wilson_high"] = 1.5
        self.assert_rejected("/stress/runs/0/summary/wilson_high", "1.5 is greater than the maximum of 1")

    def test_audit_how_is_an_enum(self):
        self.doc["audit"]["abis"][0]["how"] = "guessed"
        self.assert_rejected("/audit/abis/0/how", "'guessed' is not one of")

    def test_bad_start_time(self):
        self.doc["run"]["started"] = "yesterday"
        self.assert_rejected("/run/started", "does not match")

    def test_result_naming_no_implementation(self):
        self.doc["results"][7]["impl"] = "nonesuch"
        self.assert_rejected("/results/7/impl", "'nonesuch' is not the spec of any implementation")

    def test_case_recorded_twice(self):
        self.doc["results"].append(copy.deepcopy(self.doc["results"][0]))
        self.assert_rejected(f"/results/{len(self.doc['results']) - 1}", "recorded twice")

    def test_section_rows_stay_open_for_growth(self):
        self.doc["stress"]["runs"][0]["trials"][0]["cpu"] = 1
        self.doc["audit"]["abis"][0]["typecodes"]["i"]["bit_width"] = 32
        self.doc["results"][0]["shrinks"] = 4
        self.assertEqual(load.errors(self.doc), [])


class Upgrade(unittest.TestCase):
    def test_v0_is_not_valid_v1(self):
        problem = first_error(load.read(helpers.V0))
        self.assertEqual(problem[0], "/schema")

    def test_upgraded_v0_is_valid_v1(self):
        doc = load.upgrade(load.read(helpers.V0))
        self.assertEqual(load.errors(doc), [])
        self.assertEqual(doc["run"]["host"]["machine"], "x86_64")  # taken from the drivers' platform
        self.assertIsNone(doc["run"]["duration_seconds"])

    def test_upgrade_moves_running_into_run(self):
        doc = load.read(helpers.V0)
        doc["running"] = {"impl": "ref", "suite": "spec", "case": "value-initial", "repro": "shmcheck run ..."}
        up = load.upgrade(doc)
        self.assertNotIn("running", up)
        self.assertEqual(up["run"]["running"]["case"], "value-initial")
        self.assertEqual(load.errors(up), [])

    def test_unknown_schema_is_refused(self):
        with self.assertRaisesRegex(load.InputError, "unknown schema 'shmcheck-results/9'"):
            load.upgrade({"schema": "shmcheck-results/9"})


class ValidateCommand(helpers.TempDirTest):
    def test_valid_file_exits_0(self):
        result = helpers.run_cli("validate", helpers.FULL, helpers.ARM)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("valid shmcheck-results/1", result.stdout)

    def test_invalid_file_exits_1_naming_the_path(self):
        doc = fixtures.full()
        doc["results"][2]["verdict"] = "maybe"
        bad = helpers.write_json(self.tmp, "bad.json", doc)
        result = helpers.run_cli("validate", helpers.FULL, bad)
        self.assertEqual(result.returncode, 1)
        self.assertIn(f"{bad}: /results/2/verdict: 'maybe' is not one of", result.stderr)

    def test_v0_file_exits_1(self):
        result = helpers.run_cli("validate", helpers.V0)
        self.assertEqual(result.returncode, 1)
        self.assertIn("/schema: 'shmcheck-results/1' was expected", result.stderr)

    def test_not_json_exits_1(self):
        bad = self.tmp / "truncated.json"
        bad.write_text(json.dumps(fixtures.full())[:500])
        result = helpers.run_cli("validate", bad)
        self.assertEqual(result.returncode, 1)
        self.assertIn("not JSON", result.stderr)


if __name__ == "__main__":
    unittest.main()
