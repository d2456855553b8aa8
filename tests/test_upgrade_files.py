"""How `bundlegen upgrade` treats each file, from the three versions of it: the base (what the
generating bundlegen renders), the new (what this one renders) and the project's copy."""

from __future__ import annotations

import pytest

from bundlegen.errors import BundlegenError
from bundlegen.upgrade.plan import Upgrade, merge_files

BASE = "a: 1\nb: 2\nc: 3\nd: 4\n"
NEW = BASE.replace("d: 4", "d: 5")


def plan(root, base, new, project):
    for rel, text in project.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(text.encode())
    upgrade = Upgrade(root=root, old="0.1.0", new="0.2.0", source="test")
    merge_files(upgrade, base, new)
    return upgrade, {c.rel: (c.before, c.after) for c in upgrade.changes}


def test_a_file_the_template_did_not_change_is_not_read(tmp_path):
    (tmp_path / "x.yml").write_bytes(b"\xff not text")
    upgrade, changes = plan(tmp_path, {"x.yml": BASE}, {"x.yml": BASE}, {})
    assert changes == {} and upgrade.conflicts == []


def test_the_team_edit_and_the_template_change_merge(tmp_path):
    mine = "# ours\n" + BASE
    _, changes = plan(tmp_path, {"x.yml": BASE}, {"x.yml": NEW}, {"x.yml": mine})
    assert changes == {"x.yml": (mine, "# ours\n" + NEW)}


def test_windows_line_ends_are_kept(tmp_path):
    mine = ("# ours\n" + BASE).replace("\n", "\r\n")
    _, changes = plan(tmp_path, {"x.yml": BASE}, {"x.yml": NEW}, {"x.yml": mine})
    assert changes["x.yml"][1] == ("# ours\n" + NEW).replace("\n", "\r\n")


def test_a_new_template_file_is_created_and_the_teams_own_at_its_path_kept(tmp_path):
    upgrade, changes = plan(tmp_path, {}, {"new.yml": NEW, "mine.yml": NEW},
                            {"mine.yml": "ours: true\n"})
    assert changes == {"new.yml": (None, NEW)}
    assert upgrade.conflicts == ["mine.yml: the template now generates this file and the project "
                                 "has its own; kept as it is (`bundlegen new --spec bundlegen.yml` "
                                 "shows the template's)"]


def test_a_file_the_team_deleted_stays_deleted(tmp_path):
    upgrade, changes = plan(tmp_path, {"x.yml": BASE}, {"x.yml": NEW}, {})
    assert changes == {}
    assert upgrade.warnings == ["x.yml: deleted in the project and changed by the template; "
                                "left deleted"]
    assert upgrade.conflicts == []


def test_a_rename_needs_half_the_lines_alike(tmp_path):
    other = "z: 0\ny: 0\nx: 0\nw: 0\n"
    _, changes = plan(tmp_path, {"old.yml": BASE}, {"new.yml": other}, {"old.yml": BASE})
    assert changes == {"old.yml": (BASE, None), "new.yml": (None, other)}  # not alike: no rename
    _, changes = plan(tmp_path, {"old.yml": BASE}, {"new.yml": NEW}, {"old.yml": "# ours\n" + BASE})
    assert changes == {"old.yml": ("# ours\n" + BASE, None), "new.yml": (None, "# ours\n" + NEW)}


@pytest.mark.parametrize("rel", ["../outside.yml", "/etc/passwd", "a/../../b"])
def test_a_render_path_outside_the_project_is_refused(tmp_path, rel):
    with pytest.raises(BundlegenError, match="outside the project"):
        plan(tmp_path, {}, {rel: "x\n"}, {})
