"""How fast is `bundlegen lint` on a very large bundle, next to merely parsing its YAML with
libyaml? (run on demand, not a test)

    python benchmarks/lint_large_bundle.py [JOBS] [SCHEMA]

Writes a bundle of JOBS jobs (default 20,000: two tasks each, a schedule, parameters, a job
cluster) in two files to a temporary folder, then times, in this process, median of 3 runs:
- `yaml.load(..., Loader=yaml.CSafeLoader)` of both files (the floor: parsing, nothing else);
- `lint_paths` on the bundle with the official schema compiled beforehand (every rule on);
and once, the `bundlegen lint` command end to end. Lint must stay within 3x of the parse.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
JOBS = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
SCHEMA = (
    Path(sys.argv[2])
    if len(sys.argv) > 2
    else ROOT.parent / "shared" / "databricks-bundle-schema" / "jsonschema.json"
)
RUNS = 3

ROOT_FILE = """\
bundle:
  name: large
include:
  - resources/*.yml
variables:
  catalog:
    default: main
  pause:
    default: PAUSED
targets:
  dev:
    mode: development
    default: true
  prod:
    mode: production
    workspace:
      root_path: /Workspace/Shared/.bundle/${bundle.name}/${bundle.target}
    variables:
      pause: UNPAUSED
"""

JOB = """\
    job_{i}:
      name: job-{i}-${{bundle.target}}
      max_concurrent_runs: 1
      schedule:
        quartz_cron_expression: 0 {m} {h} * * ?
        timezone_id: UTC
        pause_status: ${{var.pause}}
      parameters:
        - name: catalog
          default: ${{var.catalog}}
      job_clusters:
        - job_cluster_key: main
          new_cluster:
            spark_version: 15.4.x-scala2.12
            node_type_id: i3.xlarge
            num_workers: 2
      tasks:
        - task_key: extract
          job_cluster_key: main
          notebook_task:
            notebook_path: /Workspace/Shared/etl/extract
            base_parameters:
              table: t_{i}
        - task_key: load
          depends_on:
            - task_key: extract
          job_cluster_key: main
          notebook_task:
            notebook_path: /Workspace/Shared/etl/load
"""


def write_bundle(folder: Path, jobs: int) -> list[Path]:
    (folder / "resources").mkdir()
    (folder / "databricks.yml").write_text(ROOT_FILE)
    files = [folder / "databricks.yml"]
    half = jobs // 2
    for n, (start, stop) in enumerate(((0, half), (half, jobs))):
        body = "".join(JOB.format(i=i, m=i % 60, h=i % 24) for i in range(start, stop))
        path = folder / "resources" / f"jobs_{n}.yml"
        path.write_text("resources:\n  jobs:\n" + body)
        files.append(path)
    return files


def median(fn) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    from bundlegen.lint import lint_paths, load_schema

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_bundle(folder, JOBS)
        lines = sum(f.read_text().count("\n") for f in files)

        def parse() -> None:
            for f in files:
                yaml.load(f.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

        schema = load_schema(SCHEMA)
        _ = schema.validator  # compiled once, as one CLI run does before it lints
        result = lint_paths([folder], schema)
        parse_s = median(parse)
        lint_s = median(lambda: lint_paths([folder], schema))
        start = time.perf_counter()
        subprocess.run(
            [
                str(Path(sys.executable).parent / "bundlegen"),
                "lint",
                "--bundle-schema",
                str(SCHEMA),
                str(folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        command_s = time.perf_counter() - start
    ratio = lint_s / parse_s
    print(
        f"{JOBS} jobs, {lines} lines in {len(files)} files, {len(result.findings)} findings; "
        f"median of {RUNS}; {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(f"yaml.load with CSafeLoader (libyaml)   {parse_s * 1000:8.0f} ms")
    print(
        f"bundlegen lint in-process               {lint_s * 1000:8.0f} ms   ratio {ratio:.2f} "
        "(must be <= 3)"
    )
    print(f"bundlegen lint command, end to end      {command_s * 1000:8.0f} ms")
    sys.exit(0 if ratio <= 3 else 1)


if __name__ == "__main__":
    main()
