"""How long add-region and remove-region take on big projects.

    python benchmarks/regions_edit.py [--targets 50] [--regions 20] [--repeat 5]

Two cases, each generated in a temporary folder: a bundle bundlegen did not generate with
--targets production targets (each with comments, variables and a serving endpoint), and a
bundlegen project with --regions regions. Each edit is planned and written, then undone;
the median of --repeat runs is printed, in the same process (no interpreter start-up).
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=50)
    # tests/support.py has 7 regions per cloud
    parser.add_argument("--regions", type=int, default=6, choices=range(1, 8))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bundle = Path(tmp) / "bundle"
        bundle.mkdir()
        (bundle / "databricks.yml").write_text(many_targets(args.targets))
        lines = (bundle / "databricks.yml").read_text().count("\n")
        _measure(f"bundle, {args.targets} targets ({lines} lines)", bundle, "il-central-1", AWS,
                 args.repeat)

        spec = make_spec("aws", args.regions)
        project = bake(spec, Path(tmp) / "project")
        _measure(f"bundlegen project, {args.regions} regions", project, "me-south-1",
                 "https://dbc-9999999999999999.cloud.databricks.com", args.repeat)


if __name__ == "__main__":
    main()
