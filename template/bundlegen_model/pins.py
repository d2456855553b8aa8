"""What generated projects pin: CI actions and tools, branches, and the bundlegen version."""

from __future__ import annotations

import re

from bundlegen_model.shipped import shipped

# --------------------------------------------------------------------------- CI/CD pins
# What the generated CI files pin (docs/decisions/ci-auth-and-pins.md). Third-party GitHub
# Actions are pinned to a full commit SHA, with the tag it was taken from as a comment; verify
# a new pin with `git ls-remote https://github.com/OWNER/REPO refs/tags/TAG` before changing it.
# Generated projects keep them current with Dependabot (.github/dependabot.yml).
ACTION_PINS = {
    "actions/checkout": ("de0fac2e4500dabe0009e67214ff5f5447ce83dd", "v6.0.2"),
    "actions/setup-python": ("a309ff8b426b58ec0e2a45f0f869d46889d02405", "v6.2.0"),
    # The action installs the CLI version given in its `version:` input (the bundle's version).
    "databricks/setup-cli": ("6bb7075f85b326f8b9ce160933dfe9bcd63c8121", "v1.13.0"),
}
CI_PYTHON_VERSION = "3.12"  # the Python CI runs the project's tests and tools with
UV_VERSION = "0.13.9"  # builds the project's wheel (databricks.yml artifacts) in CI
# The generated package's databricks-sdk floor, per CI system: Route.served_entity_name needs
# 0.58; the OIDC auth types need github-oidc 0.51, env-oidc (GitLab) 0.55, azure-devops-oidc 0.68.
SDK_FLOORS = {"github": "0.58.0", "gitlab": "0.58.0", "azure-devops": "0.68.0"}
DEFAULT_BRANCH = "main"  # deploys to staging
RELEASE_BRANCH = "release"  # deploys to production (GitHub and Azure DevOps: also v* tags)


def generator_version() -> str:
    """The version of bundlegen this template belongs to ("" when it cannot be found)."""
    init = shipped("__init__.py")
    if not init.is_file():
        return ""
    found = re.search(r'^__version__ = "([^"]+)"', init.read_text(encoding="utf-8"), re.MULTILINE)
    return found.group(1) if found else ""
