"""Checking a URL query value before a widget bound to it is drawn (pure Python, no Streamlit).

Every control is bound to the URL (``bind="query-params"``), so a link is input. Streamlit 1.67
seeds a bound widget from the URL in ``SessionState._seed_widget_from_url``: it parses the text
(``float()`` for number inputs and sliders, so ``inf``, ``1e309`` and ``nan`` get through), then
calls the widget's deserializer. For an integer ``st.number_input`` that is ``int(float)``, which
raises ``OverflowError`` on ``inf`` (not caught: the page crashes, and the value stays in the
URL); other bad values are dropped silently, and a selectbox or radio with a ``format_func``
accepts only its *translated label* (``?vg_init=正交``), not the option's own name.

:func:`check` decides, for a widget described by a :class:`Spec`, what a URL value means:

- a number: finite, in ``[lo, hi]``, and a whole number for integer widgets;
- an option: the widget's label in the current language, the option's raw name
  (``?st_input=random``, ``?lang=zh``), its label in any other language (an old link), or for
  numeric options the same number written differently (``?tl_lr=3e-3``);
- a text: at most ``max_chars`` characters.

It returns the value in the form the widget expects (a label for options) or raises
:class:`BadURLValue` naming why, which :mod:`rnnviz.streamlit_helpers` shows as a short notice
while the widget falls back to its default.

Unknown parameters (``?foo=bar``) are kept, on purpose: no page reads them, so they change nothing
shown; a link may carry them for something else (a campaign tag, an embedding site); removing them
would be one more URL write of the server (each one rewrote the history entry, see
``rnnviz/assets/live/url.js``). Streamlit drops them itself on a page change (only bound params go
to the new page), and a lecture scene records only its page's known params.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping, Sequence

KINDS = ("int", "float", "choice", "choices", "text")


@dataclass(frozen=True)
class Spec:
    """What a bound widget accepts.

    kind: ``"int"``/``"float"`` (number input, slider), ``"choice"`` (selectbox, radio,
        select_slider), ``"choices"`` (multiselect) or ``"text"``.
    lo, hi: the numeric range, both ends included.
    labels: the widget's option labels as it shows them now (what Streamlit matches).
    aliases: other accepted spellings ``{text: option index}`` (raw names, other languages).
    numbers: the numeric value of each option, or ``None`` (for ``?tl_lr=3e-3``).
    max_chars: the longest accepted text.
    """

    kind: str
    lo: float | None = None
    hi: float | None = None
    labels: tuple[str, ...] = ()
    aliases: Mapping[str, int] = field(default_factory=dict)
    numbers: tuple[float | None, ...] = ()
    max_chars: int | None = None


class BadURLValue(ValueError):
    """A URL value the widget cannot take. ``why`` is an i18n key (``url.*``), ``fmt`` its fields."""

    def __init__(self, why: str, **fmt):
        super().__init__(why)
        self.why, self.fmt = why, fmt


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError, OverflowError):
        return None


def as_number(option) -> float | None:
    """An option's numeric value (``0.003``, ``"0.25"``), or ``None`` (a name, a bool, not finite)."""
    if isinstance(option, bool) or not isinstance(option, (int, float, str)):
        return None
    v = _number(option)
    return v if v is not None and math.isfinite(v) else None


def _fmt(v: float) -> str:
    return f"{v:g}" if isinstance(v, float) and not float(v).is_integer() else f"{int(v)}"


def _check_number(spec: Spec, text: str) -> str:
    v = _number(text)
    if v is None or math.isnan(v):
        raise BadURLValue("url.not_number")
    if not math.isfinite(v):
        raise BadURLValue("url.not_finite")
    if spec.kind == "int" and not v.is_integer():
        raise BadURLValue("url.not_whole")
    if (spec.lo is not None and v < spec.lo) or (spec.hi is not None and v > spec.hi):
        raise BadURLValue("url.out_of_range", lo=_fmt(spec.lo), hi=_fmt(spec.hi))
    return text


