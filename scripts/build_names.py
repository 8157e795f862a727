"""Build ``rnnviz/data/names.tsv`` (surname -> language) from the MIT-licensed Faker package.

Faker is needed only to run this script, never at run time or in the tests::

    pip install --target /tmp/fakerpkg faker==40.54.0
    PYTHONPATH=/tmp/fakerpkg python scripts/build_names.py

What it does, deterministically (no randomness except a fixed-seed cap per language):

1. For each language below, collect the surname lists of the listed Faker locales
   (``faker.providers.person.<locale>.Provider.<field>``; a dict field contributes its keys).
2. Romanise: Cyrillic and Greek are transliterated with the small tables below; Chinese and
   Japanese use Faker's own romanised lists. Then fold to ASCII the way the classic char-RNN
   tutorial does (Unicode NFKD, drop combining marks; a few letters that NFKD does not
   decompose are mapped by hand: l-stroke -> l, o-slash -> o, sharp s -> ss, ...).
3. Keep names made only of ``A-Z a-z``, apostrophe, hyphen and space (2 to 20 characters),
   Title-case all-capital entries, drop duplicates inside a language, and **drop names that
   occur in two or more languages** (an ambiguous label cannot be learned and would make the
   accuracy look worse than the model is).
4. Cap every language at ``CAP`` names (random subset with ``random.Random(SEED)``), so one
   large list does not swamp the others, and write ``name<TAB>language`` lines sorted by
   language then name, with a header line ``name<TAB>language``.
"""
from __future__ import annotations

import random
import sys
import unicodedata
from importlib import import_module
from pathlib import Path

FAKER_VERSION = "40.54.0"
CAP = 1200
SEED = 0
OUT = Path(__file__).resolve().parents[1] / "rnnviz" / "data" / "names.tsv"

# language -> list of (locale, field). Fields holding native script are transliterated.
SOURCES: dict[str, list[tuple[str, str]]] = {
    "Chinese": [("zh_CN", "last_romanized_names"), ("zh_TW", "last_romanized_names")],
    "Croatian": [("hr_HR", "last_names")],
    "Czech": [("cs_CZ", "last_names_male"), ("cs_CZ", "last_names_female")],
    "Dutch": [("nl_NL", "last_names"), ("nl_BE", "last_names")],
    "English": [("en_US", "last_names"), ("en_GB", "last_names"), ("en", "last_names"), ("en_NZ", "last_names")],
    "Finnish": [("fi_FI", "last_names")],
    "French": [("fr_FR", "last_names"), ("fr_CA", "last_names"), ("fr_CH", "last_names")],
    "German": [("de_DE", "last_names"), ("de_AT", "last_names"), ("de_CH", "last_names")],
    "Greek": [("el_GR", "last_names_male"), ("el_GR", "last_names_female")],
    "Hungarian": [("hu_HU", "last_names")],
    "Irish": [("ga_IE", "last_names")],
    "Italian": [("it_IT", "last_names")],
    "Japanese": [("ja_JP", "last_romanized_names")],
    "Polish": [("pl_PL", "male_last_names"), ("pl_PL", "unisex_last_names")],
    "Portuguese": [("pt_BR", "last_names"), ("pt_PT", "last_names")],
    "Russian": [("ru_RU", "last_names_male"), ("ru_RU", "last_names_female")],
    "Slovak": [("sk_SK", "last_names_male"), ("sk_SK", "last_names_female")],
    "Spanish": [("es_ES", "last_names"), ("es_MX", "last_names"), ("es_CO", "last_names"), ("es_CL", "last_names")],
    "Swedish": [("sv_SE", "last_names")],
    "Ukrainian": [("uk_UA", "last_names")],
}

# Cyrillic (Russian + Ukrainian letters) -> Latin, a simple BGN/PCGN-like scheme.
CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    # Ukrainian
    "є": "ye", "і": "i", "ї": "yi", "ґ": "g", "'": "", "’": "", "ʼ": "",
}
GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}
# Letters that NFKD does not decompose into base + combining mark.
EXTRA = {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ß": "ss", "đ": "d",
         "Đ": "D", "ı": "i", "þ": "th", "ð": "d", "œ": "oe", "Œ": "Oe", "’": "'"}

ALLOWED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz' -")


# Greek digraphs: "ου" -> "ou" (Papadopoulos), "γγ" -> "ng" (Angelopoulos).


def _translit(name: str, table: dict[str, str]) -> str:
    # Strip accents first (Greek tonos), then map letter by letter, keeping capitals.
    base = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    if table is GREEK:
        base = base.replace("ου", "ο\x00").replace("ΟΥ", "Ο\x00").replace("Ου", "Ο\x00").replace("γγ", "\x01γ")
    out = []
    for ch in base:
        low = ch.lower()
        if ch == "\x00":
            out.append("u")
        elif ch == "\x01":
            out.append("N" if not out else "n")
        elif low in table:
            rep = table[low]
            out.append(rep.capitalize() if ch != low else rep)
        else:
            out.append(ch)
    return "".join(out)


def to_ascii(name: str) -> str:
    """Fold a Latin-script name to ASCII (NFKD, drop combining marks, map a few letters)."""
    name = "".join(EXTRA.get(c, c) for c in name)
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def normalise(name: str, language: str) -> str | None:
    """Return the romanised ASCII name, or ``None`` if it does not fit the alphabet."""
    name = name.strip()
    if name.isupper() and len(name) > 1:
        name = name.title()
    if language in ("Russian", "Ukrainian"):
        name = _translit(name, CYRILLIC)
    elif language == "Greek":
        name = _translit(name, GREEK)
    name = to_ascii(name)
    if name.isupper() and len(name) > 1:
        name = name.title()
    if not (2 <= len(name) <= 20) or not set(name) <= ALLOWED or not name[0].isalpha():
        return None
    return name


def collect() -> dict[str, set[str]]:
    import faker

    if faker.VERSION != FAKER_VERSION:
        sys.exit(f"need faker=={FAKER_VERSION}, found {faker.VERSION}")
    by_lang: dict[str, set[str]] = {}
    for language, sources in SOURCES.items():
        names: set[str] = set()
        for locale, field in sources:
            provider = import_module(f"faker.providers.person.{locale}").Provider
            values = getattr(provider, field)
            for raw in (values.keys() if isinstance(values, dict) else values):
                if isinstance(raw, tuple):
                    raw = raw[-1]
                norm = normalise(str(raw), language)
                if norm:
                    names.add(norm)
        by_lang[language] = names
    return by_lang


def build(by_lang: dict[str, set[str]]) -> list[tuple[str, str]]:
    count: dict[str, int] = {}
    for names in by_lang.values():
        for n in names:
            count[n] = count.get(n, 0) + 1
    rng = random.Random(SEED)
    rows: list[tuple[str, str]] = []
    for language in sorted(by_lang):
        unique = sorted(n for n in by_lang[language] if count[n] == 1)
        if len(unique) > CAP:
            unique = sorted(rng.sample(unique, CAP))
        rows.extend((n, language) for n in unique)
    return rows


def main() -> None:
    rows = build(collect())
    text = "name\tlanguage\n" + "".join(f"{n}\t{lang}\n" for n, lang in rows)
    OUT.write_text(text, encoding="ascii")
    per = {}
    for _, lang in rows:
        per[lang] = per.get(lang, 0) + 1
    print(f"wrote {OUT} : {len(rows)} names, {len(per)} languages, {OUT.stat().st_size} bytes")
    for lang, k in sorted(per.items()):
        print(f"  {lang:12s} {k}")


if __name__ == "__main__":
    main()
