"""Build the Chinese web font subset served with the app: ``static/fonts/rnnviz-cjk-*.woff2``.

Without a CJK font on the machine, a browser draws every Chinese string as boxes. The app ships
a subset of Noto Sans CJK SC (SIL Open Font License 1.1, Debian package ``fonts-noto-cjk``)
holding only printable ASCII and the characters the app's Chinese text uses (every non-ASCII
character in the Python sources of ``rnnviz/``, ``app_pages/`` and ``app.py``: the i18n catalogs, the
language names). ``.streamlit/config.toml`` declares it as ``[[theme.fontFaces]]`` and Streamlit
serves it from ``static/`` (``server.enableStaticServing``): no request leaves the app's server.
``tests/unit/test_cjk_font.py`` fails when a string uses a character the subset lacks; then run

    apt-get install fonts-noto-cjk            # the source font (OFL), build time only
    pip install fonttools==4.68.0 brotli==1.2.1   # pyftsubset + woff2 (in requirements-test.txt)
    python3 scripts/build_cjk_font.py

Regular (400) and Bold (700) are built; headings and bold labels use the bold file.
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "static" / "fonts"
SOURCES = {  # weight -> Debian fonts-noto-cjk file (a TrueType collection: JP, KR, SC, TC, HK faces)
    "regular": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    "bold": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
}
FAMILY = "Noto Sans CJK SC"


def app_text_files(root: Path = ROOT) -> list[Path]:
    """The files whose characters the subset must cover."""
    files = [root / "app.py", *sorted((root / "app_pages").glob("*.py")), *sorted((root / "rnnviz").rglob("*.py"))]
    return [f for f in files if f.is_file()]


def needed_chars(root: Path = ROOT) -> str:
    """Every character the app may show in Chinese: printable ASCII plus each non-ASCII character
    in the app's Python sources that sits in a CJK block (ideographs, CJK punctuation, full-width
    forms). Other non-ASCII symbols (math, arrows, dashes) come from the Latin font."""
    chars = {chr(c) for c in range(0x20, 0x7F)}
    for f in app_text_files(root):
        chars.update(ch for ch in f.read_text(encoding="utf-8") if is_cjk(ch))
    return "".join(sorted(chars))


_CJK = re.compile("[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3200-\u4dbf\u4e00-\u9fff"
                  "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")


def is_cjk(ch: str) -> bool:
    """True for characters of the CJK blocks (U+2E80-U+9FFF, compatibility ideographs, CJK
    compatibility forms, half/full-width forms), i.e. those a Latin font does not have."""
    return bool(_CJK.fullmatch(ch))


def _font_number(ttc: Path, family: str) -> int:
    from fontTools.ttLib import TTCollection

    for i, font in enumerate(TTCollection(str(ttc)).fonts):
        if font["name"].getDebugName(1) == family or font["name"].getDebugName(16) == family:
            return i
    raise SystemExit(f"{family!r} not found in {ttc}")


def build(out: Path = OUT) -> list[Path]:
    from fontTools import subset

    text = needed_chars()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for weight, src in SOURCES.items():
        if not src.exists():
            raise SystemExit(f"{src} missing: apt-get install fonts-noto-cjk")
        dest = out / f"rnnviz-cjk-sc-{weight}.woff2"
        args = [str(src), f"--font-number={_font_number(src, FAMILY)}", f"--text={text}",
                f"--output-file={dest}", "--flavor=woff2", "--layout-features=*", "--no-hinting",
                "--desubroutinize", "--name-IDs=*", "--name-legacy", "--name-languages=*"]
        subset.main(args)
        written.append(dest)
        print(f"{dest.relative_to(ROOT)}: {dest.stat().st_size / 1024:.0f} KiB, {len(text)} characters")
    return written


if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    build()
