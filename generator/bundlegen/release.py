"""Whether the running bundlegen is a published release.

A generated project's CI installs `bundlegen==<this version>` (ci/requirements-lint.txt). A
development version, or an install from a folder, an archive or a Git URL (PEP 610
`direct_url.json` of the installed distribution), may name a version no index has: `bundlegen
new` says so in one line.
"""

from __future__ import annotations

import json
import re
from importlib import metadata

from bundlegen import __version__

# PEP 440: a development release (.devN) or a local version (+label) is never on PyPI.
_UNPUBLISHED_VERSION = re.compile(r"\.dev\d*|\+")


def unreleased_reason(version: str = __version__, dist_name: str = "bundlegen") -> str:
    """Why `version` may not be published ("" when it looks like an install of a release)."""
    if _UNPUBLISHED_VERSION.search(version):
        return f"{version} is a development version"
    try:
        dist = metadata.distribution(dist_name)
    except metadata.PackageNotFoundError:
        return "this bundlegen runs from a source tree, not an installed release"
    text = dist.read_text("direct_url.json")
    if not text:
        return ""  # installed from an index: a release
    try:
        direct = json.loads(text)
    except ValueError:
        return ""
    url = direct.get("url", "")
    if (direct.get("dir_info") or {}).get("editable"):
        return f"this bundlegen is an editable install of {url}"
    if "vcs_info" in direct:
        return f"this bundlegen was installed from {url}"
    if url.startswith("file:"):
        return f"this bundlegen was installed from the local {url}"
    return f"this bundlegen was installed from {url}"


def unreleased_note(version: str = __version__, dist_name: str = "bundlegen") -> str:
    """The one line `bundlegen new` prints for an unreleased build ("" for a release)."""
    reason = unreleased_reason(version, dist_name)
    if not reason:
        return ""
    return (f"ci/requirements-lint.txt pins bundlegen=={version}, which may not be published "
            f"({reason}); docs/ci.md says how to point it at an index or a Git URL")
