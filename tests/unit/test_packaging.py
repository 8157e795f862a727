"""The installed package: ``pip install .`` ships every data file, and ``import rnnviz`` works from
any directory, README's "Use from Python" example included.

``scripts/test.sh`` (the README's test command, also what CI runs) installs rnnviz into a fresh
virtual environment with ``pip install .`` and sets ``RNNVIZ_TEST_INSTALLED=1``; there these tests
must pass. A plain ``pytest`` in a development checkout has no installed copy: they skip.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(os.environ.get("RNNVIZ_TEST_INSTALLED") != "1",
                                reason="rnnviz not installed by scripts/test.sh (pip install .)")


def _run_elsewhere(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """Run ``code`` with a working directory outside the checkout and without it on sys.path."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([sys.executable, "-I", "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)


def test_installed_package_has_every_shipped_file(tmp_path):
    out = _run_elsewhere("import json, rnnviz, pathlib\n"
                         "root = pathlib.Path(rnnviz.__file__).parent\n"
                         "print(json.dumps([str(root), sorted(str(p.relative_to(root)) for p in root.rglob('*')"
                         " if p.is_file() and '__pycache__' not in p.parts)]))", tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    where, installed = json.loads(out.stdout.strip().splitlines()[-1])
    # the installed copy (site-packages, maybe of .venv inside the checkout), not the source folder
    assert Path(where).resolve() != (ROOT / "rnnviz").resolve() and "site-packages" in Path(where).parts, \
        f"imported the checkout, not the installed copy: {where}"
    shipped = sorted(str(p.relative_to(ROOT / "rnnviz")) for p in (ROOT / "rnnviz").rglob("*")
                     if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    missing = sorted(set(shipped) - set(installed))
    assert not missing, f"not in the installed package (pyproject.toml package-data): {missing}"


def test_installed_package_loads_its_data(tmp_path):
    code = (
        "import rnnviz, rnnviz.gates, rnnviz.data\n"
        "from rnnviz.i18n import CATALOG, t\n"
        "assert len(CATALOG) > 50 and t('common.language', 'zh') == '语言'\n"
        "m = rnnviz.gates.load('recall', 'LSTM')\n"
        "assert sum(p.numel() for p in m.parameters()) > 0\n"
        "assert len(rnnviz.data.load_sonnets()) > 50_000\n"
        "import sys; assert 'streamlit' not in sys.modules\n"
        "print('ok')\n"
    )
    out = _run_elsewhere(code, tmp_path)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-3000:]


def test_readme_python_example_runs_from_another_directory(tmp_path):
    """Every ```python block of README's "Use from Python" section, then the sentence after it
    (``rnnviz.labs.vanishing.run(VanishingConfig(...))`` after a plain ``import rnnviz``)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Use from Python", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert blocks, "README has no python example under 'Use from Python'"
    code = "\n".join(blocks)
    inline = re.findall(r"`(rnnviz\.labs\.[^`]+)`", section)
    for expr in inline:   # e.g. rnnviz.labs.vanishing.run(VanishingConfig(radius=1.5))
        cls = re.findall(r"\b([A-Z]\w*Config)\b", expr)
        mod = expr.split(".run(")[0]
        imports = "".join(f"{c} = {mod}.{c}\n" for c in cls)
        code += f"\n{imports}result = {expr}\nassert result is not None\n"
    out = _run_elsewhere(code + "\nprint('ok')\n", tmp_path)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-3000:]
