"""Document Scoring: the code that the bundle's jobs run."""
