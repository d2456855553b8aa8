"""Demand Forecast: the code that the bundle's jobs run."""
