"""Typography on built pages: French spaces and numbers everywhere, isolated Latin runs in Dari,
footnote calls that never start a line."""

from __future__ import annotations

from publishing.typography import NBSP, NNBSP, WORD_JOINER, apply, french

FA_DIGITS = "۰۱۲۳۴۵۶۷۸۹"


def page(body: str, lang: str, head: str = "") -> str:
    """A page as MkDocs writes it: <html> carries the language and its direction."""
    direction = "rtl" if lang == "fa" else "ltr"
    return (f'<html lang="{lang}" dir="{direction}"><head><title>{head}</title></head>'
            f'<body dir="{direction}">{body}</body></html>')


def test_french_non_breaking_spaces():
    out = apply(page("<p>« Attention » : oui ; non ! vraiment ? <code>a ; b</code></p>", "fr"), "fr")
    assert f"«{NNBSP}Attention{NNBSP}»{NBSP}: oui{NNBSP}; non{NNBSP}! vraiment{NNBSP}?" in out
    assert "<code>a ; b</code>" in out


def test_french_rules_leave_addresses_and_english_titles_alone():
    out = apply(page('<p>voir : <a href="https://x.org/?p=1&amp;q=2">https://x.org/?p=1</a> '
                     '<em lang="en">What is gender? A note: yes</em> 10:30</p>', "fr"), "fr")
    assert 'href="https://x.org/?p=1&amp;q=2"' in out and ">https://x.org/?p=1</a>" in out
    assert f"voir{NBSP}:" in out
    assert "What is gender? A note: yes" in out and "10:30" in out


def test_french_numbers_are_grouped_and_never_split():
    text = french("environ 3 300 inspecteurs, 35 000 étudiantes, 1 000 000, 40 %, 12%, 1,4 million, "
                  "p. 3, art. 7, n° 28, 7 décembre 2022, 1er juillet 2002, en 2022 2023 fois")
    assert f"3{NNBSP}300" in text and f"35{NNBSP}000" in text and f"1{NNBSP}000{NNBSP}000" in text
    assert f"40{NNBSP}%" in text and f"12{NNBSP}%" in text and f"1,4{NBSP}million" in text
    assert f"p.{NBSP}3" in text and f"art.{NBSP}7" in text and f"n°{NBSP}28" in text
    assert f"7{NBSP}décembre{NBSP}2022" in text and f"1er{NBSP}juillet{NBSP}2002" in text


def test_french_ordinals_are_superscripts_in_text_not_in_titles():
    out = apply(page("<p>le 1er juillet, la 6e année, la 79e session, C-608/22</p>", "fr", "Le 1er jour"), "fr")
    assert "1<sup>er</sup>" in out and "6<sup>e</sup>" in out and "79<sup>e</sup>" in out
    assert "<title>Le 1er jour</title>" in out and f"C-{WORD_JOINER}608/22" in out  # no «e» ordinal, kept on one line


def test_french_attributes_and_titles_a_reader_sees():
    out = apply(page('<a title="Qui est visé ?" aria-label="Édition : 2026">x</a>'
                     '<meta name="description" content="Rapports : guides">', "fr", "Persécution : rapports"), "fr")
    assert f"Qui est visé{NNBSP}?" in out and f"Édition{NBSP}: 2026" in out
    assert f"Rapports{NBSP}: guides" in out and f"<title>Persécution{NBSP}: rapports</title>" in out


def test_latin_runs_in_dari_are_isolated():
    out = apply(page("<p>گزارش (Afghanistan Justice Archive) و سند A/HRC/53/21، مادهٔ 7(1)(h).</p>", "fa"), "fa")
    assert "<bdi>(Afghanistan Justice Archive)</bdi>" in out
    assert "<bdi>A/HRC/53/21</bdi>،" in out
    assert "<bdi>7(1)(h)</bdi>." in out


def test_dari_keeps_existing_isolates_code_numbers_entities_and_english():
    out = apply(page('<p>سال 2021 <bdi>ICC</bdi> <code>make site</code> AT&amp;T</p>'
                     '<div lang="en"><p>Not translated yet (English).</p></div>', "fa"), "fa")
    assert out.count("<bdi>") == 2 and "<code>make site</code>" in out and "سال 2021" in out
    assert "<bdi>AT&amp;T</bdi>" in out and "<p>Not translated yet (English).</p>" in out


