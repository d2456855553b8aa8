"""Interactive `bundlegen new`: one plain question at a time, the default shown, each answer
checked as it is given against the spec's rules, regions and variants asked in a loop, a
summary before anything is written."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from support import DEFAULT_SPEC, assert_valid_project, write_spec

from bundlegen.cli import cli
from bundlegen.project.interview import Interview, Invalid


class Script:
    """An asker that answers from a list of (question start, answer) pairs, in order, and
    records what it was told; an answer the check refuses is recorded and the next one given."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.asked: list[str] = []
        self.refused: list[str] = []

    def _next(self, question: str) -> str:
        expected, answer = self.answers.pop(0)
        assert question.startswith(expected), f"asked {question!r}, expected {expected!r}"
        self.asked.append(question)
        return answer

    def ask(self, question, default, check):
        while True:
            text = self._next(question) or default
            try:
                return check(text)
            except Invalid as err:
                self.refused.append(str(err))

    def confirm(self, question, default):
        answer = self._next(question)
        return default if answer == "" else answer == "y"

    def say(self, text):
        self.refused.append(text)


DEFAULTS = [
    ("Project name", ""), ("Cloud", ""),
    ("Region 1", ""), ("Workspace URL in us-east-1", ""), ("Add another region?", ""),
    ("Region 2", ""), ("Workspace URL in eu-west-1", ""), ("Global metastore ID of eu-west-1", ""),
    ("Add another region?", ""),
    ("Unity Catalog catalog", ""), ("Schema of the model", ""), ("Model name", ""),
    ("Serving architectures", ""), ("Serving endpoint name", ""),
    ("Variant 1 name", ""), ("Percent of traffic to champion", ""), ("Add another variant?", ""),
    ("Variant 2 name", ""), ("Percent of traffic to challenger", ""), ("Add another variant?", ""),
    ("CI/CD system", ""), ("Service principal", ""), ("Emails", ""),
]


def test_pressing_enter_at_every_question_gives_the_demo_spec():
    script = Script(DEFAULTS)
    spec = Interview(script, {}).run()
    assert script.answers == [] and script.refused == []
    assert spec["project_name"] == "Fraud Detection" and spec["cloud"] == "aws"
    assert spec["regions"] == DEFAULT_SPEC["regions"]
    assert spec["model"] == {"catalog": "ml", "schema": "fraud", "name": "fraud_model"}
    assert spec["serving"]["variants"] == DEFAULT_SPEC["serving"]["variants"]
    assert spec["serving"]["endpoint_name"] == "fraud-scoring"
    assert spec["ci"] == "github" and "notifications" not in spec


def test_a_bad_answer_is_refused_at_once_with_the_reason_and_asked_again():
    answers = list(DEFAULTS)
    answers[3:4] = [("Workspace URL in us-east-1", "https://adb-1.2.azuredatabricks.net"),
                    ("Workspace URL in us-east-1", "https://dbc-1.cloud.databricks.com")]
    script = Script(answers)
    spec = Interview(script, {}).run()
    assert script.refused == [
        "https://adb-1.2.azuredatabricks.net is an Azure workspace, but cloud is aws"
    ]
    assert spec["regions"][0]["host"] == "https://dbc-1.cloud.databricks.com"


def test_region_names_are_checked_against_the_chosen_cloud():
    answers = list(DEFAULTS)
    answers[1] = ("Cloud", "azure")
    answers[2:5] = [("Region 1", "us-east-1"), ("Region 1", "westeurope"),
                    ("Workspace URL in westeurope", ""), ("Add another region?", "n")]
    del answers[6:10]
    spec = Interview(script := Script(answers), {}).run()
    assert script.refused == ["'us-east-1' is not an Azure region name (like westeurope)"]
    assert [r["name"] for r in spec["regions"]] == ["westeurope"]


