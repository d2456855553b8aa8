"""An edit of several files happens whole or not at all, one edit of a project at a time.

A write that fails at any file, for any reason (a file that cannot be replaced, a full disk,
Ctrl-C), leaves every file byte for byte as it was and no temporary file behind, and the
error names the project's file. Two edits at once never interleave: the second waits for the
first, or, after a while, is refused with who holds the project. A symbolic link is written
through: its target is edited and the link stays a link.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from editsupport import run, snapshot
from support import DEFAULT_SPEC, write_spec

from bundlegen import fsio
from bundlegen.edit import commit
from bundlegen.errors import RefusedEdit
from bundlegen.regions import commands as regions

SHOP = Path(__file__).parent / "data" / "edits" / "shop"  # targets in three files
EU = ("eu-west-1", "https://dbc-3333333333333333.cloud.databricks.com")
AP = ("ap-southeast-2", "https://dbc-4444444444444444.cloud.databricks.com")


def shop(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SHOP, tmp_path / "shop"))


def strays(folder: Path) -> list[str]:
    """Temporary, backup and lock files an edit left behind."""
    return sorted(p.name for p in folder.rglob(".*") if p.suffix in (".tmp", ".bak", ".lock"))


def fail_at(monkeypatch, n: int, err: BaseException) -> list[str]:
    """Make the n-th replacement of a project file by its new content fail with err."""
    real_replace = os.replace
    seen: list[str] = []

    def replace(src, dst, *args, **kwargs):
        if str(src).endswith(".tmp"):
            seen.append(str(dst))
            if len(seen) == n:
                raise err
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(fsio.os, "replace", replace)
    return seen


@pytest.mark.parametrize("n", [1, 2, 3])
def test_a_write_failing_at_any_file_changes_no_file(tmp_path, monkeypatch, n):
    bundle = shop(tmp_path)
    before = snapshot(bundle)
    failing = OSError(errno.EACCES, "Permission denied")
    seen = fail_at(monkeypatch, n, failing)

    result = run("add-region", *EU[:1], "--host", EU[1], "--project-dir", bundle)

    assert result.exit_code == 2
    assert result.stderr == f"error: cannot write {seen[-1]}: Permission denied; no file was changed\n"
    assert snapshot(bundle) == before
    assert strays(bundle) == []


def test_ctrl_c_during_the_writes_exits_130_and_changes_no_file(tmp_path, monkeypatch):
    bundle = shop(tmp_path)
    before = snapshot(bundle)
    fail_at(monkeypatch, 3, KeyboardInterrupt())

    result = run("add-region", EU[0], "--host", EU[1], "--project-dir", bundle)

    assert result.exit_code == 130
    assert result.stderr == "bundlegen: interrupted\n"
    assert snapshot(bundle) == before and strays(bundle) == []


def test_a_real_sigint_between_two_files_exits_130_and_changes_no_file(tmp_path):
    """The signal a terminal sends on Ctrl-C, delivered after the first file is replaced."""
    bundle = shop(tmp_path)
    before = snapshot(bundle)
    script = textwrap.dedent(f"""
        import os, signal, sys
        from bundlegen import cli, fsio
        real, count = os.replace, []
        def replace(src, dst):
            real(src, dst)
            if str(src).endswith(".tmp"):
                count.append(dst)
                if len(count) == 1:
                    os.kill(os.getpid(), signal.SIGINT)
        fsio.os.replace = replace
        sys.argv = ["bundlegen", "add-region", {EU[0]!r}, "--host", {EU[1]!r},
                    "--project-dir", {str(bundle)!r}]
        cli.main()
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 130, done.stderr
    assert "bundlegen: interrupted" in done.stderr
    assert snapshot(bundle) == before and strays(bundle) == []


