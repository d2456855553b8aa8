"""Publishing bundlegen, and what `bundlegen new` says when it runs from an unreleased build.

- .github/workflows/release.yml: a v* tag builds the sdist and the wheel, checks them and
  publishes them by PyPI trusted publishing; the real actionlint and zizmor find nothing, and
  every action is pinned by a full commit SHA.
- bundlegen.release: a development version, or an editable, local-folder, archive or Git install
  (PEP 610 direct_url.json), makes `bundlegen new` say in one line that the pin it wrote into
  ci/requirements-lint.txt may name a version no index has.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from ci_lint import lint_github
from click.testing import CliRunner

from bundlegen import __version__, release
from bundlegen.cli import cli

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


# --------------------------------------------------------------------------- the release workflow


def test_the_release_workflow_passes_actionlint_and_zizmor():
    problems = lint_github([WORKFLOW], ROOT, zizmor_target=str(WORKFLOW))
    assert not problems, "\n\n".join(problems)


def test_the_linters_do_report_a_broken_release_workflow(tmp_path):
    """The clean result above means something: an unpinned action and a token are reported."""
    broken = tmp_path / ".github" / "workflows" / "release.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(WORKFLOW.read_text().replace(
        "actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c # v8.0.1",
        "actions/download-artifact@v8").replace(
        "run: uv publish --trusted-publishing always dist/*",
        "run: uv publish --token ${{ github.event.head_commit.message }} dist/*"))
    report = "\n".join(lint_github([broken], tmp_path, zizmor_target=str(broken)))
    assert "unpinned-uses" in report and "template-injection" in report


def test_the_release_workflow_publishes_a_tag_by_trusted_publishing_only():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert workflow[True] == {"push": {"tags": ["v*"]}}  # PyYAML reads the key `on` as True
    assert workflow["permissions"] == {}
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    assert build["permissions"] == {"contents": "read"}
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["needs"] == "build" and publish["environment"]["name"] == "pypi"
    runs = "\n".join(step.get("run", "") for step in build["steps"])
    assert "uv build" in runs and "twine check --strict dist/*" in runs
    assert "uv publish --trusted-publishing always dist/*" in str(publish["steps"])
    assert "secrets." not in WORKFLOW.read_text() and "password" not in WORKFLOW.read_text()


def test_the_release_workflow_pins_each_action_by_sha_as_the_generated_ci_does():
    from bundlegen_model.pins import ACTION_PINS

    pins = ACTION_PINS
    for line in WORKFLOW.read_text().splitlines():
        if "uses:" in line:
            used = line.split("uses:", 1)[1].strip()
            assert SHA_PIN.match(used), line
            action, rest = used.split("@")
            if action in pins:  # the same action, the same verified commit
                assert rest == f"{pins[action][0]} # {pins[action][1]}", line


# --------------------------------------------------------------------------- unreleased builds


class _Dist:
    def __init__(self, direct_url: dict | None):
        self.direct_url = direct_url

    def read_text(self, name: str):
        assert name == "direct_url.json"
        return None if self.direct_url is None else json.dumps(self.direct_url)


@pytest.mark.parametrize(("direct_url", "says"), [
    ({"url": "file:///src/bundlegen", "dir_info": {"editable": True}}, "editable install of file:///src/bundlegen"),
    ({"url": "file:///src/bundlegen", "dir_info": {}}, "installed from the local file:///src/bundlegen"),
    ({"url": "file:///tmp/bundlegen-0.1.0-py3-none-any.whl", "archive_info": {}}, "local file:///tmp/bundlegen-0.1.0"),
    ({"url": "https://github.com/o/bundlegen.git", "vcs_info": {"vcs": "git", "commit_id": "abc"}}, "installed from https://github.com/o/bundlegen.git"),
])
def test_an_install_not_from_an_index_is_unreleased(monkeypatch, direct_url, says):
    monkeypatch.setattr(release.metadata, "distribution", lambda name: _Dist(direct_url))
    assert says in release.unreleased_reason("0.2.0")
    note = release.unreleased_note("0.2.0")
    assert "\n" not in note
    assert note.startswith("ci/requirements-lint.txt pins bundlegen==0.2.0, which may not be published")
    assert note.endswith("docs/ci.md says how to point it at an index or a Git URL")


def test_a_release_installed_from_an_index_says_nothing(monkeypatch):
    monkeypatch.setattr(release.metadata, "distribution", lambda name: _Dist(None))
    assert release.unreleased_note("0.2.0") == ""
    assert release.unreleased_note("0.2.0rc1") == ""  # a pre-release can be published


@pytest.mark.parametrize("version", ["0.2.0.dev0", "0.2.0.dev3", "0.2.0+local", "0.2.0.dev1+g1234abc"])
def test_a_development_version_is_unreleased_however_installed(monkeypatch, version):
    monkeypatch.setattr(release.metadata, "distribution", lambda name: _Dist(None))
    assert "development version" in release.unreleased_note(version)


def test_a_source_tree_that_is_not_installed_is_unreleased(monkeypatch):
    def missing(name):
        raise release.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(release.metadata, "distribution", missing)
    assert "source tree" in release.unreleased_note("0.2.0")


def test_new_from_this_checkout_says_so_in_one_line_on_stderr(tmp_path):
    """The test suite runs from an editable install: the real direct_url.json says so."""
    assert release.unreleased_reason()  # an editable or local install of this checkout
    result = CliRunner().invoke(cli, ["new", "--no-input", "--output-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert notes == [f"note: {release.unreleased_note()}"]
    assert f"bundlegen=={__version__}" in notes[0]
    assert "note:" not in result.stdout
