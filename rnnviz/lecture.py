r"""A lecture: an ordered list of scenes, each a lab page with its URL state (pure Python, no Streamlit).

A scene is what a bookmark holds plus words for the room::

    Scene(page="vanishing", params={"vg_radius": "0.9", "lang": "English"},
          title="Vanishing: tanh, rho = 0.9", note="Ask: how many steps until 1e-3?")

``params`` are URL query parameters exactly as the page writes them (strings, or lists of strings
for a multiselect). Presenting a scene opens its page with those parameters; Streamlit's bound
widgets then validate each value themselves (an invalid value is ignored), so a lecture file
never sets anything a URL could not.

A lecture file is small JSON (:func:`to_json` / :func:`from_json`); a lecture also fits in one
link (:func:`encode_link` / :func:`decode_link`: compact JSON, zlib, base64url) when it is short
enough (:data:`MAX_LINK_CODE`). Everything read from a file or a link is checked
(:func:`validate`): a malformed file raises :class:`LectureError` naming the problem; an unknown
page or parameter is dropped and reported in the returned warnings; text stays text (the page
shows it with plain-text widgets, never as Markdown or HTML).
"""
from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Mapping

__all__ = ["Scene", "Lecture", "LectureError", "validate", "to_json", "from_json", "encode_link", "decode_link",
           "page_params", "PAGE_PREFIX", "GLOBAL_PARAMS", "MAX_FILE_BYTES", "MAX_SCENES", "MAX_LINK_CODE"]

FORMAT = "rnnviz-lecture"
VERSION = 1
MAX_FILE_BYTES = 256 * 1024  # a lecture file or decoded link larger than this is refused
MAX_SCENES = 100
MAX_TITLE = 200  # characters
MAX_NOTE = 4000
MAX_PARAMS = 60  # per scene
MAX_VALUE = 2000  # characters of one parameter value (the longest text widget allows 2000)
MAX_LIST = 20  # values of one repeated parameter
MAX_LINK_CODE = 4000  # characters of the encoded lecture in a shareable link (browsers take far longer URLs)

# The lab pages a scene may show (url_path -> the prefix of its widget keys).
PAGE_PREFIX: dict[str, str] = {"home": "", "stepthrough": "st_", "vanishing": "vg_", "gates": "gt_",
                               "attention": "att_", "train_live": "tl_", "hidden": "hd_"}
GLOBAL_PARAMS = frozenset({"lang", "ex_format"})  # app-wide parameters allowed on every page
_KEY_RE = re.compile(r"""key\s*=\s*["']([A-Za-z][A-Za-z0-9_]*)["']""")
# a parameter a page reads from the URL itself (e.g. the step-through step chosen in the browser)
_QUERY_RE = re.compile(r"""query_params\.get\(\s*["']([A-Za-z][A-Za-z0-9_]*)["']""")
_PARAM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


class LectureError(ValueError):
    """A lecture file or link that cannot be read; the message names the problem."""


@dataclass
class Scene:
    page: str  # url_path of a lab page (a key of PAGE_PREFIX)
    params: dict[str, Any] = field(default_factory=dict)  # URL query parameters: str or list[str]
    title: str = ""  # shown in the presenter's bar
    note: str = ""  # speaker note (plain text), shown in a collapsed panel


@dataclass
class Lecture:
    title: str = ""
    scenes: list[Scene] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"format": FORMAT, "version": VERSION, "title": self.title, "scenes": [asdict(s) for s in self.scenes]}


def page_params(pages_dir: str | Path) -> dict[str, frozenset[str]]:
    """The widget keys of each page and the URL parameters it reads itself, read from its source
    (``key="vg_radius"``, ``query_params.get("st_t")``), plus the app-wide
    parameters: what a scene of that page may carry. Pages with no file yet allow the globals only."""
    pages_dir = Path(pages_dir)
    out = {}
    for page, prefix in PAGE_PREFIX.items():
        path = pages_dir / f"{page}.py"
        keys = set()
        if path.exists() and prefix:
            src = path.read_text(encoding="utf-8")
            keys = {k for k in _KEY_RE.findall(src) + _QUERY_RE.findall(src) if k.startswith(prefix)}
        out[page] = frozenset(keys | GLOBAL_PARAMS)
    return out


