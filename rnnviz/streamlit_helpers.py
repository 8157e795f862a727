"""Streamlit helpers: language, translated labels, presets, safe error display.

This is the only module of ``rnnviz`` that imports Streamlit. ``import rnnviz`` does not
import it (``tests/unit/test_imports.py`` checks), so the compute modules work in a
notebook and are tested as plain Python.

Conventions for pages:

- every widget has ``key=<config field name>``, ``bind="query-params"`` and a ``help=``
  tooltip from the i18n catalog;
- a preset is a dict ``{widget key: value}`` applied by :func:`preset_buttons` through
  ``st.session_state`` before the widgets are drawn (bound widgets then update the URL);
- user-facing errors from the compute layer are ``ValueError`` with a readable message,
  shown by :func:`show_error`, never a traceback.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Mapping

import streamlit as st

from rnnviz.i18n import LANG_NAMES, LANGS, t

LANG_KEY = "lang"


def lang() -> str:
    """The current UI language code (``"en"`` or ``"zh"``).

    Before the sidebar switch has been drawn in a session (``app.py`` builds the navigation
    titles first), the language comes from the URL, which stores the switch's visible label
    (``?lang=中文``), so a shared Chinese link shows Chinese titles from the first run.
    """
    value = st.session_state.get(LANG_KEY)
    if value is None:
        label = st.query_params.get(LANG_KEY)
        value = {name: code for code, name in LANG_NAMES.items()}.get(label)
    return value if value in LANGS else LANGS[0]


def tr(key: str, **fmt: Any) -> str:
    """Translate ``key`` into the current language (see :func:`rnnviz.i18n.t`)."""
    return t(key, lang(), **fmt)


def language_selector() -> str:
    """Sidebar language switch, bound to ``?lang=`` so a shared URL keeps the language."""
    st.sidebar.selectbox(
        t("common.language", lang()),
        options=list(LANGS),
        format_func=lambda code: LANG_NAMES[code],
        key=LANG_KEY,
        bind="query-params",
        persist_state="session",
        help=t("common.language_help", lang()),
    )
    return lang()


def apply_preset(values: Mapping[str, Any]) -> None:
    """Callback: write a preset's widget values into session state (before widgets are drawn)."""
    for key, value in values.items():
        st.session_state[key] = value


def preset_buttons(presets: Mapping[str, tuple[str, str, Mapping[str, Any]]], *, where=None) -> None:
    """One button per preset: ``{name: (label_key, help_key, {widget key: value})}``.

    The buttons use ``on_click`` callbacks, which run before the script, so the widgets
    drawn afterwards already show the preset values (and their URL parameters follow).
    """
    where = where or st.sidebar
    where.markdown(f"**{tr('common.presets')}**")
    for name, (label_key, help_key, values) in presets.items():
        where.button(
            tr(label_key),
            key=f"preset_{name}",
            help=tr(help_key),
            on_click=apply_preset,
            args=(dict(values),),
            width="stretch",
        )


def chart(fig, **kwargs) -> None:
    """``st.plotly_chart`` with the app's own look: full width and ``theme=None``.

    Streamlit's default plotly theme overrides the figure's fonts and colours (grey 12 px tick
    labels, too small for a projector); ``theme=None`` keeps :data:`rnnviz.plots.style.TEMPLATE`.
    """
    kwargs.setdefault("width", "stretch")
    kwargs.setdefault("theme", None)
    st.plotly_chart(fig, **kwargs)


def show_error(exc: BaseException) -> None:
    """Show a user-facing error (a ``ValueError`` from the compute layer) as a red box."""
    st.error(f"{tr('common.error_prefix')}: {exc}", icon=":material/error:")


@contextmanager
def user_errors() -> Iterator[None]:
    """``with user_errors(): ...`` turns ``ValueError`` into :func:`show_error` and stops the page.

    Other exceptions are bugs and propagate (the tests must see them).
    """
    try:
        yield
    except ValueError as exc:
        show_error(exc)
        st.stop()


def explain(what_key: str, latex: list[str] | tuple[str, ...] = (), *, expanded: bool = True) -> None:
    """The "what you are seeing" paragraph and the equations of what is plotted.

    Pages that put it above their main figure pass ``expanded=False``, so the figure is on the
    first screen of a 1280x720 projector; the title of the expander stays visible.
    """
    with st.expander(tr("common.what_you_see"), expanded=expanded):
        st.markdown(tr(what_key))
    if latex:
        with st.expander(tr("common.equations"), expanded=False):
            for eq in latex:
                st.latex(eq)


def _leave_pages_directory_mode() -> None:
    """Make a bookmarked lab URL work on the first request after a server start.

    Streamlit treats an app with a ``pages/`` folder as a pages-directory ("MPA v1") app until
    some run calls ``st.navigation``. On a fresh server, a first request straight to
    ``/vanishing`` therefore ran ``pages/vanishing.py`` on its own: no router, no language
    switch, a sidebar listing file names. Every page imports this module during its first run,
    so here the flag is cleared and the run restarted, which then goes through ``app.py`` and
    lands on the requested page (its URL path, and so its page hash, is the same in both modes).
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if st.runtime.exists():
            st.rerun()


_leave_pages_directory_mode()
