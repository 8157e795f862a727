"""Real browser: build a lecture, present it with the keys a clicker sends (PageDown/PageUp, arrows),
save it and load it back, in English and Chinese (screenshots of present mode at 1280x720); and a
CSV download holds exactly the numbers the chart draws."""
from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from tests.e2e.conftest import SHOTS, goto, no_errors, wait_for_rerun, wait_for_router

pytestmark = pytest.mark.e2e
T = 120  # seconds: the shared test machine is slow


def screenshot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), timeout=T * 1000)


def wait_scene(page, label: str) -> None:
    """Wait until the presenter's bar says ``label`` and the run that drew it is over. The bar names the scene of
    the URL the page was run with, so the label comes only from the new page's run, and the app's run state
    (``data-test-script-state``, "running" from before that run's first element) says when it has ended. A fixed
    pause instead let a Back go before the new page's run had begun, and Streamlit then pushed that page's
    name over the URL the Back had opened."""
    page.wait_for_function(f"""() => document.body.innerText.includes({json.dumps(label)})
        && document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-stale="true"]')""", timeout=T * 1000)


@pytest.mark.parametrize("lang,scene_of", [("en", "Scene {i} of 11"), ("zh", "第 {i} / 11 个场景")])
def test_build_present_with_clicker_keys_save_and_reload(page, app_url, lang, scene_of):
    page.set_default_timeout(T * 1000)
    q = "" if lang == "en" else "?lang=中文"
    goto(page, f"{app_url}/lecture{q}", T)
    wait_for_router(page, T)
    page.click(".st-key-lc_default button")
    wait_for_rerun(page, T)
    with page.expect_download() as dl:
        page.click(".st-key-lc_save button")
    saved = json.loads(open(dl.value.path(), encoding="utf-8").read())
    assert saved["format"] == "rnnviz-lecture" and len(saved["scenes"]) == 11

    page.click(".st-key-lc_present button")
    wait_scene(page, scene_of.format(i=1))
    assert "/stepthrough" in page.url
    assert not page.locator('[data-testid="stSidebar"]').is_visible()  # present mode hides the sidebar
    screenshot(page, f"lecture_present_{lang}")
    page.keyboard.press("PageDown")
    wait_scene(page, scene_of.format(i=2))
    assert "st_tab=" in page.url  # the scalar tab is in the URL and open
    page.keyboard.press("ArrowRight")
    wait_scene(page, scene_of.format(i=3))
    page.keyboard.press("ArrowRight")
    wait_scene(page, scene_of.format(i=4))
    assert "/vanishing" in page.url
    screenshot(page, f"lecture_present_vanishing_{lang}")
    page.keyboard.press("PageUp")
    wait_scene(page, scene_of.format(i=3))
    # the bar's buttons open their scene's URL in the browser when the page is at rest (no run of the old page
    # first); a press during a run goes the server's way, so not every press need have gone this way
    assert page.evaluate("window.__rnnvizScenesOpened || 0") >= 1
    # the browser's Back reopens scene 4's URL and the bar follows it (it kept "scene 3" over scene 4's page);
    # Forward, scene 3 again
    page.go_back()
    wait_scene(page, scene_of.format(i=4))
    assert "/vanishing" in page.url and "lc_scene=4" in page.url
    page.go_forward()
    wait_scene(page, scene_of.format(i=3))
    assert "/stepthrough" in page.url and "lc_scene=3" in page.url
    page.click(".st-key-lc_exit button")
    page.wait_for_selector(".st-key-lc_default", timeout=T * 1000)
    wait_for_rerun(page, T)
    assert "/lecture" in page.url
    assert no_errors(page) == []

    # load the saved file back in a new browser session
    page2 = page.context.browser.new_page(viewport={"width": 1280, "height": 720})
    page2.set_default_timeout(T * 1000)
    goto(page2, f"{app_url}/lecture{q}", T)
    wait_for_router(page2, T)
    page2.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(dl.value.path())
    page2.wait_for_selector(".st-key-lc_t_1_10", timeout=T * 1000)
    wait_for_rerun(page2, T)
    assert page2.locator(".st-key-lc_t_1_0 input").input_value() == saved["scenes"][0]["title"]
    assert no_errors(page2) == []
    page2.close()


DROPZONE_WORDS = """() => [...document.querySelectorAll('.st-key-lc_upload [data-testid=stFileUploaderDropzone] button p,'
  + '.st-key-lc_upload [data-testid=stFileUploaderDropzoneInstructions] span')].map((e) => {
    const after = getComputedStyle(e, '::after').content;
    return after && after !== 'none' && getComputedStyle(e).fontSize === '0px' ? JSON.parse(after) : e.textContent; })"""


def test_the_lecture_uploader_speaks_chinese(page, app_url):
    """The file uploader's own words (Streamlit's "Upload", "1MB per file", English only) are shown in Chinese."""
    goto(page, f"{app_url}/lecture?lang=中文", T)
    wait_for_router(page, T)
    page.wait_for_function(f"() => {{ const w = ({DROPZONE_WORDS})(); return w.length === 2 && w[0] === '上传'; }}",
                           timeout=T * 1000)
    assert page.evaluate(DROPZONE_WORDS) == ["上传", "每个文件最大 1 MB"]
    screenshot(page, "lecture_uploader_zh")
    goto(page, f"{app_url}/lecture", T)
    wait_for_router(page, T)
    assert page.evaluate(DROPZONE_WORDS) == ["Upload", "1MB per file"]


def test_csv_download_equals_the_drawn_chart(page, app_url):
    page.set_default_timeout(T * 1000)
    goto(page, f"{app_url}/vanishing?vg_T=30", T)
    wait_for_router(page, T)
    page.wait_for_selector(".js-plotly-plot", timeout=T * 1000)
    drawn = page.evaluate("""() => {
      const gd = document.querySelector('.js-plotly-plot');
      const y = gd.data[0].y;
      if (Array.isArray(y)) return y;
      const bin = atob(y.bdata), buf = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) buf[i] = bin.charCodeAt(i);
      return Array.from(new Float64Array(buf.buffer));
    }""")
    page.get_by_text("Download the numbers behind the chart").first.click()
    with page.expect_download() as dl:
        # one key, one visible button: Streamlit 1.67 also puts a hidden copy (parent display:none) of a
        # download button that has a help tooltip into the element, so the locator takes the visible one
        page.locator('[class*="st-key-vg_dl_0_csv"] button:visible').click()
    rows = list(csv.reader(io.StringIO(open(dl.value.path(), encoding="utf-8").read())))
    col = rows[0].index("RNN.grad_norm")
    got = np.array([float(r[col]) for r in rows[1:]])
    assert len(got) == 30
    assert np.array_equal(got, np.array(drawn, dtype=float))
    assert dl.value.suggested_filename == "rnnviz-vanishing.csv"
