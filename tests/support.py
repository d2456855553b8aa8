"""Helpers the tests share: baking specs, finding a bundle's files, checking them."""

from __future__ import annotations

import functools
import json
import shutil
import tempfile
from glob import glob
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# Data the project may not carry (each folder's README says why), beside the checkout in CI and
# on the team's machines; from a fresh clone alone the tests that need it skip (conftest.py).
SHARED = ROOT.parent / "shared"
OFFICIAL_SCHEMA = SHARED / "databricks-bundle-schema" / "jsonschema.json"
REAL_BUNDLES = SHARED / "real-bundles"
SHIPPED_SCHEMA = ROOT / "schemas" / "bundle.schema.json"
SHARED_MISSING = f"needs {SHARED}: the official bundle schema and the real bundles are not beside this checkout"


def has_shared() -> bool:
    return OFFICIAL_SCHEMA.is_file() and REAL_BUNDLES.is_dir()


def bundle_schema() -> Path:
    """The schema generated bundles are checked against: the official one when it is there,
    else the one bundlegen ships, derived from it (docs/decisions/tests-without-shared.md)."""
    return OFFICIAL_SCHEMA if OFFICIAL_SCHEMA.is_file() else SHIPPED_SCHEMA


def real_bundles() -> list[Path]:
    """Every bundle folder of ../shared/real-bundles (none without ../shared)."""
    return sorted(p.parent for p in REAL_BUNDLES.rglob("databricks.yml")) if REAL_BUNDLES.is_dir() else []

DEFAULT_SPEC = {
    "project_name": "Fraud Detection",
    "cloud": "aws",
    "model": {"catalog": "ml", "schema": "fraud", "name": "fraud_model"},
    "regions": [
        {"name": "us-east-1", "host": "https://dbc-1234567890123456.cloud.databricks.com"},
        {"name": "eu-west-1", "host": "https://dbc-6543210987654321.cloud.databricks.com"},
    ],
    "serving": {
        "endpoint_name": "fraud-scoring",
        "variants": [{"name": "champion", "traffic": 90}, {"name": "challenger", "traffic": 10}],
    },
    "ci": "github",
}

REGIONS = {
    "aws": ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1", "ap-northeast-1", "sa-east-1"],
    "azure": ["eastus2", "westeurope", "uksouth", "australiaeast", "centralindia", "japaneast", "canadacentral"],
    "gcp": ["us-central1", "europe-west1", "asia-southeast1", "us-east4", "europe-west3", "asia-northeast1", "australia-southeast1"],
}


def host(cloud: str, i: int) -> str:
    n = f"{1000000000000000 + i * 7919}"
    return {
        "aws": f"https://dbc-{n}.cloud.databricks.com",
        "azure": f"https://adb-{n}.{i % 9 + 1}.azuredatabricks.net",
        "gcp": f"https://{n}.{i % 9 + 1}.gcp.databricks.com",
    }[cloud]


def make_spec(cloud="aws", regions=2, variants=(90, 10), ci="github", **extra) -> dict:
    names = ["champion", "challenger", "shadow"]
    spec = {
        "project_name": extra.pop("project_name", "Fraud Detection"),
        "cloud": cloud,
        "model": {"catalog": "ml", "schema": "fraud", "name": "fraud_model"},
        "regions": [{"name": REGIONS[cloud][i], "host": host(cloud, i)} for i in range(regions)],
        "serving": {
            "endpoint_name": "fraud-scoring",
            "variants": [{"name": names[i], "traffic": t} for i, t in enumerate(variants)],
        },
        "ci": ci,
    }
    spec.update(extra)
    return spec


def write_spec(path: Path, spec: dict) -> Path:
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


_RENDERS: dict[str, Path] = {}


