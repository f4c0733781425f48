"""Reading the YAML files contributors edit (data/*.yml, front matter), with line numbers.

Contributed data is untrusted and its mistakes must be easy to fix, so every problem is reported
as ``file:line: what is wrong; what to write instead``. Text fields are plain text: the templates
add all the markup, so ``<`` and ``>`` are refused here (a title or an interface string that
carries a tag is either a mistake or an attack).
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Mapping
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)


class SafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader (libyaml's, several times faster than the pure-Python one, where the
    wheel has it), except that a date that does not exist is a YAML error with its line.

    PyYAML reads ``last_reviewed: 2026-13-40`` as a date and raises ValueError: the build stopped
    with a traceback that named no file. Now the file and line are named like any YAML mistake."""


def _date(loader, node):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as error:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a date that exists ({error}); write it YYYY-MM-DD",
            node.start_mark) from None


SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _date)


def yaml_mistake(error: yaml.YAMLError) -> str:
    """A YAML error as contributors read it: "not valid YAML (what); what to write instead"."""
    reason = getattr(error, "problem", None) or str(error)
    if isinstance(error, yaml.constructor.ConstructorError):
        return f"not valid YAML ({reason})"  # quotes would not help: the reason says what to write
    return (f"not valid YAML ({reason}); put a value that contains ': ' or starts with a quote "
            "in double quotes")


def parse_yaml(text: str):
    return yaml.load(text, Loader=SafeLoader)


def front_matter(text: str) -> dict:
    """The front matter of a Markdown page as a mapping ({} when absent or not valid YAML:
    hooks/front_matter.py reports that with file and line)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}
    # a copy: the caller may change what it gets, the next caller must not see that
    return copy.deepcopy(_front_matter_of(match.group(1)))


@functools.lru_cache(maxsize=1024)
def _front_matter_of(block: str) -> dict:
    """The mapping of one front matter block. A build reads most pages' front matter three or
    four times (translation status, the page's own checks, chapter titles, PDF covers)."""
    try:
        data = parse_yaml(block)
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


class DataError(ValueError):
    """Problems in a contributed file, each already written as 'file:line: message'."""

    def __init__(self, problems: list[str], hint: str = ""):
        self.problems = problems
        super().__init__("\n  ".join(problems) + (f"\n{hint}" if hint else ""))


def display_path(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def _lines(node, path: tuple, out: dict) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _lines(value, path + (key.value,), out)
            out[path + (key.value,)] = key.start_mark.line + 1  # the line that names it
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _lines(item, path + (index,), out)


def load_yaml(text: str, source: str, first_line: int = 1):
    """(data, lines): the YAML in ``text`` and the line of every value, keyed by its path
    (tuple of keys and indexes). ``first_line``: where ``text`` starts in its file."""
    try:
        data = parse_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = (mark.line if mark is not None else 0) + first_line
        raise DataError([f"{source}:{line}: {yaml_mistake(error)}"]) from error
    return data, LineNumbers(text, first_line)


class LineNumbers(Mapping):
    """The line of every value of a YAML text, keyed by its path. Worked out on first use: only a
    problem report needs it, and reading the text again for it cost as much as parsing it."""

    def __init__(self, text: str, first_line: int = 1):
        self._text, self._first_line, self._table = text, first_line, None

    def _lines(self) -> dict:
        if self._table is None:
            lines: dict = {}
            node = yaml.compose(self._text, Loader=SafeLoader)
            if node is not None:
                _lines(node, (), lines)
            self._table = {path: line + self._first_line - 1 for path, line in lines.items()}
        return self._table

    def __getitem__(self, path):
        return self._lines()[path]

    def __iter__(self):
        return iter(self._lines())

    def __len__(self):
        return len(self._lines())


def markup_problems(value, path: tuple, lines: Mapping, source: str) -> list[str]:
    """Every text in ``value`` that contains < or >, as 'file:line: …'."""
    found = []
    if isinstance(value, str):
        if "<" in value or ">" in value:
            line = lines.get(path, lines.get(path[:-1], 1))
            found.append(f"{source}:{line}: '<' or '>' in {'.'.join(map(str, path)) or 'text'}: write plain "
                         "text (no HTML); the site adds all markup itself")
    elif isinstance(value, dict):
        for key, item in value.items():
            found += markup_problems(item, path + (key,), lines, source)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += markup_problems(item, path + (index,), lines, source)
    return found
