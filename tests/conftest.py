import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import compile_cache
import support


def pytest_configure(config):
    # CI has ../shared beside its clone: without it the tests that need it would skip and a
    # misconfigured CI would go green, so there a missing ../shared stops the run.
    if os.environ.get("CI", "").lower() in ("true", "1") and not support.has_shared():
        raise pytest.UsageError(f"CI is set and {support.SHARED_MISSING}; CI must run every test")
    compile_cache.install()


def pytest_collection_modifyitems(config, items):
    """Tests marked `shared` (they are about the data in ../shared) skip without it."""
    if support.has_shared():
        return
    for item in items:
        if item.get_closest_marker("shared"):
            item.add_marker(pytest.mark.skip(reason=support.SHARED_MISSING), append=False)


def pytest_terminal_summary(terminalreporter):
    if not support.OFFICIAL_SCHEMA.is_file():
        terminalreporter.write_line(
            f"bundle schema: {support.OFFICIAL_SCHEMA} is not there; generated bundles were "
            f"checked against the shipped {support.SHIPPED_SCHEMA.relative_to(support.ROOT)}")


def pytest_unconfigure(config):
    compile_cache.uninstall()
    support.forget_renders()


@pytest.fixture(scope="session")
def project_of():
    """project_of(spec, folder): a fresh copy of the project generated from spec (each spec
    is generated once per session; the tests edit copies)."""

    def make(spec: dict, folder: Path) -> Path:
        project = support.bake(spec, folder / "baked")
        target = folder / project.name
        shutil.move(project, target)
        return target

    return make