def test_regions_are_asked_in_a_loop_and_replicas_take_a_metastore_id():
    answers = list(DEFAULTS)
    answers[7:9] = [
        ("Global metastore ID of eu-west-1", "aws:eu-west-1:01234567-89ab-cdef-0123-456789abcdef"),
        ("Add another region?", "y"),
        ("Region 3", "ap-southeast-2"), ("Workspace URL in ap-southeast-2", ""),
        ("Workspace URL in ap-southeast-2", "https://dbc-3.cloud.databricks.com"),
        ("Global metastore ID of ap-southeast-2", "aws:eu-west-1:01234567-89ab-cdef-0123-456789abcdef"),
        ("Global metastore ID of ap-southeast-2", ""),
        ("Add another region?", ""),
    ]
    script = Script(answers)
    spec = Interview(script, {}).run()
    assert [r["name"] for r in spec["regions"]] == ["us-east-1", "eu-west-1", "ap-southeast-2"]
    assert spec["regions"][1]["metastore_id"].startswith("aws:eu-west-1:")
    assert "metastore_id" not in spec["regions"][2]  # blank: set later
    assert script.refused[0] == "an answer is needed here"  # no default for a third region
    assert "not of aws:ap-southeast-2" in script.refused[1]


def test_variants_that_do_not_sum_to_100_are_asked_again():
    answers = list(DEFAULTS)
    answers[14:20] = [
        ("Variant 1 name", ""), ("Percent of traffic to champion", "ninety"),
        ("Percent of traffic to champion", "80"), ("Add another variant?", ""),
        ("Variant 2 name", "Challenger"), ("Variant 2 name", ""),
        ("Percent of traffic to challenger", "10"), ("Add another variant?", "n"),
        ("Variant 1 name", ""), ("Percent of traffic to champion", "70"),
        ("Add another variant?", ""), ("Variant 2 name", "b"),
        ("Percent of traffic to b", ""), ("Add another variant?", ""),
    ]
    script = Script(answers)
    spec = Interview(script, {}).run()
    assert script.refused == [
        "'ninety' is not a whole number of percent",
        "'Challenger' must be lowercase letters, digits and '_', starting with a letter",
        "traffic of the variants sums to 90; it must be 100; give the variants again.",
    ]
    assert spec["serving"]["variants"] == [{"name": "champion", "traffic": 70},
                                           {"name": "b", "traffic": 30}]  # default: the rest


def test_what_the_spec_file_gives_is_not_asked():
    given = {k: v for k, v in DEFAULT_SPEC.items() if k not in ("cloud", "regions")}
    script = Script(DEFAULTS[1:9] + [("Serving architectures", "")] + DEFAULTS[21:])
    spec = Interview(script, given).run()
    assert not any(q.startswith(("Project name", "Model name", "Variant", "CI/CD"))
                   for q in script.asked)
    assert spec["serving"]["variants"] == DEFAULT_SPEC["serving"]["variants"]
    assert spec["regions"] == DEFAULT_SPEC["regions"]


def test_batch_only_projects_are_not_asked_about_an_endpoint():
    answers = [a for a in DEFAULTS if not a[0].startswith(("Serving endpoint", "Variant",
                                                           "Percent", "Add another variant"))]
    answers[answers.index(("Serving architectures", ""))] = ("Serving architectures", "batch")
    spec = Interview(Script(answers), {}).run()
    assert spec["serving"] == {"architectures": ["batch"]}


# ---- the command


def _typed(answers) -> str:
    return "".join(f"{a}\n" for _, a in answers)


def test_new_shows_the_spec_asks_before_writing_and_can_save_it(tmp_path):
    answers = DEFAULTS + [("Generate", ""), ("Also save", str(tmp_path / "my-spec.yml"))]
    result = CliRunner().invoke(cli, ["new", "-o", str(tmp_path / "out")], input=_typed(answers))
    assert result.exit_code == 0, result.output
    assert "The spec:" in result.output and "endpoint_name: fraud-scoring" in result.output
    assert "[https://dbc-1234567890123456.cloud.databricks.com]" in result.output  # the default
    project = tmp_path / "out" / "fraud_detection"
    assert_valid_project(project)
    again = CliRunner().invoke(cli, ["new", "--spec", str(tmp_path / "my-spec.yml"), "--no-input",
                                     "-o", str(tmp_path / "again")])
    assert again.exit_code == 0, again.output  # the saved spec makes the same project
    assert ((tmp_path / "again" / "fraud_detection" / "bundlegen.yml").read_text()
            == (project / "bundlegen.yml").read_text())


