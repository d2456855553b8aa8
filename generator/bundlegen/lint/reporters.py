"""Output formats of `bundlegen lint`: a registry of functions from a result to text."""

from __future__ import annotations

import json
from collections.abc import Callable
from xml.etree import ElementTree as ET

from bundlegen import __version__
from bundlegen.lint import LintResult
from bundlegen.lint.findings import ERROR
from bundlegen.lint.rules import RULES

Reporter = Callable[[LintResult], str]
REPORTERS: dict[str, Reporter] = {}

INFO_URI = "https://github.com/bundlegen/bundlegen/blob/main/docs/lint.md"


def reporter(name: str):
    def register(fn: Reporter) -> Reporter:
        REPORTERS[name] = fn
        return fn

    return register


@reporter("text")
def text(result: LintResult) -> str:
    """One line per finding: file:line:col: severity: message [rule]."""
    return "".join(
        f"{f.file}:{f.line}:{f.column}: {f.severity}: {f.message} [{f.rule}]\n"
        for f in result.findings
    )


@reporter("json")
def json_report(result: LintResult) -> str:
    return json.dumps({"findings": [f.as_dict() for f in result.findings]}, indent=2) + "\n"


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


@reporter("github")
def github(result: LintResult) -> str:
    """GitHub Actions workflow commands: each finding is an annotation on the pull request."""
    return "".join(
        f"::{f.severity} file={_escape_property(f.file)},line={f.line},col={f.column},"
        f"title={_escape_property(f.rule)}::{_escape_data(f.message)}\n"
        for f in result.findings
    )


@reporter("sarif")
def sarif(result: LintResult) -> str:
    """SARIF 2.1.0, for GitHub code scanning and other SARIF viewers."""
    rule_ids = list(RULES)
    rules = [
        {
            "id": r.id,
            "name": r.id,
            "shortDescription": {"text": r.docs},
            "helpUri": f"{INFO_URI}#rules",
            "defaultConfiguration": {"level": r.severity},
        }
        for r in RULES.values()
    ]
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": rule_ids.index(f.rule),
            "level": f.severity,
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.file.replace("\\", "/")},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    },
                    "logicalLocations": [{"fullyQualifiedName": f.path}] if f.path else [],
                }
            ],
        }
        for f in result.findings
    ]
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "bundlegen lint",
                        "version": __version__,
                        "informationUri": INFO_URI,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


@reporter("junit")
def junit(result: LintResult) -> str:
    """JUnit XML: a test suite per file, a failing test case per error, a passing one per
    warning (its message in system-out), and one passing case for a file with no finding."""
    suites = ET.Element("testsuites", name="bundlegen lint")
    by_file: dict[str, list] = {name: [] for name in result.files}
    for f in result.findings:
        by_file.setdefault(f.file, []).append(f)
    total_tests = total_failures = 0
    for name, findings in by_file.items():
        suite = ET.SubElement(suites, "testsuite", name=name)
        failures = 0
        for f in findings:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f.rule,
                name=f"{f.file}:{f.line}:{f.column} {f.path}".strip(),
            )
            if f.severity == ERROR:
                failures += 1
                failure = ET.SubElement(case, "failure", type=f.rule, message=f.message)
                failure.text = f"{f.file}:{f.line}:{f.column}: {f.severity}: {f.message} [{f.rule}]"
            else:
                ET.SubElement(case, "system-out").text = f"{f.severity}: {f.message} [{f.rule}]"
        if not findings:
            ET.SubElement(suite, "testcase", classname="bundlegen-lint", name=name)
        tests = max(len(findings), 1)
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        total_tests += tests
        total_failures += failures
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    suites.set("errors", "0")
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
