"""`bundlegen upgrade`: a project made by an older bundlegen takes this one's template and keeps
its team's edits.

The older bundlegens are real code: this repository at aee6f69 (0.1.0, before the version was
recorded), and a copy of this checkout calling itself 0.1.9 whose template still has what
0.2.0 dropped (a line of databricks.yml, a whole file) and the README under its old name. So
the tests assert what the upgrade does with differences they made, whatever else the template
says.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from support import DEFAULT_SPEC, assert_valid_project, write_spec
from upgradesupport import (
    archive,
    copy_checkout,
    files,
    insert_first_line,
    old_bundlegen,
    template_file,
    upgrade,
    wheel_of,
)

from bundlegen import __version__
from bundlegen.project.scaffold import create_project
from bundlegen.project.spec import load_spec
from bundlegen.upgrade import baserender, specmigrate
from bundlegen.upgrade.plan import RECORD

DROPPED_LINE = "# bundlegen 0.1.9 wrote this line; 0.2.0 does not"
RETIRED = "docs/retired.md"
OLD_README = "OVERVIEW.md"


def rendered_now(project):
    """What `bundlegen new` makes from the project's spec as it is now; and the upgraded
    project's bundles pass the official schema as every generated one must."""
    assert_valid_project(project)
    with tempfile.TemporaryDirectory() as out:
        made = create_project(project / "bundlegen.yml", Path(out)).path
        return {rel: text.decode() for rel, text in files(made).items()}


def assert_is_rendered(project, except_for=()):
    rendered = rendered_now(project)
    have = files(project)
    for rel, text in rendered.items():
        if rel not in except_for:
            assert have.get(rel) == text.encode(), rel
    return rendered


# ------------------------------------------------------------ from 0.1.0 (aee6f69)


@pytest.fixture(scope="module")
def bundlegen_0_1_0(tmp_path_factory):
    tree = archive("aee6f69", tmp_path_factory.mktemp("v010") / "bundlegen")
    if tree is None:
        pytest.skip("needs git and this repository's history (commit aee6f69)")
    return tree


JOB = """resources:
  jobs:
    backfill:
      name: backfill
      tasks:
        - task_key: backfill
          python_wheel_task: {package_name: fraud_detection, entry_point: backfill}
"""
FUNCTION = '\n\ndef backfill_days() -> int:\n    """How far back the team backfills."""\n    return 30\n'
COMMENT = "# Owned by the fraud team: ask in #fraud-ml before changing a target.\n"


def test_a_project_made_by_0_1_0_and_edited_by_its_team_upgrades(tmp_path, bundlegen_0_1_0):
    old = bundlegen_0_1_0
    spec = write_spec(tmp_path / "spec.yml", DEFAULT_SPEC)
    old_bundlegen(old, "new", "--spec", spec, "--no-input", "-o", tmp_path / "projects")
    project = tmp_path / "projects" / "fraud_detection"
    assert not (project / RECORD).exists()  # 0.1.0 recorded nothing
    # The team's edits: a comment, a job, a function, and a new split through bundlegen.
    bundle = project / "databricks.yml"
    bundle.write_text(COMMENT + bundle.read_text())
    (project / "resources" / "backfill.job.yml").write_text(JOB)
    module = sorted((project / "src" / "fraud_detection").glob("*.py"))[-1]
    module.write_text(module.read_text() + FUNCTION)
    old_bundlegen(old, "traffic", "set", "champion=80", "challenger=20", "--project-dir", project)
    edited = {"databricks.yml", module.relative_to(project).as_posix()}

    result = upgrade(project, "--base", old)

    assert result.exit_code == 0, result.output
    assert f"from bundlegen 0.1.0 to {__version__} (base: {old})\n" in result.output
    rendered = assert_is_rendered(project, except_for=edited)
    assert bundle.read_text() == COMMENT + rendered["databricks.yml"]
    assert module.read_text() == rendered[module.relative_to(project).as_posix()] + FUNCTION
    assert (project / "resources" / "backfill.job.yml").read_text() == JOB
    assert {v["name"]: v["traffic"] for v in load_spec(project / "bundlegen.yml")["serving"][
        "variants"]} == {"champion": 80, "challenger": 20}
    assert f"bundlegen_version: {__version__}\n" in (project / RECORD).read_text()

    before = files(project)
    again = upgrade(project)
    assert again.exit_code == 0, again.output
    assert "Nothing to change" in again.output
    assert files(project) == before


