"""Front matter mistakes are reported with the line and what to do."""

from __future__ import annotations

from hooks.front_matter import problems_in


def test_unquoted_colon_is_reported_on_its_line():
    text = "---\ntitle: ok\ndescription: a: b\nlast_reviewed: 2026-11-27\n---\n# x\n"
    (line, message), = problems_in(text)
    assert line == 3 and "not valid YAML" in message and "double quotes" in message


def test_missing_fields_and_bad_dates():
    problems = problems_in("---\ntitle: x\nlast_reviewed: 27/11/2026\n---\n")
    messages = " ".join(m for _, m in problems)
    assert "no 'description'" in messages
    assert "YYYY-MM-DD" in messages


def test_no_front_matter_at_all():
    assert "no front matter" in problems_in("# Just a heading\n")[0][1]


def test_complete_front_matter_passes():
    assert problems_in("---\ntitle: x\ndescription: y\nlast_reviewed: 2026-11-27\n---\n# x\n") == []
