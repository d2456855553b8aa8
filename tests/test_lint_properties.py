"""Whatever value a bundle puts where another kind belongs (a list for a name, a mapping for a
number, null, a reference), lint reports findings and never fails with an internal error.

Every rule's bad and good bundle is a starting point; each plain value of each of its files is
replaced in turn by a list and by a mapping, and a few by the other kinds. (Three rules once
failed on a list where they expected a name; a sample of random cases missed them.)
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lint_support import DATA, lint

BUNDLES = sorted({p.parent for p in DATA.rglob("databricks.yml")})
# `key: value` (in a mapping or a sequence item) with a plain scalar value.
SCALAR = re.compile(r"^(\s*(?:- )?[\w.-]+:\s+)([^\s#&*|>\[{'\"][^#]*?)(\s*(#.*)?)$")
ALWAYS = ["[x, y]", "{a: 1}"]
IN_TURN = ["null", "123", "-1.5", "true", "${var.nope}", "''", "[]", "{}"]


def _spots(bundle: Path) -> list[tuple[Path, int]]:
    out = []
    for file in sorted(bundle.rglob("*.yml")):
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue  # a rule's bad bundle that is not UTF-8 on purpose
        out += [(file.relative_to(bundle), i) for i, line in enumerate(lines) if SCALAR.match(line)]
    return out


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda p: p.relative_to(DATA).as_posix())
def test_a_value_of_another_kind_anywhere_gives_findings_not_a_crash(bundle, tmp_path):
    copy = Path(shutil.copytree(bundle, tmp_path / "b"))
    for n, (rel, i) in enumerate(_spots(bundle)):
        original = (bundle / rel).read_text(encoding="utf-8").splitlines(keepends=True)
        for value in [*ALWAYS, IN_TURN[n % len(IN_TURN)]]:
            lines = list(original)
            lines[i] = SCALAR.match(lines[i].rstrip("\n")).group(1) + value + "\n"
            (copy / rel).write_text("".join(lines), encoding="utf-8")
            crashes = [f for f in lint(copy).findings if f.rule == "internal-error"]
            assert crashes == [], f"{rel}:{i + 1} = {value}: {crashes[0].message}"
        (copy / rel).write_text("".join(original), encoding="utf-8")
