"""bundlegen traffic: the serving endpoints of a bundle and edits of their split and variants,
in any bundle and in a project (spec, serving bundle and deployment job together).
"""
