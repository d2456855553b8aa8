"""bundlegen: multi-region ML serving projects as Databricks Asset Bundles."""

__version__ = "0.2.0"
