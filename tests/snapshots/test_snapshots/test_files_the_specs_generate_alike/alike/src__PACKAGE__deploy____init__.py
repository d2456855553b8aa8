"""The deployment workflow of a region: resolve versions, update, evaluate, roll back.

Who owns what is in docs/decisions/traffic-ownership.md: the serving bundle owns the variants
and the split, Unity Catalog aliases own the versions, this workflow owns transitions.
"""
