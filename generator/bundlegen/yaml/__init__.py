"""YAML read and edited in place: nodes with positions, splices at them, and the check
that an edit reads as intended.
"""
