"""Write ``rnnviz/data/first_charts.json``: each lab's first chart at its default settings, in every language
(:mod:`rnnviz.first_charts`). Run after changing a lab's default settings, its computation or the chart;
``tests/unit/test_first_charts.py`` fails until the stored figures equal what the code computes.

    python scripts/build_first_charts.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rnnviz import first_charts  # noqa: E402

if __name__ == "__main__":
    store = first_charts.write()
    for chart, by_lang in store["charts"].items():
        sizes = ", ".join(f"{lang} {len(json.dumps(e['figure'], ensure_ascii=False)):,} chars" for lang, e in by_lang.items())
        print(f"{chart}: {sizes}")
    shared = sum(len(json.dumps(v, ensure_ascii=False)) for v in store["blobs"].values())
    print(f"shared strings and lists: {len(store['blobs'])}, {shared:,} chars")
    print(f"written {first_charts.FILE.relative_to(ROOT)} ({first_charts.FILE.stat().st_size:,} bytes)")
