"""Fraud Detection: the code that the bundle's jobs run."""