def bake(spec: dict, tmp_path: Path) -> Path:
    """Generate a project from a spec, as `bundlegen new --spec --no-input` does, into
    tmp_path/out: a copy of the test's own to edit. Every bundle it generates is checked against
    the official schema (the shipped one without ../shared) here, so no test can skip it.

    Each spec is rendered once per test process: rendering is deterministic, and it is most of
    the suite's time (every edit command's test compares with a render)."""
    key = json.dumps(spec, sort_keys=True)
    if key not in _RENDERS:
        from bundlegen.project.scaffold import create_project

        where = Path(tempfile.mkdtemp(prefix="bundlegen-render-"))
        spec_file = write_spec(where / "spec.yml", spec)
        project = create_project(spec_file, where / "out").path
        assert_valid_project(project)
        _RENDERS[key] = project
    tmp_path.mkdir(parents=True, exist_ok=True)
    write_spec(tmp_path / "spec.yml", spec)
    return Path(shutil.copytree(_RENDERS[key], tmp_path / "out" / _RENDERS[key].name))


def forget_renders() -> None:
    """Remove the renders bake keeps (at the end of the session)."""
    for project in _RENDERS.values():
        shutil.rmtree(project.parent.parent, ignore_errors=True)
    _RENDERS.clear()


def bundle_roots(project: Path) -> list[Path]:
    """Every bundle of a project: each folder with a databricks.yml."""
    return sorted(p.parent for p in project.rglob("databricks.yml"))


def bundle_files(bundle: Path) -> list[Path]:
    """The root file of a bundle and every file its include globs match, as the CLI loads them."""
    root = bundle / "databricks.yml"
    data = yaml.safe_load(root.read_text()) or {}
    files = [root]
    for pattern in data.get("include") or []:
        files += sorted(Path(p) for p in glob(str(bundle / pattern), recursive=True))
    return files


@functools.lru_cache(maxsize=1)
def official_validator():
    import jsonschema_rs

    return jsonschema_rs.validator_for(json.loads(bundle_schema().read_text()))


@functools.lru_cache(maxsize=4096)
def _schema_errors(text: str) -> tuple[str, ...]:
    data = yaml.load(text, Loader=yaml.CSafeLoader)
    return tuple(f"{'/'.join(map(str, e.instance_path))}: {e.message[:200]}"
                 for e in official_validator().iter_errors(data))


def schema_errors(path: Path) -> list[str]:
    """What the official schema says of one bundle file (the shipped one without ../shared)."""
    return [f"{path}: {error}" for error in _schema_errors(path.read_text())]


def _resources(data: dict):
    yield from ((data.get("resources") or {}).items())
    for target in (data.get("targets") or {}).values():
        yield from (((target or {}).get("resources") or {}).items())


def typed_model_errors(path: Path) -> list[str]:
    """Each job and endpoint must build with the strict models of databricks-bundles."""
    return [f"{path}: {error}" for error in _typed_model_errors(path.read_text())]


@functools.lru_cache(maxsize=4096)
def _typed_model_errors(text: str) -> tuple[str, ...]:
    from databricks.bundles.jobs import Job
    from databricks.bundles.model_serving_endpoints import ModelServingEndpoint

    models = {"jobs": Job, "model_serving_endpoints": ModelServingEndpoint}
    found = []
    for kind, entries in _resources(yaml.load(text, Loader=yaml.CSafeLoader) or {}):
        model = models.get(kind)
        for key, value in (entries or {}).items() if model else []:
            try:
                if model.from_dict(value).as_dict() != value:
                    found.append(f"{kind}.{key}: does not round-trip through {model.__name__}")
            except Exception as err:  # the models raise ValueError/TypeError on bad fields
                found.append(f"{kind}.{key}: {err}")
    return tuple(found)


def assert_valid_project(project: Path) -> None:
    """Every bundle file of the project validates against the official schema and the models."""
    problems = []
    roots = bundle_roots(project)
    assert roots, f"no databricks.yml under {project}"
    for bundle in roots:
        for file in bundle_files(bundle):
            problems += schema_errors(file) + typed_model_errors(file)
    assert not problems, "\n".join(problems)


def tree(project: Path) -> dict[str, str]:
    """Relative path -> text of every file of a generated project."""
    return {
        str(p.relative_to(project)): p.read_text(encoding="utf-8")
        for p in sorted(project.rglob("*"))
        if p.is_file()
    }