def test_a_project_made_before_the_version_was_recorded_needs_base(tmp_path, bundlegen_0_1_0):
    spec = write_spec(tmp_path / "spec.yml", DEFAULT_SPEC)
    old_bundlegen(bundlegen_0_1_0, "new", "--spec", spec, "--no-input", "-o", tmp_path)
    project = tmp_path / "fraud_detection"
    before = files(project)
    result = upgrade(project)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert f"no {RECORD}" in result.output and "--base" in result.output
    assert files(project) == before


# ------------------------------------------------------------ from a constructed 0.1.9


@pytest.fixture(scope="module")
def bundlegen_0_1_9(tmp_path_factory):
    """This checkout as 0.1.9: a line of databricks.yml and a whole file that 0.2.0 dropped,
    and the README that 0.2.0 renamed."""
    tree = copy_checkout(tmp_path_factory.mktemp("v019") / "bundlegen", "0.1.9")
    insert_first_line(template_file(tree, "databricks.yml"), DROPPED_LINE)
    template_file(tree, RETIRED).parent.mkdir(exist_ok=True)
    template_file(tree, RETIRED).write_text("Retired in 0.2.0.\n")
    template_file(tree, "README.md").rename(template_file(tree, OLD_README))
    return tree


@pytest.fixture(scope="module")
def made_by_0_1_9(tmp_path_factory, bundlegen_0_1_9):
    out = tmp_path_factory.mktemp("made")
    spec = write_spec(out / "spec.yml", DEFAULT_SPEC)
    old_bundlegen(bundlegen_0_1_9, "new", "--spec", spec, "--no-input", "-o", out)
    return out / "fraud_detection"


@pytest.fixture
def project(tmp_path, made_by_0_1_9):
    return shutil.copytree(made_by_0_1_9, tmp_path / "fraud_detection")


def test_an_unedited_project_becomes_what_bundlegen_new_makes(project, bundlegen_0_1_9):
    assert (project / RETIRED).is_file() and DROPPED_LINE in (project / "databricks.yml").read_text()
    result = upgrade(project, "--base", bundlegen_0_1_9)
    assert result.exit_code == 0, result.output
    assert files(project) == {rel: text.encode() for rel, text in rendered_now(project).items()}
    assert f"  deleted  {RETIRED}" in result.output
    assert f"  renamed {OLD_README} -> README.md" in result.output
    assert "  merged   databricks.yml" in result.output


def test_the_recorded_version_is_the_base_when_no_base_is_given(project, monkeypatch):
    calls = []

    def released(version, spec_file, notify):
        calls.append(version)
        return baserender.Rendered(version, rendered_now(project), "stand-in")

    monkeypatch.setattr(baserender, "render_released", released)
    result = upgrade(project)
    assert calls == ["0.1.9"], result.output


def test_installing_a_released_version_is_announced_and_its_failure_reported(project,
                                                                           monkeypatch):
    ran = []

    def pip_fails(argv, **kwargs):
        ran.append(argv)
        return subprocess.CompletedProcess(argv, 1 if "pip" in argv else 0, "",
                                           "ERROR: No matching distribution found")

    monkeypatch.setattr(baserender.subprocess, "run", pip_fails)
    before = files(project)
    result = upgrade(project)
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "Installing bundlegen==0.1.9 into a throw-away environment with pip (this downloads it "
        "from your package index)",
        "error: could not install bundlegen==0.1.9: ERROR: No matching distribution found; give "
        "--base a source tree or a wheel of that version"]
    assert [argv[-1] for argv in ran] == [ran[0][-1], "bundlegen==0.1.9"]
    assert files(project) == before


