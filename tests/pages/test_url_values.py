"""Hostile links: every URL-bound widget of every page, given values that crashed pages or carry markup.

Through the router (app.py), as a shared link is opened. For each page (and the settings that reveal
its conditional widgets) the widgets are discovered from a clean run, then every bound widget gets
the same bad value at once:

- no exception; each non-text widget keeps its default and a notice names its parameter;
- text widgets take the text as data; nothing anywhere renders it (checked on every Markdown body,
  label and chart: markers of the payloads appear only inside code spans).

Raw option names (``?st_input=random``, ``?lang=zh``) and labels of the other language work.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")

# page -> settings (URL params) that between them reveal every conditional widget
REVEAL = {
    "app_pages/stepthrough.py": [{}, {"st_input": "word", "st_pattern": "enc_dec"}, {"st_input": "random"}],
    "app_pages/vanishing.py": [{}, {"vg_input_kind": "text"}],
    "app_pages/gates.py": [{"gt_source": "typed"}],
    "app_pages/attention.py": [{}],
    "app_pages/train_live.py": [{"tl_corpus": "pasted"}, {"tl_task": "names"}],
    "app_pages/hidden.py": [{"hd_source": "typed", "hd_pattern": "regex"}],
}
# (every spelling of these is also checked without Streamlit in tests/unit/test_text_urlparams.py)
CRASHERS = ["inf", "-Infinity", "1e309", "nan", "-99999999999999999999", "garbage", ""]
MARKUP = ["![x](http://203.0.113.7/t.png)", "[Log in again](https://evil.example/phish)", "**PWNED** and # PWNED",
          r"$\frac{PWNED}{1}$", "<img src=http://203.0.113.7/i.png>", "<script>PWNED()</script>",
          ":streamlit: :red[PWNED]"]
WALK_MARKUP = MARKUP[:2] + [MARKUP[4], r"$\frac{PWNED}{1}$ **PWNED** :streamlit:"]
MARKERS = ["203.0.113.7", "evil.example", "PWNED", ":streamlit:"]
WIDGETS = ("number_input", "slider", "select_slider", "selectbox", "radio", "multiselect", "text_input", "text_area")
TEXT = ("text_input", "text_area")
COUNT = {"runs": 0, "params": 0}  # payload x place tries, printed at the end of the module


def _app(params: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    for k, v in params.items():
        at.query_params[k] = v
    return at


def _open(page: str, params: dict) -> AppTest:
    at = _app(params)
    at.switch_page(page).run()
    COUNT["runs"] += 1
    COUNT["params"] += len(params)
    assert not at.exception, (page, params, [e.value for e in at.exception])
    return at


def _widgets(at) -> dict[str, tuple[str, object]]:
    out = {}
    for kind in WIDGETS:
        for w in at.get(kind):
            if w.key and not w.key.startswith("preset_"):
                out[w.key] = (kind, w.value)
    return out


_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)", re.S)


def _outside_code(text: str) -> str:
    return _SPAN.sub("", text or "")


def _bodies(at):
    """Every Markdown text of the run: element bodies, widget labels and help, tab and expander labels."""
    for kind in ("markdown", "caption", "error", "warning", "info", "success", "title", "header", "subheader",
                 "toast", "latex"):
        for el in at.get(kind):
            yield kind, getattr(el, "value", None) or getattr(el, "body", "")
    for kind in WIDGETS + ("button",):
        for w in at.get(kind):
            yield kind + ".label", w.label
            yield kind + ".help", getattr(w, "help", "") or ""
    for kind in ("tab", "expander"):
        for el in at.get(kind):
            yield kind, getattr(el, "label", "")


def assert_inert(at, where):
    for kind, body in _bodies(at):
        rest = _outside_code(str(body))
        for m in MARKERS:
            assert m not in rest, (where, kind, body)
    for el in at.get("plotly_chart"):
        spec = el.proto.spec
        for bad in ("<img", "<script", "<a ", "](http", "$\\\\frac"):
            assert bad not in spec, (where, bad)


def _notices(at) -> str:
    return "\n".join(w.value for w in at.warning)


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    print(f"\n[test_url_values] {COUNT['runs']} page loads, {COUNT['params']} payload x parameter tries")


CASES = [(page, i) for page, sets in REVEAL.items() for i in range(len(sets))]


@pytest.mark.parametrize("page,i", CASES, ids=[f"{p.split('/')[1][:-3]}-{i}" for p, i in CASES])
def test_every_bound_widget_survives_bad_values(page, i):
    reveal = REVEAL[page][i]
    clean = _open(page, reveal)
    widgets = _widgets(clean)
    assert len(widgets) >= 3, widgets
    targets = {k: v for k, v in widgets.items() if k not in reveal}
    for payload in CRASHERS + WALK_MARKUP:
        at = _open(page, {**reveal, **{k: payload for k in targets}})
        got = _widgets(at)
        notices = _notices(at)
        for key, (kind, default) in targets.items():
            if key not in got:
                continue  # hidden by this page state (e.g. the pasted text's error stops the page)
            if kind in TEXT:
                assert got[key][1] in (payload, default), (key, payload, got[key])
                continue
            if payload == "" and isinstance(default, list):  # a multiselect cleared in the URL: an empty choice is a real state
                assert got[key][1] in ([], default), (page, key, payload, got[key][1], default)
                continue
            assert got[key][1] == default, (page, key, payload, got[key][1], default)
            if payload != "":  # an empty value is Streamlit's "cleared": dropped without a notice
                assert f"`{key}`" in notices, (page, key, payload, notices)
        assert_inert(at, (page, payload))


TEXT_WIDGETS = [("app_pages/stepthrough.py", "st_numbers", {}), ("app_pages/stepthrough.py", "st_word", {"st_input": "word"}),
                ("app_pages/stepthrough.py", "st_target", {"st_input": "word", "st_pattern": "enc_dec"}),
                ("app_pages/vanishing.py", "vg_text", {"vg_input_kind": "text"}),
                ("app_pages/gates.py", "gt_text", {"gt_source": "typed"}), ("app_pages/attention.py", "att_text", {}),
                ("app_pages/train_live.py", "tl_text", {"tl_corpus": "pasted"}),
                ("app_pages/train_live.py", "tl_name", {"tl_task": "names"}),
                ("app_pages/hidden.py", "hd_text", {"hd_source": "typed"}),
                ("app_pages/hidden.py", "hd_regex", {"hd_pattern": "regex"})]


@pytest.mark.parametrize("page,key,reveal", TEXT_WIDGETS, ids=[k for _, k, _ in TEXT_WIDGETS])
def test_markup_typed_into_every_text_input_is_shown_as_data(page, key, reveal):
    at = _open(page, reveal)
    for payload in MARKUP + ["line one\n\n# PWNED heading", "`PWNED` ``x``"]:
        widget = next(w for kind in TEXT for w in at.get(kind) if w.key == key)
        widget.input(payload).run()
        COUNT["params"] += 1
        assert not at.exception, (key, payload, [e.value for e in at.exception])
        assert_inert(at, (key, payload))
        # the page said something about it (an error naming the text, or it used it), never rendered it
        for el in at.error:
            assert "PWNED" not in _outside_code(el.value) and "evil" not in _outside_code(el.value)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_raw_option_names_and_other_language_labels(lang):
    at = _open("app_pages/vanishing.py", {"lang": lang, "vg_init": "orthogonal", "vg_input_kind": "zeros",
                                      "vg_activation": "relu"})
    assert at.selectbox(key="vg_init").value == "orthogonal"
    assert at.radio(key="vg_input_kind").value == "zeros"
    assert at.selectbox(key="vg_activation").value == "relu"
    assert not at.warning, _notices(at)
    if lang == "zh":
        assert any("\u4e00" <= ch <= "\u9fff" for ch in at.title[0].value)
    # a label written by the app in the other language (an old shared link) still works
    from rnnviz.i18n import t

    other = "en" if lang == "zh" else "zh"
    at = _open("app_pages/stepthrough.py", {"lang": lang, "st_input": t("stepthrough.input_random", other),
                                        "st_weights": "random"})
    assert at.selectbox(key="st_input").value == "random"
    assert at.radio(key="st_weights").value == "random"
    at = _open("app_pages/gates.py", {"lang": lang, "gt_task": "lm"})
    assert at.selectbox(key="gt_task").value == "lm"
    at = _open("app_pages/train_live.py", {"lang": lang, "tl_task": "names", "tl_lr": "3e-3"})
    assert at.radio(key="tl_task").value == "names"
    assert at.select_slider(key="tl_lr").value == 0.003


# choices that no widget is bound to (picked in the browser by the live component; the page reads the URL itself):
# page -> (parameter, its first value, session-state key)
BROWSER_CHOICES = [("app_pages/stepthrough.py", "st_t", 1), ("app_pages/attention.py", "att_step", 1),
                   ("app_pages/gates.py", "gt_unit", 0), ("app_pages/gates.py", "gt_step", 1),
                   ("app_pages/hidden.py", "hd_unit", 0)]


def _url(at, param):
    value = at.query_params.get(param)
    return value[-1] if isinstance(value, list) and value else value


@pytest.mark.parametrize("page,param,first", BROWSER_CHOICES, ids=[p for _, p, _ in BROWSER_CHOICES])
def test_a_browser_choice_from_a_link_is_clamped_or_named_and_the_url_ends_valid(page, param, first):
    """Out of range: the nearest end, and the URL says so; not a whole number: a notice names the parameter, the
    choice keeps its default and the value leaves the URL. Never an exception."""
    default = _open(page, {}).session_state[param]
    top = _open(page, {param: "999999"})
    last = top.session_state[param]
    assert last > first and _url(top, param) == str(last), (param, last, _url(top, param))
    low = _open(page, {param: "-5"})
    assert low.session_state[param] == first and _url(low, param) == str(first), (param, _url(low, param))
    inside = _open(page, {param: str(first + 1)})
    assert inside.session_state[param] == first + 1 and _url(inside, param) == str(first + 1)
    assert f"`{param}`" not in _notices(inside)
    for bad in ("abc", "inf", "2.5", "1e309", "<b>PWNED</b>"):
        at = _open(page, {param: bad})
        assert at.session_state[param] == default, (param, bad, at.session_state[param])
        assert _url(at, param) in (None, str(default)), (param, bad, _url(at, param))
        assert f"`{param}`" in _notices(at), (param, bad, _notices(at))
        assert_inert(at, (page, param, bad))