def _text(value, what: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise LectureError(f"{what} must be text, not {type(value).__name__}")
    if len(value) > limit:
        raise LectureError(f"{what} is {len(value)} characters long (at most {limit})")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise LectureError(f"{what} contains control characters")
    return value


def _param_value(value, what: str):
    if isinstance(value, bool) or value is None:
        raise LectureError(f"{what} must be text or a list of texts, not {json.dumps(value)}")
    if isinstance(value, (int, float)):
        value = repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, list):
        if len(value) > MAX_LIST:
            raise LectureError(f"{what} has {len(value)} values (at most {MAX_LIST})")
        out = []
        for i, v in enumerate(value):
            if isinstance(v, (list, dict)):
                raise LectureError(f"{what} contains a nested list or object")
            out.append(_param_value(v, f"{what}[{i}]"))
        return out
    if not isinstance(value, str):
        raise LectureError(f"{what} must be text or a list of texts, not {type(value).__name__}")
    return _text(value, what, MAX_VALUE)


def _raise(msg: str):
    raise LectureError(msg)


def validate(data: Any, known: Mapping[str, frozenset[str]]) -> tuple[Lecture, list[str]]:
    """Check a parsed lecture (``dict``) against the known pages and their parameters.

    Returns ``(lecture, warnings)``: scenes of unknown pages and unknown parameters are dropped,
    each with a warning naming it. Raises :class:`LectureError` for anything malformed (wrong
    format marker, wrong types, too many scenes, too long texts, control characters).
    """
    if not isinstance(data, dict):
        raise LectureError(f"a lecture is a JSON object, not {type(data).__name__}")
    if data.get("format") != FORMAT:
        raise LectureError(f'not an rnnviz lecture: "format" must be "{FORMAT}"')
    if data.get("version") != VERSION:
        raise LectureError(f'unsupported lecture version {json.dumps(data.get("version"))} (this app reads {VERSION})')
    extra = sorted(set(data) - {"format", "version", "title", "scenes"})
    warnings = [f"ignored unknown field {k!r}" for k in extra[:10]]
    title = _text(data.get("title", ""), "the lecture title", MAX_TITLE)
    scenes_in = data.get("scenes")
    if not isinstance(scenes_in, list):
        raise LectureError('"scenes" must be a list')
    if len(scenes_in) > MAX_SCENES:
        raise LectureError(f"the lecture has {len(scenes_in)} scenes (at most {MAX_SCENES})")
    scenes = []
    for n, s in enumerate(scenes_in, start=1):
        where = f"scene {n}"
        if not isinstance(s, dict):
            raise LectureError(f"{where} must be a JSON object")
        page = s.get("page")
        if not isinstance(page, str) or page not in known:
            shown = page if isinstance(page, str) and len(page) <= 40 else type(page).__name__
            warnings.append(f"{where}: unknown page {shown!r}, scene skipped")
            continue
        params_in = s.get("params", {})
        if not isinstance(params_in, dict):
            raise LectureError(f"{where}: \"params\" must be a JSON object")
        if len(params_in) > MAX_PARAMS:
            raise LectureError(f"{where} has {len(params_in)} parameters (at most {MAX_PARAMS})")
        params = {}
        for k, v in params_in.items():
            if not _PARAM_NAME.match(k) or k not in known[page]:
                shown = k if len(k) <= 40 else k[:40] + "…"
                warnings.append(f"{where}: unknown parameter {shown!r} for page {page!r}, ignored")
                continue
            params[k] = _param_value(v, f"{where}: parameter {k!r}")
        scenes.append(Scene(page=page, params=params, title=_text(s.get("title", ""), f"{where}: the title", MAX_TITLE),
                            note=_text(s.get("note", ""), f"{where}: the note", MAX_NOTE)))
    return Lecture(title=title, scenes=scenes), warnings


