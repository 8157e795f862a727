"""rnnviz.lecture: scenes to JSON and to a link and back; every malformed or hostile input is
refused with a message naming the problem, unknown pages and parameters are dropped and reported."""
from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path

import pytest

from rnnviz import lecture as L
from rnnviz.lecture_default import default_lecture

ROOT = Path(__file__).resolve().parents[2]
KNOWN = L.page_params(ROOT / "app_pages")


def doc(**over) -> dict:
    d = {"format": "rnnviz-lecture", "version": 1, "title": "t",
         "scenes": [{"page": "vanishing", "params": {"vg_radius": "1.5"}, "title": "a", "note": "n"}]}
    d.update(over)
    return d


def test_page_params_are_read_from_the_pages():
    assert {"vg_radius", "vg_cells", "lang", "ex_format"} <= KNOWN["vanishing"]
    assert {"st_t", "st_phase", "st_tab", "st_k"} <= KNOWN["stepthrough"]
    assert {"att_tab", "att_score", "att_step"} <= KNOWN["attention"]
    assert {"gt_unit", "gt_step", "gt_color_by"} <= KNOWN["gates"] and "hd_unit" in KNOWN["hidden"]  # read by the page
    assert "vg_radius" not in KNOWN["stepthrough"]  # each page only its own prefix
    assert KNOWN["home"] == L.GLOBAL_PARAMS


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_lecture_follows_the_course_and_round_trips(lang):
    lec = default_lecture(lang)
    assert [s.page for s in lec.scenes] == ["stepthrough"] * 3 + ["vanishing"] * 2 + ["gates"] * 2 + \
        ["stepthrough", "attention", "attention", "train_live"]
    for s in lec.scenes:
        assert s.title and s.note
        assert set(s.params) <= KNOWN[s.page], (s.page, set(s.params) - KNOWN[s.page])
    assert lec.scenes[3].params["vg_radius"] == "0.9" and lec.scenes[3].params["vg_activation"] == "tanh"
    back, warnings = L.from_json(L.to_json(lec), KNOWN)
    assert back == lec and warnings == []
    code = L.encode_link(lec)
    assert L.link_fits(code)
    back, warnings = L.decode_link(code, KNOWN)
    assert back == lec and warnings == []
    if lang == "zh":
        assert "中文" in L.to_json(lec)  # readable, not \\u escapes


@pytest.mark.parametrize("data,match", [
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b"[1, 2]", "JSON object"),
    (json.dumps(doc(format="other")).encode(), "not an rnnviz lecture"),
    (json.dumps(doc(version=99)).encode(), "unsupported lecture version 99"),
    (json.dumps(doc(scenes={"a": 1})).encode(), '"scenes" must be a list'),
    (json.dumps(doc(scenes=[{"page": "vanishing"}] * 101)).encode(), "101 scenes"),
    (json.dumps(doc(title="x" * 201)).encode(), "201 characters"),
    (json.dumps(doc(title="bell\x07")).encode(), "control characters"),
    (json.dumps(doc(scenes=[{"page": "vanishing", "params": {"vg_cells": [["RNN"]]}}])).encode(), "nested"),
    (json.dumps(doc(scenes=[{"page": "vanishing", "params": {"vg_radius": True}}])).encode(), "parameter 'vg_radius'"),
    (json.dumps(doc(scenes=[{"page": "vanishing", "params": [1]}])).encode(), '"params" must be a JSON object'),
    (json.dumps(doc(scenes=[{"page": "vanishing", "note": 5}])).encode(), "scene 1: the note must be text"),
    (b'{"format": "rnnviz-lecture", "version": 1, "scenes": [], "title": NaN}', "NaN is not allowed"),
    (b"[" * 100_000 + b"]" * 100_000, "larger than|nested too deeply"),
    (b" " * (L.MAX_FILE_BYTES + 1), "at most"),
])
def test_malformed_files_are_refused_with_the_reason(data, match):
    with pytest.raises(L.LectureError, match=match):
        L.from_json(data, KNOWN)


def test_unknown_pages_and_parameters_are_reported_and_dropped():
    d = doc(scenes=[
        {"page": "../../etc/passwd", "params": {}},
        {"page": "vanishing", "params": {"vg_radius": "1.5", "__class__": "x", "st_t": "3", "x" * 500: "1"}},
        {"page": "gates", "params": {"gt_cell": "GRU"}, "title": "<script>alert(1)</script>", "note": "**bold** [a](javascript:x)"},
    ], extra="1")
    lec, warnings = L.validate(d, KNOWN)
    assert [s.page for s in lec.scenes] == ["vanishing", "gates"]
    assert lec.scenes[0].params == {"vg_radius": "1.5"}
    text = "\n".join(warnings)
    assert "unknown page '../../etc/passwd'" in text and "'__class__'" in text and "'st_t'" in text
    assert "unknown field 'extra'" in text
    assert all(len(w) < 200 for w in warnings)  # a long hostile name is shortened
    # text stays exactly as written (the page shows it as plain text, never as HTML/Markdown)
    assert lec.scenes[1].title == "<script>alert(1)</script>"


def test_numbers_in_params_become_url_text():
    lec, _ = L.validate(doc(scenes=[{"page": "vanishing", "params": {"vg_T": 50, "vg_radius": 1.5,
                                                                      "vg_cells": ["RNN", "LSTM"]}}]), KNOWN)
    assert lec.scenes[0].params == {"vg_T": "50", "vg_radius": "1.5", "vg_cells": ["RNN", "LSTM"]}


def test_damaged_and_bomb_links_are_refused():
    with pytest.raises(L.LectureError, match="characters that base64url"):
        L.decode_link("abc$%", KNOWN)
    with pytest.raises(L.LectureError, match="damaged"):
        L.decode_link("AAAAAAAA", KNOWN)
    bomb = base64.urlsafe_b64encode(zlib.compress(b" " * 5_000_000, 9)).decode().rstrip("=")
    assert len(bomb) < 4 * L.MAX_LINK_CODE
    with pytest.raises(L.LectureError, match="larger than"):
        L.decode_link(bomb, KNOWN)
    with pytest.raises(L.LectureError, match="too long"):
        L.decode_link("A" * (4 * L.MAX_LINK_CODE + 1), KNOWN)
