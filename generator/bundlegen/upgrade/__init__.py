"""`bundlegen upgrade`: a project made by an older bundlegen takes the new template."""
