"""rnnviz.live_js: the parts in rnnviz/assets/live/ are joined into one ES module, the one the component gets (and
the node tests import): every part is in it once, in the order of PARTS; it parses; its exports are the component
(default) and the functions the node tests call; no part imports anything (they are pieces of one module)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from rnnviz import live_js
from tests.unit.live_module import LIVE_JS


def test_every_part_is_joined_once_in_order():
    on_disk = {p.name for p in live_js.LIVE_DIR.glob("*.js")}
    assert sorted(live_js.PARTS) == sorted(on_disk), "a part not joined, or one joined that is not there"
    src = live_js.source()
    at = [src.index(f"// live/{name}: ") for name in live_js.PARTS]  # each part opens with its header
    assert at == sorted(at) and all(src.count(f"// live/{name}: ") == 1 for name in live_js.PARTS)
    for name in live_js.PARTS:
        text = (live_js.LIVE_DIR / name).read_text(encoding="utf-8")
        assert text.startswith(f"// live/{name}: "), f"{name}: no header comment saying what it holds"
        assert text.rstrip("\n") in src
        assert not re.search(r"^\s*import\s", text, re.M), f"{name} imports: the parts are pieces of one module"
    assert len(re.findall(r"^export default ", src, re.M)) == 1
    assert "export default " in (live_js.LIVE_DIR / live_js.PARTS[-1]).read_text(encoding="utf-8")


def test_the_node_tests_import_what_the_browser_gets():
    assert LIVE_JS.read_text(encoding="utf-8") == live_js.source()


def test_the_component_gets_the_joined_module(monkeypatch):
    import streamlit as st

    from rnnviz import streamlit_helpers as sh

    made = {}

    def component(name, js=None, css=None, **_):
        made.update(name=name, js=js)
        return lambda **kwargs: None

    monkeypatch.setattr(st.components.v2, "component", component)
    monkeypatch.setattr(sh, "_live_component", None)
    sh.live("k", "{}")
    assert made == {"name": "rnnviz_live", "js": live_js.source()}


@pytest.mark.skipif(shutil.which("node") is None, reason="node loads the module outside a browser")
def test_the_module_loads_with_its_exports():
    script = (f"const m = await import({json.dumps(LIVE_JS.as_uri())});\n"
              "process.stdout.write(JSON.stringify([Object.keys(m).sort(), typeof m.default,"
              " Object.keys(globalThis.__rnnvizLive || {}).sort()]));")
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    names, default, live = json.loads(out.stdout)
    assert names == sorted(["applyFrame", "coloredHtml", "coloredParts", "controlHtml", "default", "drawDirect", "fill",
                           "scaledParts"])
    assert default == "function" and live == ["updates", "value"]