def test_a_file_that_cannot_be_replaced_changes_no_file_in_a_project(project_of, tmp_path, monkeypatch):
    """The eighth of a project's files fails, as an immutable file does (chattr +i)."""
    project = project_of(DEFAULT_SPEC, tmp_path)
    before = snapshot(project)
    seen = fail_at(monkeypatch, 8, OSError(errno.EPERM, "Operation not permitted"))

    result = run("add-region", "ap-southeast-2", "--host", AP[1], "--project-dir", project)

    assert result.exit_code == 2, result.output
    assert len(seen) == 8
    assert f"error: cannot write {seen[-1]}: Operation not permitted; no file was changed" in result.stderr
    assert ".tmp" not in result.stderr
    assert snapshot(project) == before and strays(project) == []
    again = run("add-region", "ap-southeast-2", "--host", AP[1], "--project-dir", project)
    assert again.exit_code == 0, again.output  # not "already exists": nothing half-happened


@pytest.mark.skipif(not shutil.which("chattr"), reason="needs chattr")
def test_an_immutable_file_changes_no_file(tmp_path):
    bundle = shop(tmp_path)
    before = snapshot(bundle)
    locked = bundle / "resources" / "serving.yml"
    if subprocess.run(["chattr", "+i", locked], capture_output=True).returncode != 0:
        pytest.skip("chattr +i needs root and a file system that supports it")
    try:
        result = run("add-region", EU[0], "--host", EU[1], "--project-dir", bundle)
    finally:
        subprocess.run(["chattr", "-i", locked], check=True)
    assert result.exit_code == 2
    assert result.stderr == f"error: cannot write {locked}: Operation not permitted; no file was changed\n"
    assert snapshot(bundle) == before and strays(bundle) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_folder_changes_no_file(tmp_path):
    bundle = shop(tmp_path)
    before = snapshot(bundle)
    (bundle / "resources").chmod(0o555)
    try:
        result = run("add-region", EU[0], "--host", EU[1], "--project-dir", bundle)
    finally:
        (bundle / "resources").chmod(0o755)
    assert result.exit_code == 2
    assert "error: cannot write " in result.stderr and "resources/" in result.stderr
    assert "no file was changed" in result.stderr
    assert snapshot(bundle) == before and strays(bundle) == []


def test_a_file_changed_while_the_edit_ran_is_not_overwritten(tmp_path):
    bundle = shop(tmp_path)
    plan = regions.add_region(bundle, *EU)
    jobs = bundle / "resources" / "jobs.yml"
    jobs.write_text(jobs.read_text() + "# written by someone else meanwhile\n")
    edited = snapshot(bundle)

    with pytest.raises(RefusedEdit, match=f"{jobs} changed while bundlegen was editing it"):
        commit(plan)
    assert snapshot(bundle) == edited and strays(bundle) == []


def test_a_symlinked_file_is_written_through_and_stays_a_link(tmp_path):
    bundle = shop(tmp_path)
    shared = tmp_path / "shared-config" / "databricks.yml"
    shared.parent.mkdir()
    (bundle / "databricks.yml").rename(shared)
    (bundle / "databricks.yml").symlink_to(os.path.relpath(shared, bundle))

    result = run("add-region", EU[0], "--host", EU[1], "--project-dir", bundle)

    assert result.exit_code == 0, result.output
    assert (bundle / "databricks.yml").is_symlink()
    assert "prod-eu-west-1:" in shared.read_text()
    assert run("remove-region", EU[0], "--project-dir", bundle).exit_code == 0
    assert (bundle / "databricks.yml").is_symlink()
    assert shared.read_bytes() == (SHOP / "databricks.yml").read_bytes()
    assert strays(tmp_path) == []


def test_a_failed_edit_restores_a_symlinked_file_and_keeps_the_link(tmp_path, monkeypatch):
    bundle = shop(tmp_path)
    shared = tmp_path / "serving.yml"
    (bundle / "resources" / "serving.yml").rename(shared)
    (bundle / "resources" / "serving.yml").symlink_to(shared)
    fail_at(monkeypatch, 3, OSError(errno.ENOSPC, "No space left on device"))

    result = run("add-region", EU[0], "--host", EU[1], "--project-dir", bundle)

    assert result.exit_code == 2
    assert (bundle / "resources" / "serving.yml").is_symlink()
    assert shared.read_bytes() == (SHOP / "resources" / "serving.yml").read_bytes()
    assert snapshot(bundle) == snapshot(SHOP)


