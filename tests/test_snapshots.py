"""What the template generates, file by file, for a few representative specs.

Each spec's snapshot lists every file it generates (`_every_file.txt`) and holds the text of
the files that differ between the specs. A file that several specs generate with one text (the
project's fakes of the workspace, its CI requirements) is stored once, in the snapshot of
`test_files_the_specs_generate_alike`: a template change to it shows as one diff, not three.

A change to the template shows up here as a diff of generated files. Review it, then run
`pytest tests/test_snapshots.py --snapshot-update` and commit the snapshots with the change.
"""

from __future__ import annotations

import compile_cache
import pytest
from support import bake, make_spec, tree, write_spec

from bundlegen.project.scaffold import create_project

SPECS = {
    "aws_two_regions_github": make_spec("aws", 2, (90, 10), "github"),
    "azure_three_regions_azure_devops": make_spec(
        "azure", 3, (70, 20, 10), "azure-devops", notifications={"emails": ["ml-team@example.com"]}
    ),
    "gcp_one_region_gitlab_batch_and_async": make_spec(
        "gcp", 1, (100,), "gitlab", serving={
            "endpoint_name": "churn-scoring",
            "variants": [{"name": "champion", "traffic": 100}],
            "architectures": ["batch", "async"],
        }, project_name="Churn Model",
    ),
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, dict[str, str]]:
    """Spec name -> snapshot file name -> text. The package folder src/<slug>/ is named
    PACKAGE, so that a module generated alike for every spec has one name."""
    out = {}
    for name, spec in SPECS.items():
        project = bake(spec, tmp_path_factory.mktemp(name))
        package = f"src/{project.name}/"
        out[name] = {path.replace(package, "src/PACKAGE/").replace("/", "__"): text
                     for path, text in tree(project).items()}
    return out


@pytest.fixture(scope="module")
def alike(generated) -> dict[str, str]:
    """The files that two or more specs generate, each with one text wherever it is generated."""
    texts: dict[str, set[str]] = {}
    for files in generated.values():
        for path, text in files.items():
            texts.setdefault(path, set()).add(text)
    count = {path: sum(path in files for files in generated.values()) for path in texts}
    return {path: next(iter(text)) for path, text in texts.items()
            if len(text) == 1 and count[path] >= 2}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_generated_tree(snapshot, generated, alike, name):
    files = generated[name]
    own = {path: text for path, text in files.items() if path not in alike}
    own["_every_file.txt"] = "".join(f"{path}\n" for path in sorted(files))
    snapshot.assert_match_dir(own, "tree")


def test_files_the_specs_generate_alike(snapshot, alike):
    snapshot.assert_match_dir(alike, "alike")


def test_the_sessions_shared_compiled_templates_render_what_jinja_renders_alone(tmp_path):
    """The suite shares Jinja's compiled templates across renders (tests/compile_cache.py):
    a spec renders to the same files with and without them."""
    spec = write_spec(tmp_path / "spec.yml", SPECS["gcp_one_region_gitlab_batch_and_async"])
    create_project(spec, tmp_path / "first")  # compiles what no test compiled before
    shared = tree(create_project(spec, tmp_path / "shared").path)
    with compile_cache.bypassed():
        alone = tree(create_project(spec, tmp_path / "alone").path)
    assert shared == alone
