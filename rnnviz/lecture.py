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

from rnnviz.i18n import t

__all__ = ["Scene", "Lecture", "LectureError", "Msg", "validate", "to_json", "from_json", "encode_link", "decode_link",
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
# a parameter a page reads from the URL itself (e.g. the step-through step chosen in the browser): through
# st.query_params or rnnviz.streamlit_helpers.url_int
_QUERY_RE = re.compile(r"""(?:query_params\.get|url_int)\(\s*["']([A-Za-z][A-Za-z0-9_]*)["']""")
_PARAM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


class Msg(str):
    """A message of this module: its English text (it is a ``str``), with the i18n key (``lecture.err_*``,
    ``lecture.warn_*``) and fields to say it in another language, :meth:`text`. A field may itself be a
    :class:`Msg` (what a message is about, ``lecture.what_*``)."""

    def __new__(cls, key: str, **fmt):
        self = super().__new__(cls, _say(key, "en", fmt))
        self.key, self.fmt = key, fmt
        return self

    def text(self, lang: str = "en") -> str:
        return _say(self.key, lang, self.fmt)


def _say(key: str, lang: str, fmt: dict) -> str:
    return t(key, lang, **{k: v.text(lang) if isinstance(v, Msg) else v for k, v in fmt.items()})


class LectureError(ValueError):
    """A lecture file or link that cannot be read; the message (a :class:`Msg`, ``.msg``) names the problem."""

    def __init__(self, key: str, **fmt):
        self.msg = Msg(key, **fmt)
        super().__init__(self.msg)


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
    (``key="vg_radius"``, ``query_params.get("gt_color_by")``, ``sh.url_int("st_t")``), plus the app-wide
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


def _kind(value) -> Msg:
    """What a JSON value is, in words: a number, a list, ..."""
    kind = ("bool" if isinstance(value, bool) else "null" if value is None else "number" if isinstance(value, (int, float))
            else "list" if isinstance(value, list) else "object" if isinstance(value, dict) else "text")
    return Msg(f"lecture.type_{kind}")


def _text(value, what: Msg, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise LectureError("lecture.err_not_text", what=what, type=_kind(value))
    if len(value) > limit:
        raise LectureError("lecture.err_too_long", what=what, n=len(value), limit=limit)
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise LectureError("lecture.err_control", what=what)
    return value


def _param_value(value, what: Msg):
    if isinstance(value, bool) or value is None:
        raise LectureError("lecture.err_not_texts", what=what, value=json.dumps(value))
    if isinstance(value, (int, float)):
        value = repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, list):
        if len(value) > MAX_LIST:
            raise LectureError("lecture.err_too_many_values", what=what, n=len(value), limit=MAX_LIST)
        out = []
        for i, v in enumerate(value):
            if isinstance(v, (list, dict)):
                raise LectureError("lecture.err_nested", what=what)
            out.append(_param_value(v, Msg("lecture.what_item", what=what, i=i)))
        return out
    if not isinstance(value, str):
        raise LectureError("lecture.err_not_texts", what=what, value=_kind(value))
    return _text(value, what, MAX_VALUE)


def _raise(key: str, **fmt):
    raise LectureError(key, **fmt)


def validate(data: Any, known: Mapping[str, frozenset[str]]) -> tuple[Lecture, list[str]]:
    """Check a parsed lecture (``dict``) against the known pages and their parameters.

    Returns ``(lecture, warnings)``: scenes of unknown pages and unknown parameters are dropped,
    each with a warning naming it. Raises :class:`LectureError` for anything malformed (wrong
    format marker, wrong types, too many scenes, too long texts, control characters).
    """
    if not isinstance(data, dict):
        raise LectureError("lecture.err_not_object", type=_kind(data))
    if data.get("format") != FORMAT:
        raise LectureError("lecture.err_format", format=FORMAT)
    if data.get("version") != VERSION:
        raise LectureError("lecture.err_version", version=json.dumps(data.get("version")), supported=VERSION)
    extra = sorted(set(data) - {"format", "version", "title", "scenes"})
    warnings = [Msg("lecture.warn_unknown_field", field=repr(k)) for k in extra[:10]]
    title = _text(data.get("title", ""), Msg("lecture.what_title"), MAX_TITLE)
    scenes_in = data.get("scenes")
    if not isinstance(scenes_in, list):
        raise LectureError("lecture.err_scenes_list")
    if len(scenes_in) > MAX_SCENES:
        raise LectureError("lecture.err_too_many_scenes", n=len(scenes_in), limit=MAX_SCENES)
    scenes = []
    for n, s in enumerate(scenes_in, start=1):
        where = Msg("lecture.what_scene", n=n)
        if not isinstance(s, dict):
            raise LectureError("lecture.err_scene_object", what=where)
        page = s.get("page")
        if not isinstance(page, str) or page not in known:
            shown = page if isinstance(page, str) and len(page) <= 40 else type(page).__name__
            warnings.append(Msg("lecture.warn_unknown_page", what=where, page=repr(shown)))
            continue
        params_in = s.get("params", {})
        if not isinstance(params_in, dict):
            raise LectureError("lecture.err_params_object", what=where)
        if len(params_in) > MAX_PARAMS:
            raise LectureError("lecture.err_too_many_params", what=where, n=len(params_in), limit=MAX_PARAMS)
        params = {}
        for k, v in params_in.items():
            if not _PARAM_NAME.match(k) or k not in known[page]:
                shown = k if len(k) <= 40 else k[:40] + "…"
                warnings.append(Msg("lecture.warn_unknown_param", what=where, param=repr(shown), page=repr(page)))
                continue
            params[k] = _param_value(v, Msg("lecture.what_param", n=n, param=repr(k)))
        scenes.append(Scene(page=page, params=params,
                            title=_text(s.get("title", ""), Msg("lecture.what_scene_title", n=n), MAX_TITLE),
                            note=_text(s.get("note", ""), Msg("lecture.what_scene_note", n=n), MAX_NOTE)))
    return Lecture(title=title, scenes=scenes), warnings


def to_json(lecture: Lecture) -> str:
    """The lecture file (pretty, UTF-8 text: Chinese stays readable)."""
    return json.dumps(lecture.to_dict(), ensure_ascii=False, indent=1)


def from_json(text: str | bytes, known: Mapping[str, frozenset[str]]) -> tuple[Lecture, list[str]]:
    """Read a lecture file: size cap, UTF-8, JSON, then :func:`validate`."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise LectureError("lecture.err_file_size", n=f"{len(text):,}", limit=f"{MAX_FILE_BYTES:,}")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LectureError("lecture.err_not_utf8", at=exc.start) from None
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise LectureError("lecture.err_text_size", limit=f"{MAX_FILE_BYTES:,}")
    try:
        data = json.loads(text, parse_constant=lambda c: _raise("lecture.err_constant", c=c))
    except json.JSONDecodeError as exc:
        raise LectureError("lecture.err_json", line=exc.lineno, col=exc.colno) from None
    except RecursionError:
        raise LectureError("lecture.err_too_deep") from None
    return validate(data, known)


def encode_link(lecture: Lecture) -> str:
    """Compact JSON -> zlib -> base64url (no padding): the value of the lecture page's ``?lc=``."""
    raw = json.dumps(lecture.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def decode_link(code: str, known: Mapping[str, frozenset[str]]) -> tuple[Lecture, list[str]]:
    """Inverse of :func:`encode_link`, with the same checks as a file (and a cap on the inflated size)."""
    if not isinstance(code, str) or len(code) > 4 * MAX_LINK_CODE:
        raise LectureError("lecture.err_link_long")
    if not re.fullmatch(r"[A-Za-z0-9_-]*", code):
        raise LectureError("lecture.err_link_chars")
    try:
        packed = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))
        d = zlib.decompressobj()
        raw = d.decompress(packed, MAX_FILE_BYTES + 1)
    except (binascii.Error, zlib.error, ValueError):
        raise LectureError("lecture.err_link_damaged") from None
    if len(raw) > MAX_FILE_BYTES or d.unconsumed_tail:
        raise LectureError("lecture.err_link_size", limit=f"{MAX_FILE_BYTES:,}")
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
