"""Prose for readers: HTML that wraps at words, plain text nbval compares, links, no markup."""

from __future__ import annotations

from aipolicy.nb.prose import Entry, Prose, say


def test_lines_bullets_terms_and_entries_read_the_same_in_text_and_html():
    p = (Prose.lines("Window: 2019-01-02 to 2026-10-30.", "")
         + Prose.bullets(["infrastructure: +803.9%", "platforms: +394.3%"], lead="Totals:")
         + Prose.terms([("supported", "the data meet the test.")])
         + Prose.entries([Entry("Not supported: a claim", (("window", "2026-04"),
                                                            ("", "a line alone")))]))
    assert p.to_text() == ("Window: 2019-01-02 to 2026-10-30.\nTotals:\n- infrastructure: +803.9%\n"
                           "- platforms: +394.3%\nsupported: the data meet the test.\n"
                           "Not supported: a claim\n    window: 2026-04\n    a line alone")
    assert repr(p) == str(p) == p.to_text()
    h = p._repr_html_()
    assert h.startswith('<div class="aipolicy-prose"') and "<pre" not in h
    assert "white-space:normal" in h  # wraps at words, never preformatted
    for piece in ("<li>infrastructure: +803.9%</li>", "<b>supported</b>: the data meet the test.",
                  "<b>Not supported: a claim</b>", "<i>window</i>: 2026-04",
                  "<li>a line alone</li>"):
        assert piece in h


def test_text_is_escaped_and_addresses_are_linked():
    h = Prose.lines("a <b> & c; source https://example.com/x.html.").to_html()
    assert "a &lt;b&gt; &amp; c" in h
    assert '<a href="https://example.com/x.html"' in h


def test_an_empty_list_adds_no_block():
    assert Prose.bullets([]).blocks == () and Prose.terms([], lead="x").to_text() == "x"


def test_say_prints_the_plain_text_outside_ipython(capsys):
    say("one.", Prose.lines("two."), bullets=["three"])
    assert capsys.readouterr().out == "one.\ntwo.\n- three\n"
    say()
    assert capsys.readouterr().out == ""


def test_folded_content_is_closed_on_the_page_and_whole_in_the_text():
    from aipolicy.nb.prose import Folded

    f = Folded("The events one by one (3 rows)", Prose.bullets(["a", "b <c>"]))
    assert f.to_text() == "The events one by one (3 rows)\n- a\n- b <c>" == repr(f)
    h = f._repr_html_()
    assert h.startswith('<details class="aipolicy-inner-fold"')
    assert h[:h.index(">")].count("open") == 0  # closed until a click
    assert "<summary" in h and "<li>b &lt;c&gt;</li>" in h
