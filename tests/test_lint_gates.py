"""The quality gates of `bundlegen lint`: no error on published bundles nor on generated ones."""

from __future__ import annotations

import pytest
from lint_support import SCHEMAS, lint
from support import bake, bundle_roots, make_spec, real_bundles

REAL_ROOTS = real_bundles()


@pytest.mark.shared
def test_the_real_bundles_are_there():
    assert len(REAL_ROOTS) >= 40


@pytest.mark.shared
@pytest.mark.parametrize("which", ["official", "shipped"])
def test_no_error_on_any_published_bundle(which):
    result = lint(*REAL_ROOTS, which=which)
    errors = [f for f in result.findings if f.severity == "error"]
    assert errors == [], "\n".join(map(str, errors))
    assert len(result.bundles) == len(REAL_ROOTS)


@pytest.mark.shared
def test_published_bundles_are_linted_with_their_includes_and_anchors():
    result = lint(*REAL_ROOTS)
    # target_includes merges jobs from anchors of included files into targets; one of them names
    # an undefined variable, which the CLI would reject in dev and staging: a warning here
    # because it is written under a top-level key the CLI ignores.
    [finding] = [f for f in result.findings if f.rule == "undefined-variable"]
    assert finding.file.endswith("target_includes/resources/set1/job_1.yml")
    assert (finding.line, finding.severity) == (6, "warning")
    assert "(targets dev, staging)" in finding.message
    assert len(result.files) > len(REAL_ROOTS)


@pytest.mark.parametrize("spec", [
    make_spec(),
    make_spec("azure", 3, (80, 20), "azure-devops"),
    make_spec("gcp", 1, (100,), "gitlab", serving={"endpoint_name": "churn", "variants": [
        {"name": "champion", "traffic": 100}], "architectures": ["real-time", "batch", "async"]}),
], ids=["aws-2", "azure-3", "gcp-1-all-architectures"])
@pytest.mark.parametrize("which", SCHEMAS)
def test_generated_projects_have_no_finding(tmp_path, spec, which):
    project = bake(spec, tmp_path)
    roots = bundle_roots(project)
    assert len(roots) == 2
    result = lint(*roots, which=which)
    assert result.findings == [], "\n".join(map(str, result.findings))