def test_answering_no_at_the_summary_writes_nothing(tmp_path):
    answers = DEFAULTS + [("Generate", "n")]
    result = CliRunner().invoke(cli, ["new", "-o", str(tmp_path)], input=_typed(answers))
    assert result.exit_code == 0 and "Not generated; nothing was written." in result.output
    assert list(tmp_path.iterdir()) == []


def test_next_steps_fit_what_was_generated(tmp_path):
    spec = dict(DEFAULT_SPEC, ci=["gitlab", "azure-devops"],
                serving={"architectures": ["batch"]})
    result = CliRunner().invoke(cli, ["new", "--spec", str(write_spec(tmp_path / "s.yml", spec)),
                                      "--no-input", "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    steps = result.output.split("Next:")[1]
    assert "bundlegen lint .  " in steps and "serving" not in steps.split("\n")[2]
    assert "GitLab CI, Azure Pipelines" in steps
    assert "bundlegen region set eu-west-1 --metastore-id" in steps
    assert_valid_project(tmp_path / "o" / "fraud_detection")


def test_no_metastore_step_when_every_replica_has_one(tmp_path):
    spec = dict(DEFAULT_SPEC, regions=[
        DEFAULT_SPEC["regions"][0],
        dict(DEFAULT_SPEC["regions"][1], metastore_id="aws:eu-west-1:01234567-89ab-cdef-0123-456789abcdef"),
    ])
    result = CliRunner().invoke(cli, ["new", "--spec", str(write_spec(tmp_path / "s.yml", spec)),
                                      "--no-input", "-o", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "metastore-id" not in result.output and "bundlegen lint . serving" in result.output
    assert_valid_project(tmp_path / "o" / "fraud_detection")


# ---- a person at a terminal


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_person_at_a_terminal_is_guided_through_new(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    bundlegen = shutil.which("bundlegen", path=str(Path(sys.executable).parent))
    assert bundlegen, "the bundlegen command is installed beside the test's Python"
    child = pexpect.spawn(bundlegen, ["new"], cwd=str(tmp_path), encoding="utf-8", timeout=60,
                          env={**os.environ, "TERM": "dumb"}, dimensions=(50, 200))

    def answer(prompt: str, text: str) -> None:
        child.expect_exact(prompt)
        child.sendline(text)

    answer("Project name [Fraud Detection]: ", "Churn Model")
    answer("Cloud (aws, azure, gcp) [aws]: ", "gcp")
    answer("[us-central1]: ", "")
    answer("Workspace URL in us-central1 [https://1234567890123456.7.gcp.databricks.com]: ",
           "https://dbc-1.cloud.databricks.com")
    child.expect_exact("is an AWS workspace, but cloud is gcp")  # told at once, not at the end
    answer("Workspace URL in us-central1 [", "")
    answer("Add another region? [Y/n]: ", "n")
    answer("Unity Catalog catalog of the model [ml]: ", "")
    answer("Schema of the model [churn]: ", "")
    answer("Model name [churn_model]: ", "")
    answer("[real-time, batch]: ", "real-time")
    answer("Serving endpoint name [churn-scoring]: ", "")
    answer("[champion]: ", "")
    answer("Percent of traffic to champion [90]: ", "100")
    answer("Add another variant? [y/N]: ", "")
    answer("[github]: ", "gitlab")
    answer("[churn-model-deployer]: ", "")
    answer("blank: none): ", "")
    child.expect_exact("The spec:")
    answer("Generate the project? [Y/n]: ", "y")
    answer("bundlegen.yml): ", "")
    child.expect_exact("Created churn_model")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    spec = yaml.safe_load((tmp_path / "churn_model" / "bundlegen.yml").read_text())
    assert spec["cloud"] == "gcp" and spec["ci"] == "gitlab"
    assert_valid_project(tmp_path / "churn_model")
    assert [v["name"] for v in spec["serving"]["variants"]] == ["champion"]
