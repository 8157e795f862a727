"""AppTest for the lecture page and present mode (through the router, as in the app): build a
lecture (shipped lecture, add this view, rename, reorder, delete), save/load it (good, malformed and
hostile files, a link), present it, and every shipped scene's parameters reach the page's widgets."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rnnviz import lecture as L
from rnnviz.lecture_default import default_lecture

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
KNOWN = L.page_params(ROOT / "app_pages")


def open_lecture(lang: str = "en", **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / "lecture.py"), default_timeout=180)
    at.session_state["lang"] = lang
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shell_script():
    """What app.py draws around every page for lectures (AppTest's switch_page runs a page on its own)."""
    from rnnviz import streamlit_helpers as sh

    sh.add_view_button("vanishing", "Vanishing")
    sh.present_bar()


def lecture_of(at) -> L.Lecture:
    return at.session_state["lc_lecture"]


def test_build_edit_reorder_delete_and_present():
    at = open_lecture()
    assert not at.error
    at.button(key="lc_default").click().run()
    lec = lecture_of(at)
    assert len(lec.scenes) == 11 and lec.scenes[0].page == "stepthrough"
    gen = at.session_state["lc_gen"]
    at.text_input(key=f"lc_t_{gen}_0").set_value("<b>My</b> *first* scene").run()
    assert lecture_of(at).scenes[0].title == "<b>My</b> *first* scene"
    at.text_area(key=f"lc_n_{gen}_1").set_value("say this").run()
    assert lecture_of(at).scenes[1].note == "say this"
    at.button(key=f"lc_down_{gen}_0").click().run()
    assert [s.title for s in lecture_of(at).scenes[:2]][1] == "<b>My</b> *first* scene"
    gen = at.session_state["lc_gen"]
    at.button(key=f"lc_del_{gen}_1").click().run()
    assert len(lecture_of(at).scenes) == 10 and lecture_of(at).scenes[0].note == "say this"
    # the shareable link holds the lecture
    link = next(c.value for c in at.code if "/lecture?lc=" in c.value)
    back, warnings = L.decode_link(link.split("lc=", 1)[1], KNOWN)
    assert back == lecture_of(at) and not warnings
    # present: the browser is sent to scene 1's URL (a static script with a percent-encoded URL)
    at.button(key="lc_present").click().run()
    assert at.session_state["lc_goto"] == (lecture_of(at).scenes[0], 1)
    assert "lc_scene" not in at.session_state  # presenting starts when the browser has opened scene 1's URL


def test_add_this_view_and_present_bar():
    at = AppTest.from_function(shell_script, default_timeout=60)
    at.query_params["vg_radius"] = "1.5"
    at.query_params["vg_cells"] = ["RNN", "LSTM"]
    at.query_params["st_t"] = "4"  # another page's parameter: not part of this view
    at.run()
    at.sidebar.button(key="lc_add_view").click().run()
    lec = lecture_of(at)
    assert len(lec.scenes) == 1 and lec.scenes[0].page == "vanishing"
    assert lec.scenes[0].params == {"vg_radius": "1.5", "vg_cells": ["RNN", "LSTM"], "lang": "English"}
    lec.scenes.append(L.Scene(page="gates", params={"gt_cell": "GRU"}, title="<b>GRU</b> *z*", note="<i>note</i>"))
    # present mode: the bar with "Scene 1 of 2", Previous disabled, the sidebar hidden, no Add button
    at.session_state["lc_scene"] = 0
    at.query_params["lc_scene"] = "1"  # a presented scene's URL names it (rnnviz.lecture.SCENE_PARAM)
    at.run()
    assert not at.exception
    assert any("Scene 1 of 2" in m.value for m in at.markdown)
    assert at.button(key="lc_prev").disabled and not at.button(key="lc_next").disabled
    assert not at.sidebar.button  # "add this view" is hidden while presenting
    at.button(key="lc_next").click().run()
    script = " ".join(h.proto.body for h in at.get("html"))
    assert "pushState" in script and '"gates?gt_cell=GRU&lang=English&lc_scene=2"' in script
    # until the browser has opened scene 2's URL, the bar names the scene still on the screen
    assert at.session_state["lc_scene"] == 0 and "Scene 1 of 2" in " ".join(m.value for m in at.markdown)
    at.query_params["lc_scene"] = "2"  # the browser opened it: the next run is scene 2's
    at.run()
    assert at.session_state["lc_scene"] == 1
    bar = " ".join(m.value for m in at.markdown)
    assert "Scene 2 of 2" in bar and "\\<b\\>GRU\\</b\\> \\*z\\*" in bar  # the title is escaped text
    assert any(t.value == "<i>note</i>" for t in at.text)  # the note as plain text
    at.button(key="lc_exit").click().run()
    assert not at.exception
    assert '"lecture?lang=English"' in " ".join(h.proto.body for h in at.get("html"))
    del at.query_params["lc_scene"]  # the browser opened the lecture page's URL
    at.run()
    assert at.session_state["lc_scene"] is None


def test_present_mode_follows_the_scene_the_url_names():
    """The browser's Back and Forward reopen an earlier scene's URL: the presenter's bar follows it (it kept
    the last scene's number, title and note over another scene's page); a URL naming no scene ends present
    mode, and a number the lecture has no scene for is removed from the address."""
    at = AppTest.from_function(shell_script, default_timeout=60)
    at.session_state["lc_lecture"] = L.Lecture(scenes=[
        L.Scene(page="vanishing", title="first", note="note one"),
        L.Scene(page="gates", params={"gt_cell": "GRU"}, title="second", note="note two")])
    at.session_state["lc_scene"] = 1  # scene 2 was presented last
    at.query_params["lc_scene"] = "1"  # ... and Back reopened scene 1's URL
    at.run()
    assert not at.exception
    assert at.session_state["lc_scene"] == 0
    bar = " ".join(m.value for m in at.markdown)
    assert "Scene 1 of 2" in bar and "first" in bar and "second" not in bar
    assert any(t.value == "note one" for t in at.text)
    assert at.button(key="lc_prev").disabled and not at.button(key="lc_next").disabled
    at.query_params["lc_scene"] = "2"  # Forward
    at.run()
    assert at.session_state["lc_scene"] == 1 and "Scene 2 of 2" in " ".join(m.value for m in at.markdown)
    del at.query_params["lc_scene"]  # Back past the first scene, to the page Present was pressed on
    at.run()
    assert at.session_state["lc_scene"] is None
    assert not any("Scene" in m.value for m in at.markdown)
    for bad in ("3", "0", "abc", "１"):  # no such scene in this session's lecture
        at.query_params["lc_scene"] = bad
        at.run()
        assert not at.exception
        assert at.session_state["lc_scene"] is None and "lc_scene" not in at.query_params, bad


@pytest.mark.parametrize("content,problem", [
    (b"{broken", "not valid JSON"),
    (b'{"format": "something-else"}', "not an rnnviz lecture"),
    (b"\x80\x81 binary", "not UTF-8"),
])
def test_malformed_file_gives_a_clear_error_and_keeps_the_lecture(content, problem):
    at = open_lecture()
    at.button(key="lc_default").click().run()
    at.file_uploader(key="lc_upload").upload("lecture.json", content, "application/json").run()
    assert not at.exception
    assert any(problem in e.value for e in at.error), [e.value for e in at.error]
    assert len(lecture_of(at).scenes) == 11  # the session keeps working with its lecture


def test_hostile_file_is_reported_and_shown_as_text():
    d = default_lecture("en").to_dict()
    d["scenes"] = [{"page": "../../app", "params": {}},
                   {"page": "vanishing", "params": {"vg_radius": "1.5", "evil": "x"},
                    "title": "<img src=x onerror=alert(1)>", "note": "<script>alert(2)</script>"}]
    at = open_lecture()
    at.file_uploader(key="lc_upload").upload("l.json", json.dumps(d).encode(), "application/json").run()
    assert not at.exception and not at.error
    warnings = " ".join(w.value for w in at.warning)
    assert "'../../app'" in warnings and "'evil'" in warnings
    lec = lecture_of(at)
    assert len(lec.scenes) == 1 and lec.scenes[0].params == {"vg_radius": "1.5"}
    gen = at.session_state["lc_gen"]
    assert at.text_input(key=f"lc_t_{gen}_0").value == "<img src=x onerror=alert(1)>"  # a text field, not HTML
    assert all("onerror" not in h.proto.body and "alert(2)" not in h.proto.body for h in at.get("html"))
    assert all("onerror" not in m.value for m in at.markdown)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lecture_from_a_link(lang):
    code = L.encode_link(default_lecture(lang))
    at = open_lecture(lang, lc=code)
    assert len(lecture_of(at).scenes) == 11
    (ok,) = at.success
    assert ok.value == {"en": "Lecture loaded from the link: 11 scenes.", "zh": "已从链接载入讲稿：11 个场景。"}[lang]
    bad = open_lecture(lang, lc="not$base64")
    assert any("base64url" in e.value for e in bad.error)


def _link(d: dict) -> str:
    import base64
    import zlib

    raw = json.dumps(d).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_link_s_text_in_a_message_is_shown_as_text_and_a_bad_link_leaves_the_address(lang):
    """What a lecture link holds (here a version and a page name) is quoted in the error and the warning:
    as Markdown, they drew an image fetched from another host and a link to one. A link that cannot be
    read is removed from the address once said (a reload or a shared copy no longer carries it)."""
    image = _link({"format": "rnnviz-lecture", "version": "![x](http://203.0.113.7/t.png)", "scenes": []})
    at = open_lecture(lang, lc=image)
    assert len(at.error) == 1 and "203.0.113.7" in at.error[0].value
    body = at.error[0].value.split("203.0.113.7")[0]
    assert body.count("`") % 2 == 1, at.error[0].value  # inside a code span: shown verbatim
    assert "lc" not in at.query_params
    phish = _link({"format": "rnnviz-lecture", "version": 1,
                   "scenes": [{"page": "[Log in](https://evil.example)"}, {"page": "vanishing"}]})
    at = open_lecture(lang, lc=phish)
    assert not at.error and len(lecture_of(at).scenes) == 1
    (w,) = at.warning
    assert "evil.example" in w.value and w.value.split("[Log in]")[0].count("`") % 2 == 1, w.value
    assert at.query_params["lc"] == phish  # a link that was read stays in the address
    for bad in ("not$base64", ""):
        at = open_lecture(lang, lc=bad)
        assert not at.exception and "lc" not in at.query_params, bad


# words a Chinese message may keep: the JSON names of a lecture file and the link's alphabet
LATIN_OK = {"JSON", "UTF", "base64url", "format", "scenes", "params", "rnnviz", "lecture", "version"}


def _english_words(text: str) -> set[str]:
    import re

    text = re.sub(r"'[^']*'", "", text)  # a quoted name from the file: a page or a parameter
    return set(re.findall(r"[A-Za-z][A-Za-z0-9]+", text)) - LATIN_OK


@pytest.mark.parametrize("how,source", [
    ("file", b"{broken"), ("file", b'{"format": "something-else"}'), ("file", b"\x80\x81 binary"),
    ("file", b'{"format": "rnnviz-lecture", "version": 1, "title": 7, "scenes": []}'),
    ("file", b'{"format": "rnnviz-lecture", "version": 1, "scenes": [{"page": "vanishing", "params": {"vg_T": [[1]]}}]}'),
    ("link", "not$base64"), ("link", "AAAA"),
])
def test_a_lecture_that_cannot_be_read_is_said_in_chinese(how, source):
    """In the Chinese UI the reason a file or link cannot be read is Chinese (it was English after the
    Chinese "无法读取该讲稿：")."""
    if how == "file":
        at = open_lecture("zh")
        at.file_uploader(key="lc_upload").upload("lecture.json", source, "application/json").run()
    else:
        at = open_lecture("zh", lc=source)
    assert not at.exception
    (err,) = at.error
    assert not _english_words(err.value), err.value
    en = open_lecture("en", lc=source) if how == "link" else None
    if en is not None:
        assert any("lecture link" in e.value for e in en.error)  # the English UI keeps English


def test_skipped_parts_are_said_in_chinese():
    d = {"format": "rnnviz-lecture", "version": 1, "extra": 1,
         "scenes": [{"page": "nope"}, {"page": "vanishing", "params": {"vg_radius": "1.5", "evil": "x"}}]}
    at = open_lecture("zh")
    at.file_uploader(key="lc_upload").upload("l.json", json.dumps(d).encode(), "application/json").run()
    assert not at.exception and not at.error and len(at.warning) == 3
    for w in at.warning:
        assert not _english_words(w.value), w.value


@pytest.mark.parametrize("i", range(11))
def test_every_shipped_scene_reaches_its_widgets(i):
    scene = default_lecture("en").scenes[i]
    at = AppTest.from_file(str(ROOT / "app_pages" / f"{scene.page}.py"), default_timeout=180)
    for k, v in scene.params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    for k, v in scene.params.items():
        if k == "lang":
            continue
        try:
            w = at.get_by_key(k)
        except KeyError:  # a parameter the page reads from the URL itself (st_t), not a widget: kept there
            assert str(at.query_params.get(k)) in (str(v), str([v])), (k, v, at.query_params.get(k))
            continue
        w = w[0] if isinstance(w, list) else w
        assert w is not None, k
        if k.endswith("_tab"):  # tabs: the URL value must be one of the tab labels (AppTest has no selection)
            assert v in [t.label for t in w.children.values()], (k, v)
            continue
        got = w.value
        formatted = w.format_func(got) if callable(getattr(w, "format_func", None)) else got
        assert str(v) in {str(got), str(formatted)} or (isinstance(got, float) and float(v) == got), (k, v, got)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_uploader_s_own_words_are_in_the_page_s_language(lang):
    """Streamlit draws "Upload" and "1MB per file" in a file uploader in English only; in Chinese a style
    sheet scoped to the uploader draws them in Chinese (what the browser shows: tests/e2e/test_lecture_e2e.py)."""
    at = open_lecture(lang)
    styles = [m.value for m in at.markdown if "st-key-lc_upload" in m.value]
    if lang == "en":
        assert styles == []
    else:
        (css,) = styles
        assert '"上传"' in css and '"每个文件最大 1 MB"' in css and "stFileUploaderDropzone" in css
