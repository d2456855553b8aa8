import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import support


@pytest.fixture(scope="session")
def project_of(tmp_path_factory):
    """project_of(spec, folder): a fresh copy of the project generated from spec (each spec
    is generated once per session; the tests edit copies)."""
    cache: dict[str, Path] = {}

    def make(spec: dict, folder: Path) -> Path:
        key = json.dumps(spec, sort_keys=True)
        if key not in cache:
            cache[key] = support.bake(spec, tmp_path_factory.mktemp("baked"))
        target = folder / cache[key].name
        shutil.copytree(cache[key], target)
        return target

    return make