def to_json(lecture: Lecture) -> str:
    """The lecture file (pretty, UTF-8 text: Chinese stays readable)."""
    return json.dumps(lecture.to_dict(), ensure_ascii=False, indent=1)


def from_json(text: str | bytes, known: Mapping[str, frozenset[str]]) -> tuple[Lecture, list[str]]:
    """Read a lecture file: size cap, UTF-8, JSON, then :func:`validate`."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise LectureError(f"the file is {len(text):,} bytes (a lecture file is at most {MAX_FILE_BYTES:,})")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LectureError(f"the file is not UTF-8 text (byte {exc.start})") from None
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise LectureError(f"the lecture is larger than {MAX_FILE_BYTES:,} bytes")
    try:
        data = json.loads(text, parse_constant=lambda c: _raise(f"{c} is not allowed in a lecture file"))
    except json.JSONDecodeError as exc:
        raise LectureError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise LectureError("not a lecture: nested too deeply") from None
    return validate(data, known)


def encode_link(lecture: Lecture) -> str:
    """Compact JSON -> zlib -> base64url (no padding): the value of the lecture page's ``?lc=``."""
    raw = json.dumps(lecture.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def decode_link(code: str, known: Mapping[str, frozenset[str]]) -> tuple[Lecture, list[str]]:
    """Inverse of :func:`encode_link`, with the same checks as a file (and a cap on the inflated size)."""
    if not isinstance(code, str) or len(code) > 4 * MAX_LINK_CODE:
        raise LectureError("the lecture link is too long")
    if not re.fullmatch(r"[A-Za-z0-9_-]*", code):
        raise LectureError("the lecture link contains characters that base64url does not use")
    try:
        packed = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))
        d = zlib.decompressobj()
        raw = d.decompress(packed, MAX_FILE_BYTES + 1)
    except (binascii.Error, zlib.error, ValueError):
        raise LectureError("the lecture link is damaged (not a compressed lecture)") from None
    if len(raw) > MAX_FILE_BYTES or d.unconsumed_tail:
        raise LectureError(f"the lecture in the link is larger than {MAX_FILE_BYTES:,} bytes")
    return from_json(raw, known)


def link_fits(code: str) -> bool:
    """Whether the encoded lecture is short enough for a shareable link."""
    return len(code) <= MAX_LINK_CODE


SCENE_PARAM = "lc_scene"
"""The URL parameter of a presented scene's page: its number in the lecture (1 = the first). Present mode
follows it, so the browser's Back and Forward, which reopen an earlier scene's URL, also move the presenter's
bar to that scene (:func:`rnnviz.streamlit_helpers.present_bar`). No page has a widget of this name."""


def scene_url(scene: Scene, lang_name: str, number: int | None = None) -> str:
    """``<page>?<params>`` of a scene, relative to the app's base path. The page is one of
    :data:`PAGE_PREFIX` and every value is percent-encoded (no quote, no ``<``); ``lang`` is
    ``lang_name`` unless the scene sets it; ``number`` (a presented scene's, 1-based) is added as
    :data:`SCENE_PARAM`."""
    from urllib.parse import quote, urlencode

    if scene.page not in PAGE_PREFIX and scene.page != "lecture":
        raise ValueError(f"unknown page {scene.page!r}")
    params = {k: v for k, v in scene.params.items() if k != SCENE_PARAM}
    params.setdefault("lang", lang_name)
    if number is not None:
        params[SCENE_PARAM] = str(int(number))
    return quote(scene.page) + "?" + urlencode(params, doseq=True)
