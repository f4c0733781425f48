"""The CSP allows exactly the inline code the templates wrote (publishing/csp.py), never what is
merely found in the output."""

from __future__ import annotations

import jinja2
import pytest

from publishing import csp

TOKEN = "t0ken"


def render(source: str, token: str = TOKEN, cache=None) -> str:
    env = jinja2.Environment(loader=jinja2.DictLoader({"page.html": source}), autoescape=True,
                             bytecode_cache=cache)
    csp.install(env, token)
    return env.get_template("page.html").render(title="<x>")


PAGE = ('<!doctype html><html><head><meta charset="utf-8"><style>a{}</style></head><body>'
        '<script>var a = 1;</script><script src="x.js"></script>'
        '<script id="__config" type="application/json">{"a":1}</script>{{ title }}</body></html>')


def test_templates_inline_code_is_marked_and_external_scripts_are_not():
    out = render(PAGE)
    assert f'<script {csp.TOKEN_ATTRIBUTE}="{TOKEN}">var a' in out
    assert f'<style {csp.TOKEN_ATTRIBUTE}="{TOKEN}">' in out
    assert '<script src="x.js">' in out and "&lt;x&gt;" in out


def test_a_new_build_gets_a_new_token_even_from_compiled_templates(tmp_path):
    """Templates are cached compiled between builds (publishing/theme.py); the token is not."""
    cache = jinja2.FileSystemBytecodeCache(str(tmp_path))
    first, second = render(PAGE, "first0", cache), render(PAGE, "second", cache)
    assert any(tmp_path.iterdir()), "nothing was cached"
    assert f'{csp.TOKEN_ATTRIBUTE}="first0"' in first and "second" not in first
    assert f'{csp.TOKEN_ATTRIBUTE}="second"' in second and "first0" not in second
    with pytest.raises(csp.UnknownInlineCode):
        csp.protect(second, {}, "first0", "page.html")


def test_protect_hashes_marked_code_and_removes_the_marks():
    html, scripts, styles = csp.protect(render(PAGE), {"default-src": ["'none'"]}, TOKEN, "page.html")
    assert scripts == {csp.sha256("var a = 1;")} and styles == {csp.sha256("a{}")}
    assert TOKEN not in html
    meta = html.split('<meta http-equiv="Content-Security-Policy" content="')[1].split('"')[0]
    assert csp.sha256("var a = 1;") in meta and "'unsafe-inline'" not in meta and "frame-ancestors" not in meta


@pytest.mark.parametrize("injected", [
    "<script>window.x=1</script>",
    "<SCRIPT\n>window.x=1</SCRIPT>",
    "<!--><script>window.x=1</script>-->",  # a comment to one parser, a script to a browser
    "<svg><script>window.x=1</script></svg>",
    "<style>@import url(https://t.example/x.css)</style>",
    f'<script {csp.TOKEN_ATTRIBUTE}="guess">window.x=1</script>',
])
def test_an_inline_script_no_template_wrote_stops_the_build(injected):
    page = render(PAGE).replace("</body>", injected + "</body>")
    with pytest.raises(csp.UnknownInlineCode, match="page.html"):
        csp.protect(page, {}, TOKEN, "page.html")


def test_a_page_without_charset_is_an_error_not_a_page_without_csp():
    with pytest.raises(csp.UnknownInlineCode, match="charset"):
        csp.protect("<html><body></body></html>", {}, TOKEN, "x.html")


def test_alignment_styles_of_content_tables_are_allowed_by_fixed_hashes():
    policy = csp.policy({}, [], [])
    assert "'unsafe-hashes'" in policy and csp.sha256("text-align:left") in policy


@pytest.mark.parametrize("value", ['default-src "x"', "default-src $host", "a\\b", "é"])
def test_header_files_refuse_values_nginx_would_interpret(value):
    with pytest.raises(ValueError, match="extra.security"):
        csp.header_lines({"headers": {"X-Test": value}}, [], [])