def test_new_files_get_the_usual_permissions_and_replaced_files_keep_theirs(tmp_path):
    script = tmp_path / "deploy.sh"
    script.write_text("echo old\n")
    script.chmod(0o750)
    fsio.commit_all({script: "echo new\n", tmp_path / "notes.txt": "new\n"})
    assert script.stat().st_mode & 0o777 == 0o750
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "notes.txt").stat().st_mode & 0o777 == 0o666 & ~umask


# ------------------------------------------------------------------ two edits at once


def _bundlegen(*args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bundlegen", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **env},
    )


def test_two_edits_at_once_both_happen_whole(tmp_path):
    bundle = shop(tmp_path)
    first = _bundlegen("add-region", EU[0], "--host", EU[1], "--project-dir", str(bundle))
    second = _bundlegen("add-region", AP[0], "--host", AP[1], "--project-dir", str(bundle))
    for process in (first, second):
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err

    for name in ("databricks.yml", "resources/jobs.yml", "resources/serving.yml"):
        text = (bundle / name).read_text()
        assert "prod-eu-west-1:" in text and "prod-ap-southeast-2:" in text, name
    for region, _ in (EU, AP):
        assert run("remove-region", region, "--project-dir", bundle).exit_code == 0
    assert snapshot(bundle) == snapshot(SHOP)


def _hold_lock(folder: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from bundlegen.fsio import project_lock
            with project_lock(Path({str(folder)!r})):
                print("held", flush=True)
                time.sleep(60)
        """)],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline() == "held\n"
    return holder


def test_an_edit_waits_briefly_then_says_who_holds_the_project(tmp_path):
    bundle = shop(tmp_path)
    holder = _hold_lock(bundle)
    before = snapshot(bundle)
    try:
        start = time.monotonic()
        edit = _bundlegen("add-region", EU[0], "--host", EU[1], "--project-dir", str(bundle),
                          BUNDLEGEN_LOCK_WAIT="0.5")
        _, err = edit.communicate(timeout=60)
        assert time.monotonic() - start >= 0.5
    finally:
        holder.kill()
        holder.wait()
    assert edit.returncode == 2, err
    assert err.startswith(f"error: {bundle / '.bundlegen.lock'}: another bundlegen edit of this "
                          f"project is running (pid {holder.pid} on {socket.gethostname()} since ")
    assert err.endswith("); nothing was changed, run the command again when it has finished\n")
    assert snapshot(bundle) == before


def test_a_killed_holder_leaves_no_lock_that_blocks(tmp_path):
    bundle = shop(tmp_path)
    holder = _hold_lock(bundle)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert (bundle / ".bundlegen.lock").exists()  # the file stays; the lock went with the process

    result = run("add-region", EU[0], "--host", EU[1], "--project-dir", bundle)
    assert result.exit_code == 0, result.output
    assert strays(bundle) == []


def test_a_dry_run_takes_no_lock(tmp_path):
    bundle = shop(tmp_path)
    holder = _hold_lock(bundle)
    try:
        result = run("add-region", EU[0], "--host", EU[1], "--project-dir", bundle, "--dry-run")
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 0 and "+  prod-eu-west-1:" in result.stdout


def test_new_force_failing_at_its_last_file_changes_no_file(project_of, tmp_path, monkeypatch):
    project = project_of(DEFAULT_SPEC, tmp_path)
    files = sorted(p for p in project.rglob("*") if p.is_file())
    for edited in (project / "README.md", project / "serving" / "databricks.yml"):
        edited.write_text(edited.read_text() + "# a note of ours\n")
    before = snapshot(project)
    spec = write_spec(tmp_path / "spec.yml", DEFAULT_SPEC)
    seen = fail_at(monkeypatch, len(files), OSError(errno.ENOSPC, "No space left on device"))

    result = run("new", "--spec", spec, "--no-input", "-o", project.parent, "--force")

    assert result.exit_code == 2, result.output
    assert len(seen) == len(files)
    assert result.stderr == f"error: cannot write {seen[-1]}: No space left on device; no file was changed\n"
    assert snapshot(project) == before and strays(project) == []
