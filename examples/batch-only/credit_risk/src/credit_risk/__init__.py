"""Credit Risk: the code that the bundle's jobs run."""
