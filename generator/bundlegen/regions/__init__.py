"""add-region, remove-region and regions: in a bundlegen project (through the template) and
in any other bundle (its targets as text).
"""