def option_index(spec: Spec, text: str) -> int | None:
    """The option ``text`` names (label, alias or equal number), or ``None``."""
    if text in spec.labels:
        return spec.labels.index(text)
    if text in spec.aliases:
        return spec.aliases[text]
    v = _number(text)
    if v is not None and math.isfinite(v):
        hits = [i for i, n in enumerate(spec.numbers) if n is not None and n == v]
        if len(hits) == 1:
            return hits[0]
    return None


def _check_option(spec: Spec, text: str) -> str:
    i = option_index(spec, text)
    if i is None:
        shown = ", ".join(spec.labels[:8]) + (", …" if len(spec.labels) > 8 else "")
        raise BadURLValue("url.not_option", options=shown)
    return spec.labels[i]


def check(spec: Spec, value: str | Sequence[str]) -> str | list[str]:
    """The URL ``value`` (one string, or the list of a repeated parameter) as the widget expects it.

    Raises :class:`BadURLValue` if the widget cannot take it. A repeated parameter of a
    single-value widget counts by its last value, as in Streamlit.
    """
    values = [value] if isinstance(value, str) else list(value)
    if spec.kind == "choices":
        return [_check_option(spec, v) for v in values if v != ""]
    last = values[-1] if values else ""
    if spec.kind in ("int", "float"):
        return _check_number(spec, last)
    if spec.kind == "choice":
        return _check_option(spec, last)
    if spec.kind == "text":
        if spec.max_chars is not None and len(last) > spec.max_chars:
            raise BadURLValue("url.too_long", n=spec.max_chars)
        return last
    raise ValueError(f"unknown kind {spec.kind!r}; one of {KINDS}")


def option_aliases(options: Sequence, labels: Sequence[str], variants) -> dict[str, int]:
    """``{spelling: index}``: each option's raw name and ``variants(label)`` (its other languages).

    A spelling that would name two different options is left out (it stays ambiguous).
    """
    seen: dict[str, set[int]] = {}
    for i, (opt, label) in enumerate(zip(options, labels)):
        for s in {str(opt), *variants(label)}:
            seen.setdefault(s, set()).add(i)
    return {s: next(iter(ix)) for s, ix in seen.items() if len(ix) == 1 and s not in labels}


def spec_of(metadata, variants=None) -> Spec | None:
    """What a bound widget accepts, read from its Streamlit 1.67 serde (``None``: not checked).

    The serde is the object whose ``deserialize`` Streamlit calls on the URL value; it holds the
    widget's range, options and labels exactly as drawn in this run. ``variants(label)``: the other
    spellings of a translated label (:func:`rnnviz.i18n.variants`), accepted as aliases.
    """
    serde = getattr(metadata.deserializer, "__self__", None)
    kind = type(serde).__name__
    if kind == "NumberInputSerde":  # data_type 0 = INT
        return Spec("int" if serde.data_type == 0 else "float", serde.min_value, serde.max_value)
    if kind == "SliderSerde":
        if not serde.single_value or serde.data_type not in (0, 1):  # range/date sliders: Streamlit's own checks
            return None
        return Spec("int" if serde.data_type == 0 else "float", serde.min_value, serde.max_value)
    if kind in ("SelectboxSerde", "RadioSerde", "MultiSelectSerde", "SelectSliderSerde"):
        if kind == "SelectSliderSerde":
            if len(serde.default_indices) >= 2:
                return None
            labels = tuple(sorted(serde.formatted_option_to_index, key=serde.formatted_option_to_index.get))
        else:
            labels = tuple(serde.formatted_options)
        options = list(serde.options)
        numbers = tuple(as_number(o) for o in options)
        return Spec("choices" if kind == "MultiSelectSerde" else "choice", labels=labels,
                              aliases=option_aliases(options, labels, variants), numbers=numbers)
    if kind in ("TextInputSerde", "TextAreaSerde"):
        return Spec("text", max_chars=serde.max_chars)
    return None
