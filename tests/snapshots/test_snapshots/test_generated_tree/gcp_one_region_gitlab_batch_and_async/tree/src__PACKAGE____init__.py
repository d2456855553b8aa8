"""Churn Model: the code that the bundle's jobs run."""
