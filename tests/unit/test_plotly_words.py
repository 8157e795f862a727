"""plotly.js's own words (the modebar's tooltips and notices) are in the page's language: every chart's config
carries a per-chart locale (rnnviz.i18n.plotly_words) whose dictionary holds every string the modebar of the
plotly.js bundled with Streamlit draws."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from rnnviz.i18n import plotly_words as pw


def _bundle_text() -> str:
    import streamlit

    js = sorted((Path(streamlit.__file__).parent / "static" / "static" / "js").glob("PlotlyChart.*.js"))
    if not js:
        pytest.skip("Streamlit's plotly.js chunk is not in this install")
    return js[0].read_text(encoding="utf-8", errors="replace")


def _modebar_strings(text: str) -> set[str]:
    """The strings plotly.js localizes in its modebar (buttons.js titles and notices, modebar.js's logo), as the
    minified bundle writes them: ``l(e,`Zoom in`)`` / ``i._(this.graphInfo,`Produced with Plotly.js`)``."""
    start = text.index("u.toImage={name:`toImage`")  # buttons.js
    end = text.index("`Produced with Plotly.js`")  # modebar.js follows it
    found = set(re.findall(r"\b[a-zA-Z_$]\w*\(e,`([A-Z][^`$]+)`\)", text[start:end]))
    found.add("Produced with Plotly.js")
    return found


def test_every_modebar_string_is_in_the_chinese_dictionary():
    strings = _modebar_strings(_bundle_text())
    assert {"Download plot as a PNG", "Zoom", "Pan", "Autoscale", "Reset axes", "Zoom in", "Zoom out"} <= strings
    zh = pw.DICTIONARIES["zh"]
    missing = sorted(s for s in strings if s not in zh and not s.startswith(("Share", "Cancel", "This chart")))
    assert not missing, missing
    assert all(re.search(r"[\u4e00-\u9fff]", zh[s]) for s in strings if s in zh)


def test_the_hints_on_the_chart_are_in_the_dictionary():
    text = _bundle_text()
    for s in ("Double-click to zoom back out", "Double-click on legend to isolate one trace"):
        assert f"`{s}`" in text  # still a plotly.js string
        assert re.search(r"[\u4e00-\u9fff]", pw.DICTIONARIES["zh"][s])


def test_chart_config_carries_the_locale_in_chinese_only():
    from rnnviz.export import chart_config

    en = chart_config("vg_fig_grad", "png", "en")
    assert "locale" not in en and "locales" not in en and en["displaylogo"] is False
    zh = chart_config("vg_fig_grad", "png", "zh")
    assert zh["locale"] == "zh-CN" and zh["displaylogo"] is False
    assert zh["locales"]["zh-CN"]["dictionary"]["Download plot as a PNG"] == "下载图表（PNG）"
    assert zh["toImageButtonOptions"] == en["toImageButtonOptions"]  # the file name stays ASCII


def test_streamlit_passes_the_config_to_plotly_as_it_is():
    """st.plotly_chart sends ``config`` as JSON (a dict in, the same dict out), and its frontend hands the parsed
    config to plotly.js (react-plotly's ``config``): a per-chart ``locales`` reaches plotly.js."""
    import json

    from streamlit.testing.v1 import AppTest

    from rnnviz.export import chart_config

    def page():
        import plotly.graph_objects as go
        import streamlit as st

        from rnnviz.export import chart_config

        st.plotly_chart(go.Figure(), config=chart_config("vg_fig_grad", "png", "zh"), theme=None)

    at = AppTest.from_function(page).run()
    assert not at.exception
    assert json.loads(at.get("plotly_chart")[0].proto.config) == chart_config("vg_fig_grad", "png", "zh")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_plotly_css_titles_streamlits_fullscreen_button_in_the_page_language(lang):
    from streamlit.testing.v1 import AppTest

    def page():
        import streamlit as st

        from rnnviz import streamlit_helpers as sh

        st.text(sh.plotly_css())

    at = AppTest.from_function(page)
    at.session_state["lang"] = lang
    css = at.run().text[0].value
    assert "rnnviz-cjk" in css  # the tooltips' font has the Chinese characters
    if lang == "zh":
        assert '[data-title="Fullscreen"]::after{content:"全屏"}' in css
        assert '[data-title="Close fullscreen"]::after{content:"退出全屏"}' in css
    else:
        assert "content:" not in css
