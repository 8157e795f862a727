"""Write ``rnnviz/data/first_charts.json``: each lab's first chart at its default settings, in every language
(:mod:`rnnviz.first_charts`), then draw each stored chart's picture (``rnnviz/data/first_pictures/``, see
:data:`rnnviz.first_charts.PICTURES`). Run after changing a lab's default settings, its computation or the chart;
``tests/unit/test_first_charts.py`` fails until the stored figures equal what the code computes and every picture
shows the stored figure.

    python scripts/build_first_charts.py [--no-pictures | --pictures-only]

The pictures are drawn by the app itself: a fresh ``streamlit run app.py`` and Chromium (/usr/bin/chromium, or
``RNNVIZ_CHROMIUM``) at a 1280x720 window, device scale 1 (a projector), each page opened at its defaults in each
language; the picture is a screenshot of the plotted chart, so it is what the page draws at that window size.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rnnviz import first_charts  # noqa: E402

PLOTTED = """(key) => { const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
  return !!gd && !!gd._fullLayout && !!gd.querySelector('.main-svg'); }"""


def draw_pictures() -> dict:
    """Screenshot every stored chart, as its page plots it, into :data:`rnnviz.first_charts.PICTURES`; returns
    the manifest written to :data:`rnnviz.first_charts.PICTURES_FILE`."""
    from urllib.parse import quote

    from PIL import Image
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, FIRST_RUN_DONE, _free_port, renderer, start_server, stop_server

    store = json.loads(first_charts.FILE.read_text(encoding="utf-8"))
    first_charts.PICTURES.mkdir(parents=True, exist_ok=True)
    (ROOT / "screenshots").mkdir(exist_ok=True)  # (start_server's log)
    manifest: dict = {}
    widths: dict = {}
    port = _free_port()
    proc = start_server(port)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            drawn_by = renderer(browser)  # (tests/e2e: the pixels are compared only where it is the same)

            def load(chart: str, lang: str, height: int):
                """The chart's page in a new 1280 px wide window: (context, page, the chart's box)."""
                context = browser.new_context(viewport={"width": 1280, "height": height}, device_scale_factor=1)
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{port}{first_charts.PAGES[chart]}?lang={quote(lang)}", timeout=300_000)
                page.wait_for_function(FIRST_RUN_DONE, timeout=300_000, polling=100)
                page.wait_for_function(PLOTTED, arg=chart, timeout=300_000, polling=100)
                page.evaluate("() => document.fonts.ready")
                page.wait_for_timeout(1500)  # the live components mounted, their frame (the same) applied
                page.mouse.move(0, 0)  # no hover label, no mode bar
                page.add_style_tag(content="[class*='st-key-rv_place_']>:first-child{display:none !important}")  # (a
                # picture drawn before: what is drawn at the chart's place is then the chart alone)
                box = page.locator(f".st-key-{chart} .js-plotly-plot").first.bounding_box()
                if widths.setdefault(chart, box["width"]) != box["width"]:
                    raise RuntimeError(f"{chart}: {box['width']} px wide in a window {height} px high, else {widths[chart]}")
                return context, page, box

            for chart, by_lang in store["charts"].items():
                for lang in by_lang:
                    context, page, box = load(chart, lang, 720)
                    name, path = f"{chart}-{lang}.png", first_charts.PICTURES / f"{chart}-{lang}.png"
                    if box["y"] + box["height"] > 720:  # Chromium draws only what the window shows of the page's
                        # scrolled main area: the page again in a window tall enough (same width: checked)
                        context.close()
                        context, page, box = load(chart, lang, round(box["y"] + box["height"]) + 100)
                    page.locator(f".st-key-{chart} .js-plotly-plot").first.screenshot(path=str(path), animations="disabled")
                    # whole px (the column is a fraction of a px wide; the picture is drawn at 100% of it)
                    size = (round(box["width"]), round(box["height"]))
                    Image.open(path).crop((0, 0, *size)).save(path, optimize=True)
                    manifest.setdefault(chart, {})[lang] = {"file": name, "digest": first_charts.digest(chart, lang),
                                                           "width": size[0], "height": size[1]}
                    print(f"  {name}: {size[0]} x {size[1]} px (chart {box['width']:.1f} x {box['height']:.1f}), "
                          f"{path.stat().st_size:,} bytes")
                    context.close()
            browser.close()
    finally:
        stop_server(proc)
    first_charts.PICTURES_FILE.write_text(json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    first_charts.RENDERER_FILE.write_text(json.dumps(drawn_by, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    first_charts._read.cache_clear()
    return manifest


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-pictures", action="store_true", help="only the JSON store (no server, no browser)")
    ap.add_argument("--pictures-only", action="store_true", help="only the pictures of the stored figures")
    args = ap.parse_args()
    if not args.pictures_only:
        store = first_charts.write()
        for chart, by_lang in store["charts"].items():
            sizes = ", ".join(f"{lang} {len(json.dumps(e['figure'], ensure_ascii=False)):,} chars" for lang, e in by_lang.items())
            print(f"{chart}: {sizes}")
        shared = sum(len(json.dumps(v, ensure_ascii=False)) for v in store["blobs"].values())
        print(f"shared strings and lists: {len(store['blobs'])}, {shared:,} chars")
        print(f"written {first_charts.FILE.relative_to(ROOT)} ({first_charts.FILE.stat().st_size:,} bytes)")
    if not args.no_pictures:
        print("pictures (the app in Chromium at 1280x720):")
        draw_pictures()
        print(f"written {first_charts.PICTURES_FILE.relative_to(ROOT)}")
