"""How fast is `bundlegen lint` next to a plain JSON-schema check? (run on demand, not a test)

    python benchmarks/lint_vs_check_jsonschema.py [REAL_BUNDLES] [SCHEMA]

Over every bundle of ../shared/real-bundles, in one process each:
- `check-jsonschema --schemafile <official schema> <every YAML file>` (what teams use today);
- `bundlegen lint --bundle-schema <official schema> <every bundle>` (includes merged, targets
  resolved, schema and rules checked);
and, in this process, how much of lint's own time is past parsing the YAML.
The ratio lint / check-jsonschema must stay at or below 0.5.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "real-bundles"
SCHEMA = (
    Path(sys.argv[2])
    if len(sys.argv) > 2
    else ROOT.parent / "shared" / "databricks-bundle-schema" / "jsonschema.json"
)
RUNS = 5


def wall(cmd: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(
            cmd, cwd=REAL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_process(bundles: list[Path], files: list[Path]) -> tuple[float, float]:
    """(lint seconds, of which parsing YAML) in this process, schema loaded once beforehand."""
    from bundlegen.lint import lint_paths, load_schema
    from bundlegen.yaml.tree import compose

    schema = load_schema(SCHEMA)
    _ = schema.validator  # a lazy property: compile it once, as one CLI run does
    lint_times, parse_times = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        lint_paths(bundles, schema)
        lint_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        for f in files:
            compose(f.read_text(encoding="utf-8"), str(f))
        parse_times.append(time.perf_counter() - start)
    return statistics.median(lint_times), statistics.median(parse_times)


def main() -> None:
    bundles = sorted(p.parent for p in REAL.rglob("databricks.yml"))
    files = sorted(p for p in REAL.rglob("*") if p.suffix in (".yml", ".yaml"))
    bin_dir = Path(sys.executable).parent
    check = wall([str(bin_dir / "check-jsonschema"), "--schemafile", str(SCHEMA), *map(str, files)])
    lint = wall(
        [str(bin_dir / "bundlegen"), "lint", "--bundle-schema", str(SCHEMA), *map(str, bundles)]
    )
    lint_core, parse = in_process(bundles, files)
    print(
        f"{len(bundles)} bundles, {len(files)} YAML files; median of {RUNS} runs; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(f"check-jsonschema (one process, all files)  {check * 1000:7.0f} ms")
    print(
        f"bundlegen lint   (one process, all bundles) {lint * 1000:7.0f} ms   "
        f"ratio {lint / check:.2f} (must be <= 0.5)"
    )
    print(f"bundlegen lint in-process, schema compiled   {lint_core * 1000:7.0f} ms")
    print(f"  of which parsing YAML                      {parse * 1000:7.0f} ms")
    print(f"  past parsing (load, merge, schema, rules)  {(lint_core - parse) * 1000:7.0f} ms")
    sys.exit(0 if lint / check <= 0.5 else 1)


if __name__ == "__main__":
    main()
