"""Churn Quickstart: the code that the bundle's jobs run."""
