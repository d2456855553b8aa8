"""How long add-region and remove-region take on big projects.

    python benchmarks/regions_edit.py [--targets 50] [--regions 20] [--jobs 20000] [--repeat 5]

Three cases, each generated in a temporary folder: a bundle bundlegen did not generate with
--targets production targets (each with comments, variables and a serving endpoint), and a
bundlegen project with --regions regions: each edit is planned and written, then undone.
And a bundle with --jobs jobs in an included file: add-region planned (what --dry-run does)
next to linting the same bundle, which reads each file once too. The median of --repeat
runs is printed, in the same process (no interpreter start-up).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support import bake, make_spec  # noqa: E402
from test_regions_bundles import many_targets  # noqa: E402

from bundlegen.lint import lint_paths, load_schema  # noqa: E402
from bundlegen.regions.commands import add_region, commit, remove_region  # noqa: E402

AWS = "https://dbc-1234567890123456.cloud.databricks.com"


def _time(action) -> float:
    start = time.perf_counter()
    commit(action())
    return time.perf_counter() - start


def _measure(label: str, folder: Path, name: str, host: str, repeat: int) -> None:
    adds, removes = [], []
    for _ in range(repeat):
        adds.append(_time(lambda: add_region(folder, name, host)))
        removes.append(_time(lambda: remove_region(folder, name)))
    print(f"{label}: add-region {statistics.median(adds) * 1000:.0f} ms, "
          f"remove-region {statistics.median(removes) * 1000:.0f} ms (median of {repeat})")


def _jobs_bundle(folder: Path, jobs: int) -> None:
    (folder / "resources").mkdir(parents=True)
    (folder / "databricks.yml").write_text(
        "bundle:\n  name: big\ninclude:\n  - resources/*.yml\ntargets:\n  prod:\n"
        f"    mode: production\n    workspace:\n      host: {AWS}\n")
    (folder / "resources" / "jobs.yml").write_text("resources:\n  jobs:\n" + "".join(
        f"    job_{i}:\n      name: job {i}\n      tasks:\n        - task_key: main\n"
        f"          notebook_task:\n            notebook_path: ../src/nb_{i}.py\n"
        for i in range(jobs)))


def _median(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=50)
    # tests/support.py has 7 regions per cloud
    parser.add_argument("--regions", type=int, default=6, choices=range(1, 8))
    parser.add_argument("--jobs", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bundle = Path(tmp) / "bundle"
        bundle.mkdir()
        (bundle / "databricks.yml").write_text(many_targets(args.targets))
        lines = (bundle / "databricks.yml").read_text().count("\n")
        _measure(f"bundle, {args.targets} targets ({lines} lines)", bundle, "il-central-1", AWS,
                 args.repeat)

        big = Path(tmp) / "jobs"
        _jobs_bundle(big, args.jobs)
        schema = load_schema(None)
        _ = schema.validator  # compiled once, as in one CLI run
        lint = _median(lambda: lint_paths([big], schema), args.repeat)
        plan = _median(lambda: add_region(big, "eu-west-3", AWS.replace("1234", "4321")),
                       args.repeat)
        print(f"bundle, {args.jobs} jobs: lint {lint * 1000:.0f} ms, add-region --dry-run "
              f"{plan * 1000:.0f} ms (median of {args.repeat})")

        spec = make_spec("aws", args.regions)
        project = bake(spec, Path(tmp) / "project")
        _measure(f"bundlegen project, {args.regions} regions", project, "me-south-1",
                 "https://dbc-9999999999999999.cloud.databricks.com", args.repeat)


if __name__ == "__main__":
    main()
