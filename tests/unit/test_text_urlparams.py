"""User text as data (rnnviz.text) and URL values checked before a widget takes them (rnnviz.urlparams)."""
from __future__ import annotations

import re

import pytest

from rnnviz import urlparams as U
from rnnviz.i18n import t, variants
from rnnviz.text import escape_html, quote, split_title

PAYLOADS = [
    "![x](http://203.0.113.7/t.png)", "[Log in again](https://evil.example/phish)", "**bold** # head",
    "$x^2$", "<img src=http://203.0.113.7/i.png>", "<script>alert(1)</script>", ":streamlit: :red[x]",
    "a`b", "``", "` x `", "line\n\n# heading", "tab\there\x00\x1b", "", " ", "\\", "x" * 200,
]


def _code_span_content(s: str) -> str:
    """The text CommonMark shows for ``s`` if ``s`` is exactly one inline code span (else fail)."""
    m = re.fullmatch(r"(`+)(.*?)(`+)", s, flags=re.S)
    assert m and m.group(1) == m.group(3), s
    fence, body = m.group(1), m.group(2)
    assert fence not in re.findall(r"`+", body), s  # no run of the same length inside: one span
    assert "\n" not in body and "\r" not in body, s  # a line break could end the paragraph
    if len(body) > 2 and body[0] == " " and body[-1] == " " and body.strip(" "):
        body = body[1:-1]  # CommonMark strips one space each side
    return body


@pytest.mark.parametrize("text", PAYLOADS)
def test_quote_is_one_code_span_showing_the_text(text):
    q = quote(text)
    shown = _code_span_content(q)
    expected = text.replace("\t", " ").replace("\n", "\u21b5")
    expected = re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "\ufffd", expected)
    if len(expected) > 80:
        expected = expected[:80] + "\u2026"
    assert shown == (expected or " ")


def test_quote_limit_and_objects():
    assert quote("abcdef", limit=3) == "`abc\u2026`"
    assert quote("abcdef", limit=None) == "`abcdef`"
    assert quote(ValueError("x *y*")) == "`x *y*`"


def test_escape_html_leaves_no_markup():
    s = escape_html('<a href="https://evil.example">x</a> & $y$\n')
    assert "<" not in s and ">" not in s and '"' not in s and "$" not in s and "\n" not in s
    assert s.startswith("&lt;a href=&quot;")


def test_numbers():
    spec = U.Spec("int", 0, 100)
    for bad, why in [("inf", "url.not_finite"), ("-inf", "url.not_finite"), ("Infinity", "url.not_finite"),
                     ("1e309", "url.not_finite"), ("nan", "url.not_number"), ("abc", "url.not_number"),
                     ("", "url.not_number"), ("1.5", "url.not_whole"), ("101", "url.out_of_range"),
                     ("-1", "url.out_of_range"), ("9" * 30, "url.out_of_range"), ("1" * 5000, "url.not_finite")]:
        with pytest.raises(U.BadURLValue) as e:
            U.check(spec, bad)
        assert e.value.why == why, bad
    assert U.check(spec, "7") == "7" and U.check(spec, "7.0") == "7.0" and U.check(spec, ["1", "100"]) == "100"
    f = U.Spec("float", 0.1, 4.0)
    assert U.check(f, "0.25") == "0.25"
    with pytest.raises(U.BadURLValue, match="url.out_of_range") as e:
        U.check(f, "0.05")
    assert e.value.fmt == {"lo": "0.1", "hi": "4"}


