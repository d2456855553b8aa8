"""The generated CI/CD: files per CI system, real linters, security properties, deploy order,
region additivity, and the deploy script's flow against a stand-in Databricks CLI."""

from __future__ import annotations

import difflib
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import yaml
from ci_lint import ci_files, lint_ci
from support import assert_valid_project, bake, make_spec

ALL_CI = ["github", "azure-devops", "gitlab"]

PROJECTS = {
    "github_aws_3": make_spec("aws", 3, (90, 10), "github"),
    "azure_devops_azure_3": make_spec("azure", 3, (70, 20, 10), "azure-devops"),
    "gitlab_gcp_2": make_spec("gcp", 2, (100,), "gitlab"),
    "all_ci_aws_2": make_spec("aws", 2, (90, 10), ALL_CI),
    "all_ci_gcp_1_batch_only": make_spec(
        "gcp", 1, (100,), ALL_CI,
        serving={"endpoint_name": "churn-scoring", "variants": [{"name": "champion", "traffic": 100}],
                 "architectures": ["batch"]},
    ),
}

FILES = {
    "github": {".github/workflows/ci.yml", ".github/workflows/deploy.yml", ".github/dependabot.yml"},
    "azure-devops": {".azure-pipelines/ci.yml", ".azure-pipelines/deploy.yml",
                     ".azure-pipelines/templates/deploy-target.yml", "scripts/install_databricks_cli.sh"},
    "gitlab": {".gitlab-ci.yml", "scripts/install_databricks_cli.sh"},
}
ALWAYS = {"scripts/deploy_region.sh", "ci/requirements-lint.txt", "ci/requirements-deploy.txt",
          "ci/requirements-sdk-floor.txt", "docs/ci.md"}

SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    return {name: bake(spec, tmp_path_factory.mktemp(name)) for name, spec in PROJECTS.items()}


def _ci(spec: dict) -> list[str]:
    return [spec["ci"]] if isinstance(spec["ci"], str) else spec["ci"]


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def _text_of(project: Path, relative: str) -> str:
    return (project / relative).read_text()


# --------------------------------------------------------------------------- files and linters


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_each_chosen_ci_system_gets_its_files_and_no_other(projects, name):
    project = projects[name]
    expected = set(ALWAYS)
    for ci in _ci(PROJECTS[name]):
        expected |= FILES[ci]
    generated = {str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()}
    ci_like = {f for f in generated
               if f.startswith((".github", ".azure-pipelines", ".gitlab", "scripts/", "ci/"))}
    ci_like |= {f for f in generated if f in ALWAYS}
    assert ci_like == expected
    assert_valid_project(project)
    for script in (project / "scripts").glob("*.sh"):
        assert script.stat().st_mode & stat.S_IXUSR, f"{script} is not executable"


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_ci_files_pass_the_real_linters(projects, name):
    problems = lint_ci(projects[name])
    assert not problems, "\n\n".join(problems)


def test_the_linters_do_report_a_broken_file(projects, tmp_path):
    """The clean results above mean something: each linter flags a planted mistake."""
    project = shutil.copytree(projects["all_ci_aws_2"], tmp_path / "broken")
    workflow = project / ".github" / "workflows" / "ci.yml"
    workflow.write_text(workflow.read_text().replace(
        "run: python -m pytest",
        "run: echo ${{ github.event.pull_request.title }} && python -m pytest $UNQUOTED"))
    (project / ".github" / "workflows" / "extra.yml").write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n")
    gitlab = project / ".gitlab-ci.yml"
    gitlab.write_text(gitlab.read_text().replace("resource_group: staging", "resource_group: [staging]"))
    azure = project / ".azure-pipelines" / "deploy.yml"
    azure.write_text(azure.read_text().replace("pr: none", "pr: none\nstagez: []"))
    script = project / "scripts" / "deploy_region.sh"
    script.write_text(script.read_text() + "\nrm -rf $target/\n")

    report = "\n".join(lint_ci(project))
    assert "actionlint" in report and "zizmor" in report
    assert "template-injection" in report and "unpinned-uses" in report and "artipacked" in report
    assert "check-jsonschema gitlab-ci" in report and "check-jsonschema azure-pipelines" in report
    assert "shellcheck" in report and "SC2086" in report


# --------------------------------------------------------------------------- security properties


