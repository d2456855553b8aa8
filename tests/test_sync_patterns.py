"""sync.include and sync.exclude patterns match what the Databricks CLI's go-gitignore matches.

The expectations are those of go-gitignore's own tests (github.com/sabhiram/go-gitignore at
525f6e181f06, the version the CLI v1.13.0 pins), one pattern at a time."""

from __future__ import annotations

import pytest

from bundlegen.bundle.syncglob import clean, pattern

CASES = [
    ("/a/b/c", "a/b/c", True), ("/a/b/c", "a/b/c/d", True), ("d/e/f", "d/e/f", True),
    ("/g", "g", True),
    ("\\#file.txt", "#file.txt", True), ("\\!file.txt", "!file.txt", True),
    ("\\!file.txt", "a/!file.txt", True), ("file.txt", "a/file.txt", True),
    ("file.txt", "file2.txt", False),
    ("Documentation/*.html", "Documentation/git.html", True),
    ("Documentation/*.html", "Documentation/ppc/ppc.html", False),
    ("Documentation/*.html", "tools/perf/Documentation/perf.html", False),
    ("**/foo", "foo", True), ("**/foo", "baz/foo", True), ("bar", "baz/bar", True),
    ("/*.c", "hello.c", True), ("/*.c", "foo/hello.c", False),
    ("node_modules", "node_modules/test/foo.js", True), ("*.out", "node_modules2/test.out", True),
    ("foo/*.c", "test/foo.js", False),
    ("**/external/**/*.md", "external/foobar/readme.md", True),
    ("**/external/foobar/*.css", "external/foobar/angular.foo.css", True),
    ("**/external/**/.*ignore", "external/barfoo/.gitignore", True),
    ("**/external/**/*.json", "external/barfoo/.bower.json", True),
    ("abc/def\r", "abc/def/child", True), ("abc/def\r", "abc", False), ("b\r", "bd", False),
    ("*.swp", "something/else/but/it/hasyo.swp", True),
    ("/foo/*.wat", "foo/bar.wat", True), ("/foo/*.wat", "something/not/infoo/wat.wat", False),
    ("bar/*.txt", "bar/something.txt", True), ("bar/*.txt", "something/not/infoo/wat.txt", False),
    ("/foo", "foo/bar.wat", True), ("/foo", "something/foo/something.txt", False),
    ("bar/", "bar/something.txt", True), ("bar/", "boo/something/bar/boo.txt", True),
    # `?` is a literal in go-gitignore, not "any character" as in git.
    ("a?c", "abc", False), ("a?c", "a?c", True),
]


@pytest.mark.parametrize("line, path, matches", CASES)
def test_a_pattern_matches_as_go_gitignore_matches(line, path, matches):
    compiled = pattern(line)
    assert compiled is not None and bool(compiled.search(path)) is matches


@pytest.mark.parametrize("line", ["", "   ", "# a comment"])
def test_blank_lines_and_comments_match_nothing(line):
    assert pattern(line) is None


@pytest.mark.parametrize("path, cleaned", [
    ("./src/", "src"), ("a//b/../c", "a/c"), ("", "."), ("//x", "/x"), ("../up", "../up"),
])
def test_paths_are_cleaned_as_go_cleans_them(path, cleaned):
    assert clean(path) == cleaned
