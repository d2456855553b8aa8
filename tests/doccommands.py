"""The commands of the README and docs, found and run the way a reader would run them.

The convention (docs/README.md says it for writers):

- Every ```bash block is run, as a script (`set -euo pipefail`), unless the line right before
  its fence is `<!-- not run: REASON -->` (a workspace, the network, or a package install is
  needed, or it rewrites this repository).
- A ```console block holds `$ command` lines, each followed by exactly what it prints (stdout
  and stderr together); both are checked. A command must succeed, unless its output ends with
  a line `[exit code N]`: then it must end with exit code N.
- The blocks of one document run in order in one temporary folder (a sandbox): what a block
  writes, the next one sees. The first block starts in the demo project (`bundlegen new
  --no-input`, made in the sandbox); every other block starts where the one before it
  started (a `cd` inside a block lasts until its end). `<!-- run in: WHERE -->` on the line
  before a fence moves the start: `project` (the demo project), `empty` (a new empty folder)
  or a path of this repository, copied into the sandbox the first time it is named.
- `bundlegen` is the one installed in the test's environment; `databricks` and `pip` are
  never run (a block that calls them must say `not run`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^(\s*)```([\w-]*)\s*$")
MARKER = re.compile(r"^<!--\s*(not run|run in):\s*(.*?)\s*-->$")
RUNNABLE = {"bash", "console"}
FORBIDDEN = re.compile(r"(?:^|[;&|(]\s*|\$\(\s*)(databricks|pip|pip3)\s")
TRAFFIC_PENDING = "needs bundlegen traffic"


@dataclass
class Block:
    path: Path
    line: int  # of the opening fence, 1-based
    lang: str
    text: str
    marker: tuple[str, str] | None  # ("not run", reason) or ("run in", where)

    @property
    def runs(self) -> bool:
        return self.lang in RUNNABLE and not (self.marker and self.marker[0] == "not run")

    @property
    def where(self) -> str | None:
        return self.marker[1] if self.marker and self.marker[0] == "run in" else None

    def __str__(self) -> str:
        return f"{self.path.name}:{self.line}"


def blocks(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, lang = opening.groups()
        end = next((k for k in range(i + 1, len(lines)) if lines[k].strip() == "```"), None)
        if end is None:
            raise ValueError(f"{path}:{i + 1}: a code block that is never closed")
        before = next((lines[k].strip() for k in range(i - 1, -1, -1) if lines[k].strip()), "")
        marker = MARKER.match(before)
        body = "\n".join(line[len(indent):] for line in lines[i + 1 : end]) + "\n"
        found.append(Block(path, i + 1, lang, body, marker.groups() if marker else None))
        i = end + 1
    return found


@dataclass
class Sandbox:
    """A temporary folder in which one document's blocks run."""

    root: Path
    repo: Path
    current: Path | None = None  # where the blocks start

    def env(self) -> dict[str, str]:
        home = self.root / "home"
        home.mkdir(exist_ok=True)
        keep = {k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")}
        return {**keep, "HOME": str(home), "NO_COLOR": "1", "COLUMNS": "100",
                "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"])}

    def start(self, block: Block, index: int) -> Path:
        if block.where is None and self.current is not None:
            return self.current
        self.current = self._folder(block.where or "project", block, index)
        return self.current

    def _folder(self, where: str, block: Block, index: int) -> Path:
        if where == "project":
            folder = self.root / "fraud_detection"
            if not folder.is_dir():
                code, output = self.shell("bundlegen new --no-input", self.root, block)
                assert code == 0, f"{block}: bundlegen new --no-input failed:\n{output}"
            return folder
        if where == "empty":
            folder = self.root / f"empty-{index}"
            folder.mkdir()
            return folder
        source = (self.repo / where).resolve()
        if not source.is_relative_to(self.repo) or not source.is_dir():
            raise AssertionError(f"{block}: run in: {where} is not a folder of the repository")
        copy = self.root / "repo" / where
        if not copy.is_dir():
            shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__", ".venv"))
        return copy

    def shell(self, script: str, cwd: Path, block: Block) -> tuple[int, str]:
        done = subprocess.run(
            ["bash", "-c", "set -euo pipefail\n" + script], cwd=cwd, env=self.env(),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, timeout=300, check=False,
        )
        return done.returncode, done.stdout


def console_commands(text: str) -> list[tuple[str, str]]:
    """(command, expected output) pairs of a console block."""
    pairs: list[tuple[str, list[str]]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            command = [line[2:]]
            while command[-1].endswith("\\") and i + 1 < len(lines):
                i += 1
                command.append(lines[i])
            pairs.append(("\n".join(command), []))
        elif pairs:
            pairs[-1][1].append(line)
        elif line.strip():
            raise ValueError(f"console block: output before the first '$ ' command: {line!r}")
        i += 1
    return [(command, "\n".join(out).rstrip() + "\n" if out else "") for command, out in pairs]


def run_document(path: Path, repo: Path, root: Path) -> int:
    """Run every runnable block of a document; AssertionError on the first that fails.
    Returns how many blocks ran."""
    root.mkdir(parents=True, exist_ok=True)
    sandbox = Sandbox(root, repo)
    ran = 0
    for index, block in enumerate(blocks(path)):
        if not block.runs:
            continue
        for number, line in enumerate(block.text.splitlines(), start=block.line + 1):
            command = line.removeprefix("$ ") if block.lang == "console" else line
            if FORBIDDEN.search(command) and not command.lstrip().startswith("#"):
                raise AssertionError(
                    f"{path.name}:{number}: {line.strip()!r} needs a workspace or the network; "
                    "put <!-- not run: REASON --> before the block, or leave the command out")
        cwd = sandbox.start(block, index)
        if block.lang == "bash":
            code, output = sandbox.shell(block.text, cwd, block)
            if code != 0:
                raise AssertionError(f"{path.name}:{block.line}: the block failed (exit code {code}):\n"
                                     f"{block.text}\n--- output ---\n{output}")
        else:
            for command, expected in console_commands(block.text):
                code, output = sandbox.shell(command, cwd, block)
                shown = "\n".join(line.rstrip() for line in output.rstrip().splitlines())
                shown = shown + "\n" if shown else ""
                if code != 0:
                    shown += f"[exit code {code}]\n"
                if shown != expected:
                    raise AssertionError(
                        f"{path.name}:{block.line}: `{command}` (exit code {code}) printed\n{shown}"
                        f"--- where the document shows ---\n{expected}")
        ran += 1
    return ran
