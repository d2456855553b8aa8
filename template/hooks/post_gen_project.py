"""Drop the files that rendered empty (an option not chosen), then the folders left empty.

An optional file wraps its whole content in a Jinja if-block, so there is one rule for every
option: what renders to blank space is not part of the project. (This hook is rendered by
Jinja too, so it holds no template syntax.)
"""

import os

for root, dirs, files in os.walk(".", topdown=False):
    for name in files:
        path = os.path.join(root, name)
        with open(path, encoding="utf-8") as handle:
            blank = not handle.read().strip()
        if blank:
            os.remove(path)
    if root != "." and not os.listdir(root):
        os.rmdir(root)
