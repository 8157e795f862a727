"""Real browser: upload a good .pt (a two-layer nn.LSTM state_dict) in the vanishing lab through the
file input (set_input_files); the page names the model in use and draws its gradient profile, whose
values equal the engine's trace of the chosen (last) layer; "back" restores the lab's own models."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from rnnviz import byo
from rnnviz.labs import byo as byo_lab
from rnnviz.labs import vanishing as V
from tests.e2e.conftest import SHOTS, goto, no_errors, wait_for_rerun, wait_for_router

pytestmark = pytest.mark.e2e
T = 120  # seconds: the shared test machine is slow

DRAWN_Y = """() => {
  const gd = document.querySelector('.st-key-vg_fig_grad .js-plotly-plot');
  const tr = gd.data.find(d => d.name === 'LSTM');
  const y = tr.y;
  if (Array.isArray(y)) return y;
  const bin = atob(y.bdata), buf = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) buf[i] = bin.charCodeAt(i);
  return Array.from(new Float64Array(buf.buffer));
}"""


def test_upload_a_model_in_the_vanishing_lab(page, app_url, tmp_path):
    torch.manual_seed(0)
    path = tmp_path / "mine.pt"
    torch.save(torch.nn.LSTM(5, 16, num_layers=2).state_dict(), path)
    page.set_default_timeout(T * 1000)
    goto(page, f"{app_url}/vanishing?vg_T=30", T)
    wait_for_router(page, T)
    page.wait_for_selector(".js-plotly-plot", timeout=T * 1000)
    page.get_by_text("Your own model").first.click()
    page.locator('.st-key-vg_byo_file [data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.wait_for_selector(".st-key-vg_byo_back", timeout=T * 1000)
    page.wait_for_function("() => document.body.innerText.includes('Showing your model')", timeout=T * 1000)
    wait_for_rerun(page, T)
    assert "mine.pt" in page.inner_text("body")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "vanishing_byo_en.png"), timeout=T * 1000)
    drawn = np.array(page.evaluate(DRAWN_Y), dtype=float)
    up = byo.load_upload(path.read_bytes(), name="mine.pt")
    want = byo_lab.vanishing_run(up, 1, V.VanishingConfig(T=30)).cells["LSTM"].trace.grad_norm
    np.testing.assert_allclose(drawn, want, rtol=1e-12)
    assert no_errors(page) == []

    page.click(".st-key-vg_byo_back button")
    page.wait_for_function("() => !document.body.innerText.includes('Showing your model')", timeout=T * 1000)
    wait_for_rerun(page, T)
    names = page.evaluate("() => document.querySelector('.st-key-vg_fig_grad .js-plotly-plot').data.map(d => d.name)")
    assert "RNN" in names and "LSTM" not in json.dumps(names)
    assert no_errors(page) == []
