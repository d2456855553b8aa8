"""Jinja's compiled templates, shared across the renders of one test session.

Cookiecutter makes a new Jinja environment for every render, so every template file is parsed
and compiled to Python anew: two thirds of a render's time. The tests render the same template
hundreds of times (each add-region, remove-region and traffic command renders the old and the
new spec), so within a session a template compiled once is reused whenever an environment of
the same configuration compiles the same source again. Only the compiling is shared: every
render still runs the template, its extension and its hooks on its own answers.
"""

from __future__ import annotations

import contextlib

from jinja2 import Environment

_compile = Environment.compile
_compiled: dict[tuple, object] = {}


def _configuration(env: Environment) -> tuple:
    """Everything of an environment that the code Jinja compiles depends on."""
    return (
        type(env), env.block_start_string, env.block_end_string, env.variable_start_string,
        env.variable_end_string, env.comment_start_string, env.comment_end_string,
        env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
        env.newline_sequence, env.keep_trailing_newline, env.optimized, env.is_async,
        repr(env.autoescape), tuple(sorted(env.extensions)), tuple(sorted(env.filters)),
        tuple(sorted(env.tests)),
    )


def _cached_compile(self, source, name=None, filename=None, raw=False, defer_init=False):
    if not isinstance(source, str):  # an already parsed template: nothing to key it by
        return _compile(self, source, name, filename, raw, defer_init)
    key = (_configuration(self), source, name, filename, raw, defer_init)
    if key not in _compiled:
        _compiled[key] = _compile(self, source, name, filename, raw, defer_init)
    return _compiled[key]


def install() -> None:
    Environment.compile = _cached_compile


def uninstall() -> None:
    Environment.compile = _compile
    _compiled.clear()


@contextlib.contextmanager
def bypassed():
    """Jinja compiling every template itself, as without the cache (which keeps what it has)."""
    Environment.compile = _compile
    try:
        yield
    finally:
        Environment.compile = _cached_compile
