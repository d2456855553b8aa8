"""Claims Triage: the code that the bundle's jobs run."""
