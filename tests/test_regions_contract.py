"""What add-region and remove-region promise on every kind of folder they edit: a project
bundlegen generated and a bundle it did not.

A dry run prints the diff (a new file as created from /dev/null, no line taken away) and writes
nothing, and is refused where the real run is; the same add-region a second time is refused and
changes nothing.
"""

from __future__ import annotations

import pytest
from editsupport import run, snapshot
from support import host, make_spec

BUNDLE = f"""\
bundle:
  name: shop
targets:
  dev:
    mode: development
    default: true
  prod:
    mode: production
    workspace:
      host: {host("aws", 0)}
"""

KINDS = {
    # kind: (its primary region, the files add-region creates, what the second add-region says)
    "project": ("us-east-1", ["resources/sharing.job.yml"],
                "region 'eu-west-1' already exists in"),
    "bundle": ("prod", [],
               "region 'eu-west-1' already exists: target 'prod-eu-west-1' at"),
}


@pytest.fixture(params=sorted(KINDS))
def kind(request):
    return request.param


@pytest.fixture
def folder(kind, project_of, tmp_path):
    """A one-region project bundlegen generated, or a bundle with dev and prod written by hand."""
    if kind == "project":
        return project_of(make_spec("aws", 1, (100,)), tmp_path)
    (tmp_path / "databricks.yml").write_text(BUNDLE)
    return tmp_path


ADD = ("add-region", "eu-west-1", "--host", host("aws", 1))


def test_dry_run_prints_the_diff_and_writes_nothing(kind, folder):
    primary, created, _ = KINDS[kind]
    before = snapshot(folder)

    result = run(*ADD, "--project-dir", folder, "--dry-run")

    assert result.exit_code == 0, result.output
    assert snapshot(folder) == before
    out = result.stdout
    assert "--- a/databricks.yml\n+++ b/databricks.yml\n@@ " in out
    assert "+  prod-eu-west-1:\n" in out
    for name in created:
        assert f"--- /dev/null\n+++ b/{name}\n" in out
    assert not [line for line in out.splitlines() if line.startswith("-") and not line.startswith("---")]

    refused = run("remove-region", primary, "--project-dir", folder, "--dry-run")
    assert refused.exit_code == 2, refused.output  # a dry run is refused like the real one
    assert snapshot(folder) == before


def test_the_same_add_region_twice_is_refused_the_second_time(kind, folder):
    assert run(*ADD, "--project-dir", folder).exit_code == 0
    after_first = snapshot(folder)

    second = run(*ADD, "--project-dir", folder)

    assert second.exit_code == 2
    assert f"error: {KINDS[kind][2]}" in second.stderr
    assert snapshot(folder) == after_first
