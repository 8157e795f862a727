"""Page: the start page. The curriculum as a list of links to the labs."""
from pathlib import Path

import streamlit as st

from rnnviz import streamlit_helpers as sh
from rnnviz import zoo

# (page file, title key, one-line blurb key); pages whose file is missing are skipped.
LABS = [
    ("app_pages/stepthrough.py", "stepthrough.nav_title", "home.blurb_stepthrough"),
    ("app_pages/vanishing.py", "vanishing.nav_title", "home.blurb_vanishing"),
    ("app_pages/gates.py", "gates.nav_title", "home.blurb_gates"),
    ("app_pages/hidden.py", "hidden.nav_title", "home.blurb_hidden"),
    ("app_pages/attention.py", "attention.nav_title", "home.blurb_attention"),
    ("app_pages/train_live.py", "train_live.nav_title", "home.blurb_train_live"),
    ("app_pages/lecture.py", "lecture.nav_title", "lecture.blurb"),
]

st.title("rnnviz")
st.markdown(sh.tr("home.intro"))
root = Path(__file__).resolve().parents[1]
for path, title_key, blurb_key in LABS:
    if not (root / path).exists():
        continue
    try:
        title = sh.tr(title_key)
    except KeyError:
        continue
    st.page_link(path, label=title, icon=":material/arrow_forward:")
    st.caption(sh.tr(blurb_key))

st.subheader(sh.tr("home.models_title"))
st.markdown(sh.tr("home.models_intro"))
# a Markdown table: no dataframe, so the start page pulls in neither pandas nor pyarrow on a first load
table = zoo.display_table(sh.lang())
cols = list(table)
as_code = {cols[-3], cols[-1]}  # the script and the file name
lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
for row in zip(*table.values()):
    lines.append("| " + " | ".join(f"`{v}`" if c in as_code else str(v) for c, v in zip(cols, row)) + " |")
st.markdown("\n".join(lines))
