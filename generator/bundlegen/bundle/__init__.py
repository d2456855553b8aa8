"""A bundle as the Databricks CLI reads it: its root file, its included files, their merge.

Every command reads bundles through here (lint, regions, traffic, endpoints), so they agree
on which files make a bundle and what a target deploys:

- `files`: the root file (`find_root`, `ROOT_FILES`) and the include patterns resolved as the
  CLI resolves them (Go's `filepath.Glob`);
- `merge`: the CLI's merge of plain data (null leaves the other side; mappings by key; keyed
  lists, such as job tasks by `task_key`, by key in a target's view).
"""
