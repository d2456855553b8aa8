"""A bundlegen project: its spec, the template rendered from it (and the replay of two
renders that edits are built on), its folder, and edits of its spec.
"""
