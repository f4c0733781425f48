"""Reading the YAML files contributors edit (data/*.yml, front matter), with line numbers.

Contributed data is untrusted and its mistakes must be easy to fix, so every problem is reported
as ``file:line: what is wrong; what to write instead``. Text fields are plain text: the templates
add all the markup, so ``<`` and ``>`` are refused here (a title or an interface string that
carries a tag is either a mistake or an attack).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# libyaml (in PyYAML's wheels) parses several times faster than the pure-Python loader
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)


def parse_yaml(text: str):
    return yaml.load(text, Loader=SAFE_LOADER)


def front_matter(text: str) -> dict:
    """The front matter of a Markdown page as a mapping ({} when absent or not valid YAML:
    hooks/front_matter.py reports that with file and line)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}
    try:
        data = parse_yaml(match.group(1))
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
        node = yaml.compose(text, Loader=SAFE_LOADER)
        data = parse_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = (mark.line if mark is not None else 0) + first_line
        reason = getattr(error, "problem", None) or str(error)
        raise DataError([f"{source}:{line}: not valid YAML ({reason}); put a value that contains "
                         "': ' or starts with a quote in double quotes"]) from error
    lines: dict = {}
    if node is not None:
        _lines(node, (), lines)
    return data, {path: line + first_line - 1 for path, line in lines.items()}


def markup_problems(value, path: tuple, lines: dict, source: str) -> list[str]:
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
