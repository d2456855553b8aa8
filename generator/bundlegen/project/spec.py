"""Reading a spec file (bundlegen.yml): every problem reported with its file, line and field."""

from __future__ import annotations

from pathlib import Path

import bundlegen_model as model
from bundlegen.errors import InputError, InputErrors, Location
from bundlegen.yaml import tree as yamltree


def _duplicate_keys(node, filename: str) -> list[InputError]:
    found = []
    if isinstance(node, yamltree.MappingNode):
        seen = set()
        for key, value in yamltree.items(node):
            if key.value in seen:
                found.append(
                    InputError(f"key '{key.value}' is given twice",
                               yamltree.location(key, filename))
                )
            seen.add(key.value)
            found += _duplicate_keys(value, filename)
    elif isinstance(node, yamltree.SequenceNode):
        for item in node.value:
            found += _duplicate_keys(item, filename)
    return found


def locate(root, path: tuple, filename: str) -> Location:
    """The line of the deepest node of `path` that exists (a mapping step points at its key)."""
    node = root
    where = yamltree.location(root, filename) if root is not None else Location(filename)
    for step in path:
        if isinstance(step, int) and isinstance(node, yamltree.SequenceNode):
            if step >= len(node.value):
                break
            node = node.value[step]
            where = yamltree.location(node, filename)
        elif isinstance(node, yamltree.MappingNode):
            pair = next(((k, v) for k, v in yamltree.items(node) if k.value == str(step)), None)
            if pair is None:
                break
            where = yamltree.location(pair[0], filename)
            node = pair[1]
        else:
            break
    return where


def load_spec(path: Path) -> dict:
    """The spec as data, after the schema and the template's rules accepted it."""
    filename = str(path)
    if path.is_dir():
        raise InputError("is a folder; give the spec file (bundlegen.yml)", Location(filename))
    text, root = yamltree.compose_file(path, filename)
    if root is None:
        raise InputError("the spec is empty", Location(filename))
    errors = _duplicate_keys(root, filename)
    if errors:
        raise InputErrors(errors)
    data = yamltree.to_python(root)
    problems = model.problems(data)
    if problems:
        raise InputErrors(
            [InputError(message, locate(root, p, filename), model.format_path(p))
             for p, message in problems]
        )
    return data
