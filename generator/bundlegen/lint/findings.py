"""What lint reports: a finding with a severity, where it is and which rule found it."""

from __future__ import annotations

from dataclasses import dataclass, replace

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    severity: str
    file: str
    line: int
    column: int
    path: str  # YAML path in the bundle, e.g. resources.jobs.x.tasks[0].task_key ("" for a file)
    rule: str
    message: str

    def as_dict(self) -> dict:
        return {
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "rule": self.rule,
            "message": self.message,
        }

    def sort_key(self):
        return (self.file, self.line, self.column, self.rule, self.message)


def strict(findings: list[Finding]) -> list[Finding]:
    """--strict: every warning counts as an error."""
    return [replace(f, severity=ERROR) if f.severity == WARNING else f for f in findings]