def test_options_raw_names_labels_of_any_language_and_numbers():
    options = ["default", "orthogonal", "identity"]
    for lang in ("en", "zh"):
        labels = tuple(t(f"vanishing.init_{o}", lang) for o in options)
        spec = U.Spec("choice", labels=labels, aliases=U.option_aliases(options, labels, variants))
        other = "zh" if lang == "en" else "en"
        assert U.check(spec, "orthogonal") == labels[1]  # raw name
        assert U.check(spec, labels[2]) == labels[2]  # this language's label
        assert U.check(spec, t("vanishing.init_identity", other)) == labels[2]  # an old link in the other language
        with pytest.raises(U.BadURLValue, match="url.not_option"):
            U.check(spec, "<b>bogus</b>")
    lr = [0.0003, 0.001, 0.003, 0.01]
    labels = tuple(f"{v:g}" for v in lr)
    spec = U.Spec("choice", labels=labels, aliases=U.option_aliases(lr, labels, variants), numbers=tuple(lr))
    assert U.check(spec, "3e-3") == "0.003" and U.check(spec, "0.0030") == "0.003"
    with pytest.raises(U.BadURLValue):
        U.check(spec, "inf")
    clip = ["off", "0.5", "1", "2"]
    spec = U.Spec("choice", labels=("Off", "0.5", "1", "2"), aliases=U.option_aliases(clip, ("Off", "0.5", "1", "2"), variants),
                  numbers=tuple(U.as_number(o) for o in clip))
    assert U.check(spec, "1.0") == "1" and U.check(spec, "off") == "Off" and U.as_number(True) is None
    multi = U.Spec("choices", labels=("RNN", "LSTM", "GRU"), aliases={})
    assert U.check(multi, ["RNN", "GRU"]) == ["RNN", "GRU"]
    with pytest.raises(U.BadURLValue):
        U.check(multi, ["RNN", "nope"])


def test_ambiguous_spellings_are_not_aliases():
    # "b" is the raw name of option 1 and a variant of option 0's label: it names neither
    aliases = U.option_aliases(["a", "b"], ["A", "B"], lambda label: {"b"} if label == "A" else set())
    assert "b" not in aliases and aliases["a"] == 0


def test_text_length():
    spec = U.Spec("text", max_chars=5)
    assert U.check(spec, "![x]") == "![x]"
    with pytest.raises(U.BadURLValue, match="url.too_long"):
        U.check(spec, "123456")


def test_percent_never_rounds_to_a_perfect_or_null_score():
    from rnnviz.text import percent

    assert percent(0.9995) == "99.95%"  # the attention lab's 'general' model: 1,999 of 2,000 dates
    assert percent(1.0) == "100.0%" and percent(0.0) == "0.0%"
    assert percent(0.996, 0) == "99.6%" and percent(0.5, 0) == "50%"
    assert percent(0.0004) == "0.04%"
    assert percent(float("nan")) == "-"
    for hits in range(1, 2000):  # every score short of perfect reads as less than 100 %
        s = percent(hits / 2000)
        assert s != "100.0%" and s != "0.0%" and abs(float(s[:-1]) - 100 * hits / 2000) < 0.05 + 1e-9


@pytest.mark.parametrize("text, parts", [
    ("Step through the unrolled RNN: forward pass and BPTT", ("Step through the unrolled RNN", "forward pass and BPTT")),
    ("逐步展开 RNN：前向传播与随时间反向传播（BPTT）", ("逐步展开 RNN", "前向传播与随时间反向传播（BPTT）")),
    ("Vanishing & exploding gradients", ("Vanishing & exploding gradients", "")),
    ("a_t(i): x: y", ("a_t(i)", "x: y")),  # the first colon only
    ("ratio 1:2", ("ratio 1:2", "")),  # a colon without a space is not a separator
])
def test_split_title(text, parts):
    assert split_title(text) == parts


def test_every_page_title_is_head_and_at_most_one_subtitle():
    """The lab titles that have a subtitle keep it short enough for one line at 1280x720 (about 60 characters
    of the subtitle type in the main column), and no title loses a word in the split."""
    for key in ("stepthrough.title", "attention.title", "lecture.title", "gates.title", "hidden.title",
                "train_live.title", "vanishing.title"):
        for lang in ("en", "zh"):
            head, tail = split_title(t(key, lang))
            assert head and len(head) <= 40, (key, lang, head)
            assert len(tail) <= 60, (key, lang, tail)
            assert t(key, lang).startswith(head) and t(key, lang).endswith(tail)