def test_a_base_other_than_the_recorded_version_is_pointed_out(project):
    result = upgrade(project, "--base", __version__)
    assert (f"warning: {RECORD} names bundlegen 0.1.9, the base is {__version__} "
            "(this bundlegen)") in result.output.splitlines()


def test_a_released_version_is_installed_into_a_throw_away_environment(tmp_path):
    venv = tmp_path / "venv"
    create, install = baserender.install_commands("0.1.0", venv)
    assert create[1:] == ["-m", "venv", str(venv)]
    assert install[0] == str(venv / "bin" / "python")
    assert install[1:3] == ["-m", "pip"] and install[-1] == "bundlegen==0.1.0"


def test_a_project_recorded_by_a_newer_bundlegen_is_refused(project):
    record = project / RECORD
    record.write_text(record.read_text().replace("0.1.9", "9.0.0"))
    before = files(project)
    result = upgrade(project)
    assert result.exit_code == 2
    assert result.output == (f"error: the project's base is bundlegen 9.0.0 ({RECORD}), newer than "
                             f"this bundlegen {__version__}; upgrade bundlegen itself first; "
                             "nothing was changed\n")
    assert files(project) == before


def test_a_base_that_cannot_render_the_spec_changes_nothing(tmp_path, project):
    broken = tmp_path / "broken" / "generator" / "bundlegen"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text('__version__ = "0.1.9"\n')
    before = files(project)
    result = upgrade(project, "--base", tmp_path / "broken")
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {tmp_path / 'broken'} could not render "
                                    f"{(project / 'bundlegen.yml').resolve()}: ")
    assert files(project) == before


def test_a_template_change_to_a_line_the_team_edited_is_a_conflict(project, bundlegen_0_1_9):
    bundle = project / "databricks.yml"
    bundle.write_text(bundle.read_text().replace(DROPPED_LINE, DROPPED_LINE + ", says the team"))
    result = upgrade(project, "--base", bundlegen_0_1_9)
    assert result.exit_code == 1
    conflicts = [line for line in result.output.splitlines() if line.startswith("conflict: ")]
    assert conflicts == ["conflict: databricks.yml: 1 conflict(s) between the project's edits "
                         "and the template's changes; resolve the <<<<<<< markers"]
    text = bundle.read_text()
    assert (f"<<<<<<< project\n{DROPPED_LINE}, says the team\n||||||| bundlegen 0.1.9\n"
            f"{DROPPED_LINE}\n=======\n>>>>>>> bundlegen {__version__}\n") in text
    # Everything else arrived.
    assert not (project / RETIRED).exists() and (project / "README.md").is_file()


def test_a_file_the_template_dropped_is_kept_when_the_team_changed_it(project, bundlegen_0_1_9):
    (project / RETIRED).write_text("Retired in 0.2.0.\nWe still read this.\n")
    result = upgrade(project, "--base", bundlegen_0_1_9)
    assert result.exit_code == 1
    assert (f"conflict: {RETIRED}: the template no longer generates it and the project changed "
            "it; kept as it is (delete it or keep it)") in result.output.splitlines()
    assert (project / RETIRED).read_text() == "Retired in 0.2.0.\nWe still read this.\n"
    assert upgrade(project).exit_code == 0  # once upgraded, it is the team's own file


def test_a_renamed_file_takes_the_team_edits_to_its_new_name(project, bundlegen_0_1_9):
    readme = project / OLD_README
    readme.write_text(readme.read_text() + "\n## Our on-call rota\n\nSee the wiki.\n")
    result = upgrade(project, "--base", bundlegen_0_1_9)
    assert result.exit_code == 0, result.output
    assert not readme.exists()
    assert (project / "README.md").read_text() == (
        rendered_now(project)["README.md"] + "\n## Our on-call rota\n\nSee the wiki.\n")


