"""Clouds and regions: workspace hosts, region names and target names of each cloud."""

from __future__ import annotations

import re

# The workspace host suffixes of each cloud (commercial, government and sovereign clouds).
HOST_SUFFIXES = {
    "aws": (".cloud.databricks.com", ".cloud.databricks.us", ".cloud.databricks.mil"),
    "azure": (".azuredatabricks.net", ".databricks.azure.us", ".databricks.azure.cn"),
    "gcp": (".gcp.databricks.com",),
}
CLOUD_NAMES = {"aws": "AWS", "azure": "Azure", "gcp": "GCP"}
A_CLOUD = {"aws": "an AWS", "azure": "an Azure", "gcp": "a GCP"}

# How each cloud names its regions, with an example for the message.
REGION_PATTERNS = {
    "aws": (re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-[0-9]$"), "us-east-1"),
    "azure": (re.compile(r"^[a-z]+[0-9]?$"), "westeurope"),
    "gcp": (re.compile(r"^[a-z]+-[a-z]+[0-9]+$"), "europe-west1"),
}

# Demo workspaces of the embedded default spec, per cloud (two regions).
DEMO = {
    "aws": [
        ("us-east-1", "https://dbc-1234567890123456.cloud.databricks.com"),
        ("eu-west-1", "https://dbc-6543210987654321.cloud.databricks.com"),
    ],
    "azure": [
        ("eastus2", "https://adb-1234567890123456.7.azuredatabricks.net"),
        ("westeurope", "https://adb-6543210987654321.1.azuredatabricks.net"),
    ],
    "gcp": [
        ("us-central1", "https://1234567890123456.7.gcp.databricks.com"),
        ("europe-west1", "https://6543210987654321.1.gcp.databricks.com"),
    ],
}



def cloud_of(host: str) -> str | None:
    """The cloud of a workspace URL or host, from its domain (None: not a known one)."""
    domain = host.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower()
    for cloud, suffixes in HOST_SUFFIXES.items():
        if domain.endswith(suffixes):
            return cloud
    return None


def target_name(region: str) -> str:
    """The production target of a region: the one place that says `prod-<region>`."""
    return f"prod-{region}"


def region_of(target: str) -> str:
    """The region a production target is named for (the target's name if it is not one)."""
    return target.removeprefix("prod-")