def _github(project: Path) -> dict[str, dict]:
    return {p.name: _load(p) for p in ci_files(project)["github"]}


def _on(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # PyYAML 1.1 reads the key `on` as True


def test_github_workflows_are_least_privilege_and_pinned(projects):
    project = projects["github_aws_3"]
    for name, workflow in _github(project).items():
        assert "pull_request_target" not in _on(workflow), name
        assert workflow["permissions"] == {}, f"{name}: top-level permissions must be empty"
        for job_name, job in workflow["jobs"].items():
            perms = job["permissions"]
            assert perms.get("contents") == "read"
            assert set(perms) <= {"contents", "id-token"}
            if "id-token" in perms:  # only jobs that talk to Databricks
                assert perms["id-token"] == "write"
                assert job["env"]["DATABRICKS_AUTH_TYPE"] == "github-oidc"
                assert "environment" in job or job_name == "validate"
            for step in job["steps"]:
                if "run" in step:
                    assert "${{" not in step["run"], f"{name}:{job_name}: expression inside run:"
                if step.get("uses", "").startswith("actions/checkout"):
                    assert step["with"]["persist-credentials"] is False
    for line in _text_of(project, ".github/workflows/deploy.yml").splitlines() + \
            _text_of(project, ".github/workflows/ci.yml").splitlines():
        if line.strip().startswith("- uses:") or line.strip().startswith("uses:"):
            assert SHA_PIN.match(line.split("uses:", 1)[1].strip()), line


def test_every_action_pin_comes_from_the_one_table_of_pins(projects):
    """template/bundlegen_ext.py ACTION_PINS is the only place a generated workflow's pins come
    from; each was checked to exist in its repository (docs/decisions/ci-auth-and-pins.md)."""
    from bundlegen_model.pins import ACTION_PINS

    pins = ACTION_PINS
    used = set()
    for project in projects.values():
        for path in ci_files(project)["github"]:
            for line in path.read_text().splitlines():
                if "uses:" in line:
                    action, rest = line.split("uses:", 1)[1].strip().split("@", 1)
                    sha, tag = rest.split(" # ")
                    assert pins[action] == (sha, tag), f"{path.name}: {line.strip()}"
                    used.add(action)
    assert used == set(pins), "a pin no generated workflow uses belongs out of the table"


def test_the_sdk_floor_is_what_the_ci_systems_need_and_ci_tests_it(projects):
    """Route.served_entity_name needs databricks-sdk 0.58; azure-devops-oidc needs 0.68."""
    import tomllib

    for name, project in projects.items():
        floor = "0.68.0" if "azure-devops" in _ci(PROJECTS[name]) else "0.58.0"
        declared = tomllib.loads(_text_of(project, "pyproject.toml"))["project"]["dependencies"]
        assert f"databricks-sdk>={floor}" in declared, name
        pinned = [line for line in _text_of(project, "ci/requirements-sdk-floor.txt").splitlines()
                  if line and not line.startswith("#")]
        assert pinned == [f"databricks-sdk=={floor}"], name
        for files in (ci_files(project)[key] for key in ("github", "azure-pipelines", "gitlab-ci")):
            for path in files:
                if "pytest" in path.read_text():
                    text = path.read_text()
                    assert text.index("python -m pip install -r ci/requirements-sdk-floor.txt") \
                        < text.rindex("python -m pytest"), path


def test_gitlab_jobs_fit_the_hosted_runners_limit(projects):
    gitlab = _load(projects["gitlab_gcp_2"] / ".gitlab-ci.yml")
    for name, job in gitlab.items():
        if isinstance(job, dict) and "timeout" in job:
            hours = re.fullmatch(r"(\d+)h", job["timeout"])
            assert hours and int(hours.group(1)) <= 3, f"{name}: {job['timeout']}"


def test_github_installs_exactly_the_cli_version_the_bundles_require(projects):
    project = projects["github_aws_3"]
    required = _load(project / "databricks.yml")["bundle"]["databricks_cli_version"]
    assert _load(project / "serving" / "databricks.yml")["bundle"]["databricks_cli_version"] == required
    for name, workflow in _github(project).items():
        for job in workflow["jobs"].values():
            for step in job["steps"]:
                if step.get("uses", "").startswith("databricks/setup-cli@"):
                    assert required == f">= {step['with']['version']}", name


def test_ci_pins_the_bundlegen_that_generated_the_project_and_the_tools(projects):
    from bundlegen import __version__

    project = projects["all_ci_aws_2"]
    lint = [line for line in _text_of(project, "ci/requirements-lint.txt").splitlines()
            if line and not line.startswith("#")]
    deploy = [line for line in _text_of(project, "ci/requirements-deploy.txt").splitlines()
              if line and not line.startswith("#")]
    assert lint == [f"bundlegen=={__version__}"]
    assert len(deploy) == 2 and re.fullmatch(r"uv==\d+\.\d+\.\d+", deploy[0])
    assert deploy[1] == "-e ."  # the project itself, whose bundle-vars the deploy script calls
    assert "scripts/install_databricks_cli.sh 1.13.0" in _text_of(project, ".azure-pipelines/ci.yml")
    assert 'DATABRICKS_CLI_VERSION: "1.13.0"' in _text_of(project, ".gitlab-ci.yml")


def test_no_long_lived_credential_anywhere(projects):
    for project in projects.values():
        for files in ci_files(project).values():
            for path in files:
                text = path.read_text()
                for word in ("DATABRICKS_TOKEN:", "DATABRICKS_TOKEN=", "CLIENT_SECRET", "secrets."):
                    assert word not in text, f"{path}: {word}"


def test_every_ci_system_authenticates_by_oidc(projects):
    project = projects["all_ci_aws_2"]
    for _name, workflow in _github(project).items():
        for job in workflow["jobs"].values():
            if "id-token" in job["permissions"]:
                assert job["env"]["DATABRICKS_AUTH_TYPE"] == "github-oidc"
    azure = _text_of(project, ".azure-pipelines/templates/deploy-target.yml")
    assert "DATABRICKS_AUTH_TYPE: azure-devops-oidc" in azure
    assert "SYSTEM_ACCESSTOKEN: $(System.AccessToken)" in azure
    gitlab = _load(project / ".gitlab-ci.yml")
    assert gitlab[".databricks"]["variables"]["DATABRICKS_AUTH_TYPE"] == "env-oidc"
    assert set(gitlab[".databricks"]["id_tokens"]) == {"DATABRICKS_OIDC_TOKEN"}
    for name, job in gitlab.items():
        if name.startswith("deploy-") or name == "bundle-validate":
            assert job["extends"] in (".deploy", ".databricks")


# --------------------------------------------------------------------------- run_as and the CLI


def cli_run_as_errors(bundle: dict, target: str, current_user: str) -> list[str]:
    """The check of the Databricks CLI (v1.13.0, bundle/config/mutator/resourcemutator/run_as.go,
    validateRunAs) on the target's merged run_as and resources: run_as must name the identity
    running the command when the bundle has serving endpoints (or monitors, apps)."""
    spec = bundle.get("targets", {}).get(target) or {}
    run_as = spec.get("run_as", bundle.get("run_as"))
    if run_as is None:
        return []  # the mutator is a no-op without run_as
    identity = run_as.get("service_principal_name") or run_as.get("user_name")
    if not identity:
        return ["run_as section must specify exactly one identity"]
    if identity == current_user:
        return []
    resources = {**(bundle.get("resources") or {}), **(spec.get("resources") or {})}
    return [f"{kind} do not support a setting a run_as user that is different from the owner"
            for kind in ("model_serving_endpoints", "quality_monitors", "apps") if resources.get(kind)]


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_pull_request_validation_as_the_read_only_principal_passes_the_cli_run_as_check(projects, name):
    project = projects[name]
    for bundle_file in (project / "databricks.yml", project / "serving" / "databricks.yml"):
        if not bundle_file.exists():
            continue
        bundle = _load(bundle_file)
        for pattern in bundle.get("include") or []:  # resources/*.yml: merged as the CLI does
            for included in sorted(bundle_file.parent.glob(pattern)):
                for kind, items in (_load(included).get("resources") or {}).items():
                    bundle.setdefault("resources", {}).setdefault(kind, {}).update(items)
        if bundle_file.parent == project:  # the includes were read: the jobs are there
            assert bundle["resources"]["jobs"]
        for target in bundle["targets"]:
            assert cli_run_as_errors(bundle, target, "ci-validate-app-id") == [], (bundle_file, target)
    if (project / "serving" / "databricks.yml").exists():
        serving_text = _text_of(project, "serving/databricks.yml")
        assert "run_as:" not in serving_text.replace("# No run_as", "")


def test_the_cli_run_as_check_refuses_run_as_beside_an_endpoint():
    """The check above can fail: the serving bundle as it was (run_as naming the deployer)."""
    bundle = {"resources": {"model_serving_endpoints": {"e": {"name": "e"}}},
              "targets": {"prod": {"run_as": {"service_principal_name": "deployer-app-id"}}}}
    assert cli_run_as_errors(bundle, "prod", "ci-validate-app-id") != []
    assert cli_run_as_errors(bundle, "prod", "deployer-app-id") == []


# --------------------------------------------------------------------------- flows and order


def test_github_deploys_staging_then_primary_then_replicas_in_parallel(projects):
    project = projects["github_aws_3"]
    jobs = _load(project / ".github" / "workflows" / "deploy.yml")["jobs"]
    assert set(jobs) == {"staging", "prod-us-east-1", "replicas"}
    assert jobs["staging"]["if"] == "github.ref == 'refs/heads/main'"
    assert "refs/heads/release" in jobs["prod-us-east-1"]["if"]
    assert "refs/tags/v" in jobs["prod-us-east-1"]["if"]
    replicas = jobs["replicas"]
    assert replicas["needs"] == "prod-us-east-1"
    assert replicas["strategy"]["fail-fast"] is False
    assert replicas["strategy"]["matrix"]["include"] == [{"target": "prod-eu-west-1"},
                                                         {"target": "prod-ap-southeast-2"}]
    for job in jobs.values():
        assert job["concurrency"]["cancel-in-progress"] is False
        assert job["concurrency"]["group"] == f"deploy-{job['environment']}"
        assert job["steps"][-1]["run"] == 'bash scripts/deploy_region.sh "$TARGET"'
        assert job["env"]["TARGET"] == job["environment"]


def test_pull_requests_validate_every_target_of_both_bundles(projects):
    project = projects["github_aws_3"]
    ci = _load(project / ".github" / "workflows" / "ci.yml")
    assert list(_on(ci)) == ["pull_request"]
    runs = "\n".join(step.get("run", "") for step in ci["jobs"]["validate"]["steps"])
    for target in ("dev", "staging", "prod-us-east-1", "prod-eu-west-1", "prod-ap-southeast-2"):
        assert f"databricks bundle validate -t {target}\n" in runs + "\n"
        if target != "dev":
            assert f"cd serving && databricks bundle validate -t {target}" in runs
    assert "bundlegen lint . serving" in str(ci["jobs"]["lint"])
    assert "python -m pytest" in str(ci["jobs"]["test"])


def test_azure_devops_stages_gate_replicas_on_the_primary(projects):
    project = projects["azure_devops_azure_3"]
    stages = _load(project / ".azure-pipelines" / "deploy.yml")["stages"]
    params = [s["parameters"] for s in stages]
    assert [p["target"] for p in params] == ["staging", "prod-eastus2", "prod-westeurope", "prod-uksouth"]
    assert params[0]["dependsOn"] == [] and params[1]["dependsOn"] == []
    assert "refs/heads/main" in params[0]["condition"]
    assert "refs/heads/release" in params[1]["condition"]
    assert params[2]["dependsOn"] == ["prod_eastus2"] and params[3]["dependsOn"] == ["prod_eastus2"]
    template = _load(project / ".azure-pipelines" / "templates" / "deploy-target.yml")
    stage = template["stages"][0]
    assert stage["lockBehavior"] == "sequential"
    assert stage["jobs"][0]["environment"] == "${{ parameters.target }}"


def test_gitlab_deploys_replicas_after_the_primary_from_the_release_branch(projects):
    project = projects["gitlab_gcp_2"]
    gitlab = _load(project / ".gitlab-ci.yml")
    primary, replica = gitlab["deploy-prod-us-central1"], gitlab["deploy-prod-europe-west1"]
    assert primary["environment"]["name"] == "prod-us-central1"
    assert replica["needs"] == ["deploy-prod-us-central1"]
    for job in (gitlab["deploy-staging"], primary, replica):
        assert job["resource_group"] == job["environment"]["name"]
    assert gitlab[".deploy"]["interruptible"] is False
    assert 'bash scripts/deploy_region.sh "$CI_ENVIRONMENT_NAME"' in gitlab[".deploy"]["script"]


# --------------------------------------------------------------------------- region additivity


def _grown(spec_of, n: int, tmp_path: Path) -> tuple[Path, Path]:
    return bake(spec_of(n), tmp_path / f"n{n}"), bake(spec_of(n + 1), tmp_path / f"n{n + 1}")


ADDITIVE = sorted(set.union(ALWAYS, *FILES.values()))


@pytest.mark.parametrize("ci", ALL_CI + ["all"])
@pytest.mark.parametrize("n", [1, 2])
def test_one_more_region_only_adds_lines_to_the_ci_files(tmp_path, ci, n):
    """What `bundlegen add-region` relies on: a region is whole entries of its own."""
    cloud = {"github": "aws", "azure-devops": "azure", "gitlab": "gcp", "all": "aws"}[ci]
    systems = ALL_CI if ci == "all" else ci
    before, after = _grown(lambda k: make_spec(cloud, k, (90, 10), systems), n, tmp_path)
    new_target = f"prod-{make_spec(cloud, n + 1)['regions'][n]['name']}"
    for relative in ADDITIVE:
        if not (before / relative).exists():
            continue
        old, new = _text_of(before, relative), _text_of(after, relative)
        removed = [line for line in difflib.ndiff(old.splitlines(), new.splitlines())
                   if line.startswith("- ")]
        assert not removed, f"{relative}: adding a region changed existing lines:\n" + "\n".join(removed)
        if relative not in ("scripts/deploy_region.sh", "scripts/install_databricks_cli.sh",
                            "ci/requirements-lint.txt", "ci/requirements-deploy.txt",
                            "ci/requirements-sdk-floor.txt",
                            ".github/dependabot.yml", ".azure-pipelines/templates/deploy-target.yml"):
            assert new_target in new, f"{relative} does not mention the new region"
    assert not lint_ci(after)


# --------------------------------------------------------------------------- snapshots


def test_ci_files_snapshot(snapshot, tmp_path):
    project = bake(make_spec("aws", 3, (90, 10), ALL_CI), tmp_path)
    files = {}
    for relative in ADDITIVE:
        if (project / relative).exists():
            files[relative.replace("/", "__")] = _text_of(project, relative)
    snapshot.assert_match_dir(files, "ci")


# --------------------------------------------------------------------------- the deploy script
# scripts/deploy_region.sh runs against a stand-in `databricks` on PATH and a stand-in for the
# project's own command. FAKE_FAIL (a regular expression) makes each call whose log line matches
# it fail, and FAKE_FAIL_AT=N the N-th call logged, as the real CLI fails: an error on stderr,
# exit 1.

FAKE_CLI = r"""#!/usr/bin/env python3
import json, os, re, sys
from pathlib import Path

state = Path(os.environ["FAKE_STATE"])
args = sys.argv[1:]
project = Path(os.environ["FAKE_PROJECT"]).resolve()
where = {project: ".", project / "serving": "serving"}.get(Path.cwd().resolve(), "outside")
line = f"{where} | host={os.environ.get('DATABRICKS_HOST', '')} | {' '.join(args)}"
with open(state / "calls.log", "a") as log:
    log.write(line + "\n")
count = len((state / "calls.log").read_text().splitlines())
if (os.environ.get("FAKE_FAIL") and re.search(os.environ["FAKE_FAIL"], line)
        or os.environ.get("FAKE_FAIL_AT") == str(count)):
    print("Error: PERMISSION_DENIED: the fake workspace refused this call", file=sys.stderr)
    sys.exit(1)
if args[:2] == ["bundle", "validate"]:
    jobs = [j for j in os.environ["FAKE_JOBS"].split(",") if j]
    print(json.dumps({
        "workspace": {"host": "https://fake.cloud.databricks.com",
                      "current_user": {"userName": os.environ.get("FAKE_ME", "sp-app-id")}},
        "run_as": {"service_principal_name": "sp-app-id"},
        "variables": {"role": {"value": os.environ["FAKE_ROLE"]},
                      "model_catalog": {"value": "ml"}, "schema": {"value": "fraud"},
                      "model_name": {"value": "fraud_model"}},
        "resources": {"jobs": {j: {"name": j} for j in jobs}},
    }))
elif args[:2] == ["model-versions", "get-by-alias"]:
    alias = args[3]
    known = dict(item.split("=") for item in os.environ.get("FAKE_ALIASES", "").split(",") if item)
    if (state / "trained").exists():
        known.setdefault("champion", "1")
    if alias not in known:
        print(f"Error: Model version alias {alias} of {args[2]} does not exist.", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"version": known[alias], "model_name": args[2]}))
elif args[:3] == ["bundle", "run", "training"]:
    (state / "trained").touch()
"""

# The project's own command (its `bundle-vars` has tests of its own in the generated project):
# it logs the call and prints the versions as JSON; FAKE_VARS makes it fail or print too little.
FAKE_PACKAGE = r"""#!/usr/bin/env python3
import json, os, sys
from pathlib import Path
state = Path(os.environ["FAKE_STATE"])
with open(state / "calls.log", "a") as log:
    log.write("package | " + " ".join(sys.argv[1:]) + "\n")
known = dict(item.split("=") for item in os.environ.get("FAKE_ALIASES", "").split(",") if item)
first = known.get("champion", "1")
versions = {"champion_version": first, "challenger_version": known.get("challenger", first)}
mode = os.environ.get("FAKE_VARS", "")
if mode == "fail":
    print("error: cannot reach the workspace", file=sys.stderr)
    sys.exit(1)
if mode == "empty":
    sys.exit(0)
if mode == "missing":
    del versions["challenger_version"]
if mode == "not-a-number":
    versions["challenger_version"] = "latest"
print(json.dumps(versions))
"""

DEPLOYER = "sp-app-id"  # the service principal the fake jobs bundle runs as


def _deploy(project: Path, tmp_path: Path, target: str, **fake) -> tuple[subprocess.CompletedProcess, list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, text in (("databricks", FAKE_CLI), ("fraud_detection", FAKE_PACKAGE)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    state = tmp_path / "state"
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "FAKE_STATE": str(state), "FAKE_PROJECT": str(project), **fake}
    done = subprocess.run(["bash", str(project / "scripts" / "deploy_region.sh"), target],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
                          check=False)
    calls = (state / "calls.log").read_text().splitlines() if (state / "calls.log").exists() else []
    return done, calls


@pytest.fixture(scope="module")
def two_region_project(tmp_path_factory) -> Path:
    return bake(make_spec("aws", 2, (90, 10), "github"), tmp_path_factory.mktemp("deploy"))


ALIAS_CALL = "outside | host=https://fake.cloud.databricks.com | model-versions get-by-alias ml.fraud.fraud_model champion -o json"
FIRST_DEPLOY = [
    ". | host= | bundle deploy -t prod-us-east-1",
    ". | host= | bundle validate -t prod-us-east-1 -o json",
    ALIAS_CALL,  # none yet: a fresh workspace
    ". | host= | bundle run training -t prod-us-east-1",
    ALIAS_CALL,
    ". | host= | bundle run share_model -t prod-us-east-1",
    "package | bundle-vars --target prod-us-east-1 --format json",
    "serving | host= | bundle deploy -t prod-us-east-1 --var champion_version=1 --var challenger_version=1",
    ". | host= | bundle run deployment -t prod-us-east-1",
]
FRESH_PRIMARY = {"FAKE_ROLE": "primary", "FAKE_JOBS": "training,share_model,deployment"}


def test_a_fresh_primary_region_trains_shares_then_serves(two_region_project, tmp_path):
    done, calls = _deploy(two_region_project, tmp_path, "prod-us-east-1", **FRESH_PRIMARY)
    assert done.returncode == 0, done.stderr + done.stdout
    assert calls == FIRST_DEPLOY


@pytest.mark.parametrize("step", range(len(FIRST_DEPLOY)), ids=lambda i: FIRST_DEPLOY[i].split(" | ")[-1][:40])
def test_every_failing_step_stops_the_deploy_and_nothing_after_it_runs(two_region_project, tmp_path, step):
    fake = {"FAKE_VARS": "fail"} if FIRST_DEPLOY[step].startswith("package") else \
        {"FAKE_FAIL_AT": str(step + 1)}
    done, calls = _deploy(two_region_project, tmp_path, "prod-us-east-1", **FRESH_PRIMARY, **fake)
    assert done.returncode != 0, done.stdout
    assert calls == FIRST_DEPLOY[:step + 1], done.stderr
    assert "error:" in done.stderr.lower()


@pytest.mark.parametrize("mode", ["empty", "missing", "not-a-number"])
def test_serving_is_never_deployed_without_a_version_for_every_variant(two_region_project, tmp_path, mode):
    done, calls = _deploy(two_region_project, tmp_path, "prod-us-east-1", **FRESH_PRIMARY, FAKE_VARS=mode)
    assert done.returncode == 1
    assert calls == FIRST_DEPLOY[:7]
    assert not any(c.startswith("serving") for c in calls)
    assert "challenger" in done.stderr or "expected JSON, got: nothing" in done.stderr


def test_a_failure_to_read_the_alias_never_trains(two_region_project, tmp_path):
    """Only a missing alias means a fresh workspace; any other error stops the deploy."""
    done, calls = _deploy(two_region_project, tmp_path, "prod-us-east-1", **FRESH_PRIMARY,
                          FAKE_FAIL="get-by-alias")
    assert done.returncode == 1
    assert calls == FIRST_DEPLOY[:3]
    assert "PERMISSION_DENIED" in done.stderr


def test_only_the_service_principal_the_jobs_run_as_deploys_serving(two_region_project, tmp_path):
    """The endpoint's creator is its deployer, for good: a person's deploy stops before it."""
    done, calls = _deploy(two_region_project, tmp_path, "prod-us-east-1", **FRESH_PRIMARY,
                          FAKE_ME="someone@example.com")
    assert done.returncode == 1
    assert "not as 'someone@example.com'" in done.stderr
    assert calls == FIRST_DEPLOY[:6]


def test_a_deployed_region_serves_the_versions_behind_the_aliases(two_region_project, tmp_path):
    done, calls = _deploy(two_region_project, tmp_path, "staging", FAKE_ROLE="primary",
                          FAKE_JOBS="training,deployment", FAKE_ALIASES="champion=7,challenger=9")
    assert done.returncode == 0, done.stderr + done.stdout
    assert not any("bundle run training" in c or "share_model" in c for c in calls)
    assert "serving | host= | bundle deploy -t staging --var champion_version=7 --var challenger_version=9" in calls
    assert calls[-1] == ". | host= | bundle run deployment -t staging"


def test_a_replica_never_trains_and_stops_when_nothing_is_shared_yet(two_region_project, tmp_path):
    done, calls = _deploy(two_region_project, tmp_path, "prod-eu-west-1", FAKE_ROLE="replica",
                          FAKE_JOBS="deployment")
    assert done.returncode == 1
    assert "the primary region has not shared a version yet" in done.stderr
    assert not any("bundle run" in c for c in calls)
    assert not any(c.startswith("serving") for c in calls)


def test_an_unreadable_bundle_configuration_stops_the_deploy(two_region_project, tmp_path):
    done, calls = _deploy(two_region_project, tmp_path, "prod-us-east-1", FAKE_ROLE="",
                          FAKE_JOBS="training")
    assert done.returncode == 1
    assert "unknown role" in done.stderr
    assert calls == FIRST_DEPLOY[:2]


@pytest.mark.parametrize("ci", ["github", "azure-devops", "gitlab"])
def test_add_region_keeps_the_deploy_pipeline_in_step_and_lint_clean(tmp_path, ci):
    from click.testing import CliRunner

    from bundlegen.cli import cli

    project = bake(make_spec("aws", 2, (90, 10), ci), tmp_path)
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    add = CliRunner().invoke(cli, ["add-region", "ap-southeast-2", "--host",
                                   "https://dbc-1111111111111111.cloud.databricks.com",
                                   "--project-dir", str(project)])
    assert add.exit_code == 0, add.output
    pipeline = "\n".join(p.read_text() for files in ci_files(project).values() for p in files)
    assert "prod-ap-southeast-2" in pipeline
    assert lint_ci(project) == []

    remove = CliRunner().invoke(cli, ["remove-region", "ap-southeast-2", "--project-dir", str(project)])
    assert remove.exit_code == 0, remove.output
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before