def test_a_file_of_the_team_where_the_template_now_writes_one_is_kept(project, bundlegen_0_1_9):
    (project / "README.md").write_text("# Our own README\n")
    result = upgrade(project, "--base", bundlegen_0_1_9)
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line.startswith("conflict: ")] == [
        "conflict: README.md: the template now generates this file and the project has its own; "
        "kept as it is (`bundlegen new --spec bundlegen.yml` shows the template's)"]
    assert (project / "README.md").read_text() == "# Our own README\n"
    assert not (project / OLD_README).exists()  # the template dropped it, the team never edited it


def test_what_add_region_and_traffic_did_since_generation_is_not_a_conflict(
        project, bundlegen_0_1_9):
    old_bundlegen(bundlegen_0_1_9, "add-region", "ap-southeast-2", "--host",
                  "https://dbc-1111111111111111.cloud.databricks.com", "--project-dir", project)
    old_bundlegen(bundlegen_0_1_9, "traffic", "set", "champion=70", "challenger=30",
                  "--project-dir", project)
    result = upgrade(project, "--base", bundlegen_0_1_9)
    assert result.exit_code == 0, result.output
    assert files(project) == {rel: text.encode() for rel, text in rendered_now(project).items()}
    assert len(load_spec(project / "bundlegen.yml")["regions"]) == 3


def test_a_spec_the_new_version_reads_differently_is_migrated(project, bundlegen_0_1_9,
                                                              monkeypatch):
    def budget(spec):
        return {**spec, "serving": {**spec["serving"], "latency_budget_ms": 750}}

    monkeypatch.setattr(specmigrate, "MIGRATIONS", [
        specmigrate.Migration("0.1.5", "already applied to 0.1.9's specs", lambda s: 1 / 0),
        specmigrate.Migration(__version__, "latency budgets are 750 ms", budget),
    ])
    spec_file = project / "bundlegen.yml"
    spec_file.write_text("# our spec\n" + spec_file.read_text())
    result = upgrade(project, "--base", bundlegen_0_1_9)
    assert result.exit_code == 0, result.output
    assert (f"  migrated bundlegen.yml to bundlegen {__version__}'s form: {__version__}: "
            "latency budgets are 750 ms") in result.output
    assert spec_file.read_text().startswith("# our spec\n")
    assert load_spec(spec_file)["serving"]["latency_budget_ms"] == 750
    assert_is_rendered(project, except_for={"bundlegen.yml"})
    again = upgrade(project)
    assert again.exit_code == 0 and "migrated" not in again.output


def test_dry_run_prints_the_diff_and_writes_nothing(project, bundlegen_0_1_9):
    before = files(project)
    result = upgrade(project, "--base", bundlegen_0_1_9, "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"--- a/{RETIRED}\n+++ /dev/null\n" in result.output
    assert f"-{DROPPED_LINE}\n" in result.output
    assert files(project) == before


def test_an_error_leaves_every_file_as_it_was(project, bundlegen_0_1_9):
    (project / "databricks.yml").write_bytes(b"\xff\xfe not UTF-8\n")
    before = files(project)
    result = upgrade(project, "--base", bundlegen_0_1_9)
    assert result.exit_code == 2
    assert result.output == f"error: {project / 'databricks.yml'}: not UTF-8 text: invalid start byte\n"
    assert files(project) == before


def test_the_base_can_be_a_wheel(tmp_path, project, bundlegen_0_1_9):
    wheel = wheel_of(bundlegen_0_1_9, tmp_path / "bundlegen-0.1.9-py3-none-any.whl")
    result = upgrade(project, "--base", wheel)
    assert result.exit_code == 0, result.output
    assert files(project) == {rel: text.encode() for rel, text in rendered_now(project).items()}


@pytest.mark.parametrize("base, message", [
    ("not-a-version", "error: --base: 'not-a-version' is neither a bundlegen source tree, a "
                      "wheel nor a version\n"),
])
def test_a_base_that_is_neither_a_path_nor_a_version_is_refused(project, base, message):
    assert upgrade(project, "--base", base).output == message


def test_a_folder_that_is_not_a_project_is_refused(tmp_path):
    result = upgrade(tmp_path)
    assert result.exit_code == 2
    assert "not a bundlegen project (no bundlegen.yml)" in result.output