def test_dari_footnote_numbers_are_persian_and_glued_to_their_word():
    out = apply(page('<p>متن<sup id="fnref:12"><a class="footnote-ref" href="#fn:12">12</a></sup></p>', "fa"),
                "fa", FA_DIGITS)
    assert ">۱۲</a>" in out
    assert f"متن{WORD_JOINER}<sup" in out


def test_scripts_and_styles_are_never_touched():
    html = page('<script>var a = "« x » : y ; 3 300";</script><style>a::after{content:" : "}</style>', "fr")
    assert apply(html, "fr") == html


def test_a_french_colon_before_a_footnote_call_still_gets_its_space():
    out = apply(page('<p>deux conditions :<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup></p>'
                     "<p>les suivants :</p>", "fr"), "fr")
    assert f"conditions{NBSP}:{WORD_JOINER}<sup" in out and f"suivants{NBSP}:" in out


def test_english_references_dates_and_amounts_are_never_split():
    out = apply(page("<p>CEDAW (1979), art. 29; p. 3, pp. 10–12, Article 7(1)(h), Rule 145, on "
                     "6 October 2025, in December 2022, 1.4 million girls. <code>art. 29</code></p>", "en"), "en")
    for kept in ("art.\u00a029", "p.\u00a03", "pp.\u00a010", "Article\u00a07(1)(h)", "Rule\u00a0145",
                 "6\u00a0October\u00a02025", "December\u00a02022", "1.4\u00a0million"):
        assert kept in out, kept
    assert "<code>art. 29</code>" in out


def test_dari_dates_and_article_numbers_are_never_split():
    out = apply(page("<p>در ۷ دسمبر ۲۰۲۲ و ۱۶ قوس ۱۴۰۵ طبق مادهٔ ۷ آمده است. می‌شود ۳ بار.</p>", "fa"), "fa")
    keep = NBSP  # not a space and a word joiner: Chromium breaks at that space (typography._KEEP)
    assert f"۷{keep}دسمبر{keep}۲۰۲۲" in out and f"۱۶{keep}قوس{keep}۱۴۰۵" in out
    assert f"مادهٔ{keep}۷" in out
    assert "می‌شود ۳ بار" in out  # the verbal prefix «می» is not the month May


def test_typography_applied_twice_changes_nothing_more():
    """The PDF books apply it again to pages that already had it (publishing/pdf.py)."""
    for body, lang in [("<p>« Attention » : oui ; 35 000 le 1er juillet<sup id=\"fnref:1\">1</sup></p>", "fr"),
                       ("<p>سال 2021 در ۷ دسمبر ۲۰۲۲ (ICC)<sup id=\"fnref:1\"><a class=\"footnote-ref\">1</a></sup></p>", "fa"),
                       ("<p>on 6 October 2025, art. 29<sup id=\"fnref:1\">1</sup></p>", "en")]:
        once = apply(page(body, lang), lang, FA_DIGITS if lang == "fa" else "0123456789")
        assert apply(once, lang, FA_DIGITS if lang == "fa" else "0123456789") == once, lang


def test_the_note_number_in_a_dari_back_link_tooltip_is_in_persian_digits():
    """Python-Markdown writes it in Latin digits into the translated tooltip (Dari review)."""
    html = ('<p>x<a class="footnote-backref" href="#fnref:12" title="بازگشت به متن (پاورقی 12)">↩</a></p>')
    out = apply(html, "fa", "۰۱۲۳۴۵۶۷۸۹")
    assert 'title="بازگشت به متن (پاورقی ۱۲)"' in out and 'href="#fnref:12"' in out
    assert apply(html.replace("بازگشت به متن (پاورقی 12)", "note 12"), "en") \
        == html.replace("بازگشت به متن (پاورقی 12)", "note 12")


def test_only_a_call_right_after_another_gets_the_comma_mark():
    """The style sheets once used `sup + sup`, which skips text: every second call of a
    paragraph got a comma («relative.,5»)."""
    call = '<sup id="fnref:{0}"><a class="footnote-ref" href="#fn:{0}">{0}</a></sup>'
    html = (f"<p>a.{call.format(1)}{call.format(2)} b.{call.format(3)} 1<sup>er</sup>{call.format(4)}"
            f" c.{call.format(5)} {call.format(6)}</p>")
    out = apply(html, "fr")
    assert out.count("gp-call-next") == 2 and '<sup class="gp-call-next" id="fnref:2">' in out
    assert '</sup>\u2060<sup class="gp-call-next" id="fnref:6">' in out, "a space typed between them goes"
    assert apply(out, "fr") == out
