"""Page: build a lecture (scenes), save/load it, share it as a link, and start present mode.

All lecture logic (scenes, validation, JSON, link) is rnnviz.lecture; present mode itself is
rnnviz.streamlit_helpers.present_bar, drawn by app.py above whichever page a scene opens.
"""
import streamlit as st

from rnnviz import lecture as L
from rnnviz import streamlit_helpers as sh
from rnnviz.lecture_default import default_lecture
from rnnviz.text import quote

tr = sh.tr
GEN = "lc_gen"  # bumped when scenes move: the per-scene widgets get fresh keys
known = sh.known_params()


def _replace(lec: L.Lecture) -> None:
    st.session_state[sh.LECTURE_KEY] = lec
    st.session_state[GEN] = st.session_state.get(GEN, 0) + 1


def _load(read, source, done: str = "lecture.loaded") -> bool:
    """Replace the lecture with one read by ``read(source)``; report errors and skipped parts. Returns
    whether it was read. The messages (rnnviz.lecture.Msg) are in the page's language; they quote what the file
    or link holds (a version, a page name), shown as the characters it is (rnnviz.text.quote), never as a link,
    an image or formatting."""
    try:
        lec, warnings = read(source, known)
    except L.LectureError as exc:
        st.error(tr("lecture.load_error", msg=quote(exc.msg.text(sh.lang()), limit=600)), icon=":material/error:")
        return False
    _replace(lec)
    st.success(tr(done, n=len(lec.scenes)))
    for w in warnings[:20]:
        st.warning(tr("lecture.load_warning", msg=quote(w.text(sh.lang()) if isinstance(w, L.Msg) else w, limit=300)))
    return True


def _move(i: int, d: int) -> None:
    sc = sh.current_lecture().scenes
    if 0 <= i + d < len(sc):
        sc[i], sc[i + d] = sc[i + d], sc[i]
        st.session_state[GEN] = st.session_state.get(GEN, 0) + 1


def _delete(i: int) -> None:
    del sh.current_lecture().scenes[i]
    st.session_state[GEN] = st.session_state.get(GEN, 0) + 1


def _edit(i: int, field: str, key: str) -> None:
    setattr(sh.current_lecture().scenes[i], field, st.session_state[key])


def _edit_title(key: str) -> None:
    sh.current_lecture().title = st.session_state[key]


sh.page_title("lecture.title")
st.markdown(tr("lecture.intro"))
sh.clicker_script()

code = st.query_params.get("lc")
if code and st.session_state.get("lc_link_done") != code:
    st.session_state["lc_link_done"] = code
    if not _load(L.decode_link, code, "lecture.from_link"):
        del st.query_params["lc"]  # said once; a reload or a shared copy of the address no longer carries it
elif code == "":
    del st.query_params["lc"]

lec = sh.current_lecture()
gen = st.session_state.get(GEN, 0)

c1, c2, c3 = st.columns(3)
c1.button(tr("lecture.present"), key="lc_present", type="primary", help=tr("lecture.present_help"),
          disabled=not lec.scenes, icon=":material/slideshow:", width="stretch", on_click=sh.request_scene, args=(0,))
if c2.button(tr("lecture.default"), key="lc_default", help=tr("lecture.default_help"), icon=":material/school:",
             width="stretch"):
    _replace(default_lecture(sh.lang()))
    st.rerun()
c3.download_button(tr("lecture.save"), L.to_json(lec), file_name="rnnviz-lecture.json", mime="application/json",
                   key="lc_save", help=tr("lecture.save_help"), on_click="ignore", icon=":material/download:",
                   width="stretch", disabled=not lec.scenes)

# no type=["json"]: Streamlit's browser side refuses a file by its name's extension with a bare "files are
# not allowed" (a saved lecture kept without its ".json" was refused so); rnnviz.lecture.from_json checks the
# content and names the problem
up = st.file_uploader(tr("lecture.load"), key="lc_upload", help=tr("lecture.load_help"),
                      max_upload_size=1)
sh.uploader_words("lc_upload", 1)
if up is not None and st.session_state.get("lc_upload_done") != up.file_id:
    st.session_state["lc_upload_done"] = up.file_id
    _load(L.from_json, up.getvalue())
    lec, gen = sh.current_lecture(), st.session_state.get(GEN, 0)

st.text_input(tr("lecture.lecture_title"), lec.title, max_chars=L.MAX_TITLE, key=f"lc_title_{gen}",
              on_change=_edit_title, args=(f"lc_title_{gen}",), help=tr("lecture.lecture_title_help"))
if not lec.scenes:
    st.info(tr("lecture.empty"), icon=":material/info:")
for i, scene in enumerate(lec.scenes):
    with st.container(border=True):
        a, b = st.columns([3, 2])
        k = f"lc_t_{gen}_{i}"
        a.text_input(tr("lecture.scene_title", n=i + 1), scene.title, max_chars=L.MAX_TITLE, key=k,
                     on_change=_edit, args=(i, "title", k), help=tr("lecture.scene_title_help"))
        b.caption(tr("lecture.scene_page", page=scene.page, n=len(scene.params)))
        b1, b2, b3, b4 = b.columns(4)
        b1.button(tr("lecture.open"), key=f"lc_open_{gen}_{i}", help=tr("lecture.open_help"), width="stretch",
                  on_click=sh.request_scene, args=(i,))
        b2.button(tr("lecture.up"), key=f"lc_up_{gen}_{i}", help=tr("lecture.up_help"), disabled=i == 0,
                  on_click=_move, args=(i, -1), width="stretch")
        b3.button(tr("lecture.down"), key=f"lc_down_{gen}_{i}", help=tr("lecture.down_help"),
                  disabled=i == len(lec.scenes) - 1, on_click=_move, args=(i, 1), width="stretch")
        b4.button(tr("lecture.delete"), key=f"lc_del_{gen}_{i}", help=tr("lecture.delete_help"), on_click=_delete,
                  args=(i,), width="stretch")
        k = f"lc_n_{gen}_{i}"
        st.text_area(tr("lecture.scene_note", n=i + 1), scene.note, max_chars=L.MAX_NOTE, key=k, height=68,
                     on_change=_edit, args=(i, "note", k), help=tr("lecture.scene_note_help"))

if lec.scenes:
    st.subheader(tr("lecture.share"))
    link = L.encode_link(lec)
    if L.link_fits(link):
        base = (st.context.url or "").rstrip("/")
        base = base[: base.rfind("/")] if base.endswith("/lecture") else base
        st.code(f"{base}/lecture?lc={link}", language=None, wrap_lines=True)
        st.caption(tr("lecture.share_note", n=len(link)))
    else:
        st.info(tr("lecture.share_too_long", n=len(link), max=L.MAX_LINK_CODE))
