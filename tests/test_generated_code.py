"""The code a generated project runs: its own test suite passes, ruff is clean, and it names no
host, catalog or region (those come from job parameters).

Each spec is baked, then the generated project's tests run in a subprocess with PYTHONPATH=src,
the way a team member runs them after `bundlegen new`: offline, with the real databricks-sdk
WorkspaceClient over the project's fake of the REST API (tests/fakes.py; they need
databricks-sdk, pytest and PyYAML, all in bundlegen's test extras).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import bake, make_spec

SPECS = {
    "aws_two_regions_real_time_and_batch": make_spec("aws", 2, (90, 10)),
    "azure_three_regions_every_architecture_renamed_alias": make_spec(
        "azure", 3, (70, 20, 10), "azure-devops", project_name="Churn Model", serving={
            "endpoint_name": "churn-scoring",
            "variants": [{"name": "champion", "traffic": 70},
                         {"name": "challenger", "traffic": 20, "alias": "candidate"},
                         {"name": "shadow", "traffic": 10}],
            "architectures": ["real-time", "batch", "async"],
        }),
    "gcp_one_region_batch_and_async": make_spec(
        "gcp", 1, (100,), "gitlab", project_name="Zeta Risk", serving={
            "endpoint_name": "zeta-scoring",
            "variants": [{"name": "champion", "traffic": 100}],
            "architectures": ["batch", "async"],
        }),
    "aws_one_region_real_time_only": make_spec(
        "aws", 1, (100,), serving={
            "endpoint_name": "solo-scoring",
            "variants": [{"name": "champion", "traffic": 100}],
            "architectures": ["real-time"],
        }),
}


@pytest.fixture(scope="module", params=sorted(SPECS))
def project(request, tmp_path_factory) -> Path:
    return bake(SPECS[request.param], tmp_path_factory.mktemp(request.param))


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("DATABRICKS_RUNTIME_VERSION", None)
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
                          check=False)


@pytest.mark.slow
def test_the_generated_test_suite_passes(project):
    result = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


def test_the_generated_python_passes_ruff_with_its_own_configuration(project):
    result = _run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], project)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_package_names_no_host_catalog_region_or_endpoint(project):
    import yaml

    spec = yaml.safe_load((project / "bundlegen.yml").read_text())
    words = {r["host"] for r in spec["regions"]} | {r["name"] for r in spec["regions"]}
    words |= {spec["serving"]["endpoint_name"], f"{spec['model']['catalog']}.{spec['model']['schema']}"}
    for path in (project / "src").rglob("*.py"):
        text = path.read_text()
        assert not [w for w in words if w in text], f"{path} hard-codes {words}"


def test_architectures_not_chosen_leave_no_code(project):
    import yaml

    chosen = yaml.safe_load((project / "bundlegen.yml").read_text())["serving"]["architectures"]
    package = next((project / "src").iterdir())
    assert (package / "deploy").exists() == ("real-time" in chosen)
    assert (package / "scoring" / "batch.py").exists() == ("batch" in chosen)
    assert (package / "scoring" / "asynchronous.py").exists() == ("async" in chosen)

