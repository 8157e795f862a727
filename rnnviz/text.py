"""User text as data: quoted so that no Markdown, HTML or LaTeX in it is ever rendered.

Every control is bound to the URL, so a shared link is input: whatever a student typed (or a
link carries) must reach the screen as the characters it is, never as a link, an image, bold
text, a heading, an emoji/icon shortcode or a formula. Two contexts, one helper each:

- :func:`quote` for Markdown (``st.markdown``, ``st.error``, ``st.caption``, ``st.info``,
  labels, and the messages of the ``ValueError`` s the compute layer raises). It returns an
  inline code span. Measured in Chromium with Streamlit 1.67: backslash-escaping is *not*
  enough there (bare URLs are still auto-linked, ``:streamlit:`` still becomes an image),
  while nothing inside a code span is interpreted. In a plain Python message the span reads as
  ```text``` too, so the same call serves notebooks and the app.
- :func:`escape_html` for plotly text (titles, tick labels, hover text, annotations), which
  understands a subset of HTML (``<a href>``, ``<b>``, ``<br>``) and ``$...$`` as LaTeX.

>>> quote("![x](http://203.0.113.7/t.png)")
'`![x](http://203.0.113.7/t.png)`'
>>> quote("a`b")
'``a`b``'
>>> escape_html("<b>x</b> & $y$")
'&lt;b&gt;x&lt;/b&gt; &amp; &#36;y&#36;'
"""
from __future__ import annotations

import html
import re

QUOTE_LIMIT = 80
"""Default number of characters of user text shown in a message (the rest becomes ``…``)."""

# Line breaks would end the code span (a blank line ends the paragraph, and what follows would
# be Markdown again); other control characters are invisible. Both are shown as visible marks.
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\u2028\u2029\x85]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BACKTICKS = re.compile(r"`+")


def _visible(text: str) -> str:
    return _CONTROL.sub("\ufffd", _LINE_BREAKS.sub("\u21b5", text.replace("\t", " ")))


def quote(text: object, limit: int | None = QUOTE_LIMIT) -> str:
    """``text`` as a Markdown inline code span: shown verbatim, never interpreted.

    Args:
        text: anything; ``str(text)`` is quoted.
        limit: at most this many characters are kept (then ``…``); ``None`` keeps all.

    Line breaks are shown as ``↵``, tabs as spaces, other control characters as ``�``. The
    fence is one backtick longer than the longest run of backticks in the text, and padded
    with a space when the text starts or ends with a backtick or a space (CommonMark strips
    exactly one space from each side of such a span).
    """
    s = _visible(str(text))
    if not s:
        return "` `"
    if limit is not None and len(s) > limit:
        s = s[:limit] + "\u2026"
    fence = "`" * (max((len(m) for m in _BACKTICKS.findall(s)), default=0) + 1)
    pad = " " if s.strip(" ") and (s[0] in "` " or s[-1] in "` ") else ""  # all spaces: shown as is
    return f"{fence}{pad}{s}{pad}{fence}"


def escape_html(text: object) -> str:
    """``text`` for plotly's HTML-like labels: ``< > & " '`` and ``$`` as entities, breaks visible.

    Plotly renders ``<a href=...>``, ``<b>``, ``<br>`` and, where MathJax is loaded, ``$...$``
    in titles, tick labels, annotations and hover text; entities are shown as the characters.
    """
    return html.escape(_visible(str(text)), quote=True).replace("$", "&#36;")


def plain_markdown(text: str) -> str:
    """User text shown inside Markdown as plain text: every Markdown/HTML special character escaped, one line."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~&$])", r"\\\1", text.replace("\n", " "))


def split_title(text: str) -> tuple[str, str]:
    """A page title ``"Head: tail"`` (or ``"标题：副标题"``) as ``(head, tail)``; ``(text, "")`` without a colon.

    The head is the title proper and the tail a subtitle under it, so that both fit on one line each
    at 1280x720 instead of a title wrapped over two lines of the largest type.
    """
    m = re.search(r": |：", text)
    return (text, "") if m is None else (text[:m.start()].strip(), text[m.end():].strip())


def percent(x: float, digits: int = 1) -> str:
    """``x`` (a share in [0, 1]) as a percentage that never rounds to 100 % or 0 % unless it is exact.

    ``percent(0.9995)`` is ``"99.95%"``, not ``"100.0%"`` (one miss in 2,000 is not a perfect score);
    ``percent(1.0)`` is ``"100.0%"``; more digits are used, up to 4, only where rounding would claim
    a perfect or a null score. ``nan`` gives ``"-"``.
    """
    if x != x:
        return "-"
    for d in range(digits, 5):
        s = f"{100 * x:.{d}f}"
        if (float(s) < 100 or x >= 1) and (float(s) > 0 or x <= 0):
            return f"{s}%"
    return f"{100 * x:.4f}%"
