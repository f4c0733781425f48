"""Front matter mistakes are reported with the line and what to do."""

from __future__ import annotations

import pytest

from hooks.front_matter import problems_in

GOOD = "---\ntitle: x\ndescription: y\nlast_reviewed: 2026-11-27\n"


def test_unquoted_colon_is_reported_on_its_line():
    text = "---\ntitle: ok\ndescription: a: b\nlast_reviewed: 2026-11-27\n---\n# x\n"
    (line, message), = problems_in(text)
    assert line == 3 and "not valid YAML" in message and "double quotes" in message


def test_missing_fields_and_bad_dates():
    problems = problems_in("---\ntitle: x\nlast_reviewed: 27/11/2026\n---\n")
    messages = " ".join(m for _, m in problems)
    assert "no 'description'" in messages
    assert "YYYY-MM-DD" in messages


def test_a_date_that_does_not_exist_is_reported_on_its_line():
    """PyYAML turned 2026-13-40 into a ValueError: the build stopped with a traceback naming no file."""
    (line, message), = problems_in("---\ntitle: x\ndescription: y\nlast_reviewed: 2026-13-40\n---\n# x\n")
    assert line == 4 and "'2026-13-40' is not a date that exists" in message and "YYYY-MM-DD" in message


def test_the_other_readers_of_front_matter_do_not_stop_on_an_impossible_date():
    """The translation status reads every page's front matter before any page is built; the
    page's own check (above) is what reports the mistake."""
    from publishing.data_files import front_matter

    assert front_matter("---\ntitle: x\nlast_reviewed: 2026-02-30\n---\n") == {}


def test_no_front_matter_at_all():
    assert "no front matter" in problems_in("# Just a heading\n")[0][1]


def test_complete_front_matter_passes():
    assert problems_in(GOOD + "---\n# x\n") == []


@pytest.mark.parametrize("title", ['"</title><script>alert(1)</script>"', '"\\x3C/title\\x3E\\x3Cscript\\x3Ex\\x3C/script\\x3E"'])
def test_html_in_a_title_is_refused_on_its_line(title):
    """A title is printed on every page of its language (navigation, <title>)."""
    problems = problems_in(f"---\ntitle: {title}\ndescription: y\nlast_reviewed: 2026-11-27\n---\n")
    assert problems and problems[0][0] == 2 and "'<' or '>'" in problems[0][1]


def test_review_date_within_a_year_after_the_last_review():
    assert problems_in(GOOD + "review_by: 2027-05-27\n---\n", review_required=True) == []
    (line, message), = problems_in(GOOD + "review_by: 2028-05-27\n---\n")
    assert line == 5 and "within a year" in message
    (line, message), = problems_in(GOOD + "review_by: 2026-01-01\n---\n")
    assert "after last_reviewed" in message


def test_time_sensitive_pages_must_have_a_review_date():
    (line, message), = problems_in(GOOD + "---\n", review_required=True)
    assert "review_by" in message and "extra.review_dates.required" in message


@pytest.mark.parametrize("value", ['!!python/object/apply:os.system ["touch /tmp/gp-pwned"]', "!!python/name:os.system"])
def test_python_tags_in_contributed_yaml_are_refused_not_run(value, tmp_path):
    """The loader is a safe loader with one constructor replaced (dates): tags that would call
    Python stay unknown to it."""
    from publishing.data_files import DataError, front_matter, load_yaml

    (line, message), = problems_in(f"---\ntitle: {value}\ndescription: y\nlast_reviewed: 2026-11-27\n---\n")
    assert line == 2 and "could not determine a constructor" in message
    assert front_matter(f"---\ntitle: {value}\n---\n") == {}
    with pytest.raises(DataError, match=r"strings.yml:1: not valid YAML"):
        load_yaml(f"key: {value}\n", "strings.yml")
