"""Drop the files that rendered empty (an option not chosen), then the folders left empty.

An optional file wraps its whole content in a Jinja if-block, so there is one rule for every
option: what renders to blank space is not part of the project. (This hook is rendered by
Jinja too, so it holds no template syntax.) Byte-code caches are dropped as well: pip compiles
the template's Python files when it installs bundlegen, and they are no part of a project.
"""

import os
import shutil

for root, dirs, files in os.walk(".", topdown=False):
    if os.path.basename(root) == "__pycache__":
        shutil.rmtree(root)
        continue
    for name in files:
        path = os.path.join(root, name)
        try:
            with open(path, encoding="utf-8") as handle:
                blank = not handle.read().strip()
        except UnicodeDecodeError:  # a binary file is content
            blank = False
        if blank:
            os.remove(path)
    if root != "." and not os.listdir(root):
        os.rmdir(root)
