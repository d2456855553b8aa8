"""Regenerate the examples: each examples/<scenario>/ holds a spec (bundlegen.yml) and the
project `bundlegen new` generates from it, committed so people can read it.

    python scripts/regenerate_examples.py            # rewrite every example's project
    python scripts/regenerate_examples.py canary     # only these scenarios
    python scripts/regenerate_examples.py --check    # say which are out of date (exit code 1)

Run it after every change to the template (tests/test_examples.py fails until you do), then
review the diff of examples/ and commit it with the change. Everything in a scenario's folder
except bundlegen.yml and README.md is generated: it is deleted and written again.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
KEPT = {"bundlegen.yml", "README.md"}  # written by hand; the rest is generated


def scenarios() -> list[Path]:
    return sorted(p.parent for p in EXAMPLES.glob("*/bundlegen.yml"))


def generate(scenario: Path, out: Path) -> Path:
    """The project `bundlegen new --spec <scenario>/bundlegen.yml --no-input` makes, in out."""
    from bundlegen.project.scaffold import create_project

    return create_project(scenario / "bundlegen.yml", out).path


def files(folder: Path) -> dict[str, tuple[bytes, bool]]:
    """Relative path -> (content, executable) of every generated file under a scenario."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel not in KEPT and "__pycache__" not in path.parts:
            found[rel] = (path.read_bytes(), bool(path.stat().st_mode & 0o100))
    return found


def differences(scenario: Path) -> list[str]:
    """How the committed example differs from a fresh generation (nothing when up to date)."""
    with tempfile.TemporaryDirectory(prefix="bundlegen-example-") as tmp:
        project = generate(scenario, Path(tmp))
        fresh = files(project.parent)
    committed = files(scenario)
    out = []
    for rel in sorted(set(fresh) | set(committed)):
        if rel not in committed:
            out.append(f"missing: {rel}")
        elif rel not in fresh:
            out.append(f"not generated any more: {rel}")
        elif committed[rel][0] != fresh[rel][0]:
            out.append(f"differs: {rel}")
        elif committed[rel][1] != fresh[rel][1]:
            out.append(f"executable bit differs: {rel}")
    return out


def regenerate(scenario: Path) -> Path:
    """Replace the scenario's generated project with a fresh one; returns its folder."""
    with tempfile.TemporaryDirectory(prefix="bundlegen-example-") as tmp:
        project = generate(scenario, Path(tmp))
        for path in scenario.iterdir():
            if path.name in KEPT:
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        return Path(shutil.copytree(project, scenario / project.name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="scenarios (folders of examples/); default: all")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if out of date")
    args = parser.parse_args(argv)
    chosen = scenarios()
    if args.names:
        unknown = sorted(set(args.names) - {s.name for s in chosen})
        if unknown:
            have = ", ".join(s.name for s in chosen)
            parser.error(f"no such scenario: {', '.join(unknown)} (have: {have})")
        chosen = [s for s in chosen if s.name in args.names]
    stale = 0
    for scenario in chosen:
        if args.check:
            found = differences(scenario)
            stale += bool(found)
            print(f"{scenario.name}: {'out of date' if found else 'up to date'}")
            for line in found:
                print(f"  {line}")
        else:
            project = regenerate(scenario)
            print(f"{scenario.name}: wrote {project.relative_to(ROOT)}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
