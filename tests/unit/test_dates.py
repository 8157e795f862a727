"""rnnviz.data.dates: the generator is seeded, every source means its target, the split is held out."""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest

from rnnviz.data import dates as D

MAR3 = dt.date(2021, 3, 3)


def _parse(src: str, fmt: str) -> dt.date:
    """An independent reading of a generated source (stdlib strptime / regexes)."""
    s = src.lower()
    months = {m: i + 1 for i, m in enumerate(D.MONTHS)}
    mon3 = {m[:3]: i + 1 for i, m in enumerate(D.MONTHS)}
    if "年" in s:
        y, m, d = map(int, re.match(r"(\d{4})年(\d+)月(\d+)日", s).groups())
        return dt.date(y, m, d)
    strp = {"mm/dd/yyyy": "%m/%d/%Y", "m/d/yyyy": "%m/%d/%Y", "dd.mm.yyyy": "%d.%m.%Y", "yyyy-m-d": "%Y-%m-%d",
            "yyyy/mm/dd": "%Y/%m/%d", "yyyymmdd": "%Y%m%d"}
    if fmt in strp:
        return dt.datetime.strptime(s, strp[fmt]).date()
    if fmt in ("mm/dd/yy", "d mon yy"):
        if fmt == "mm/dd/yy":
            m, d, yy = map(int, s.split("/"))
        else:
            d, mo, yy = s.split(" ")
            d, m, yy = int(d), mon3[mo], int(yy)
        return dt.date(2000 + yy if yy < 50 else 1900 + yy, m, d)
    words = re.findall(r"[a-z]+|\d+", s)
    nums = [int(w) for w in words if w.isdigit()]
    names = [w for w in words if w in months or w in mon3]
    month = months.get(names[0]) or mon3[names[0]]
    day, year = (nums[0], nums[1]) if nums[0] < 100 else (nums[1], nums[0])
    return dt.date(year, month, day)


def test_issue_examples_for_march_3_2021():
    import random

    r = random.Random(0)
    got = {name: f(MAR3, r).lower() for name, f in D.FORMATS.items()}
    assert got["d month yyyy"] == "3 march 2021"
    assert got["mm/dd/yy"] == "03/03/21"
    assert got["weekday, month dth yyyy"] == "wednesday, march 3rd 2021"
    assert got["yyyy年m月d日"] == "2021年3月3日"
    assert got["yyyy年mm月dd日 星期x"] == "2021年03月03日 星期三"
    assert D.target(MAR3) == "2021-03-03"


@pytest.mark.parametrize("d,suffix", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                      (13, "13th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (31, "31st")])
def test_ordinals(d, suffix):
    assert D._ordinal(d) == suffix


def test_every_source_means_its_target_and_weekdays_are_right():
    ex = D.generate(3000, seed=5, split="any")
    assert {f for _, _, f in ex} == set(D.FORMATS)
    for src, tgt, fmt in ex:
        assert _parse(src, fmt).isoformat() == tgt, (src, fmt)
        day = dt.date.fromisoformat(tgt)
        low = src.lower()
        if "星期" in low:
            assert D.ZH_WEEKDAYS[day.weekday()] in low
        elif fmt.startswith("weekday") or fmt.startswith("wkd"):
            assert low.startswith(D.WEEKDAYS[day.weekday()][:3])
        assert len(src) <= D.MAX_SOURCE_LEN
        assert len(D.encode_source(src)) == len(src)


def test_seeded_and_split_held_out():
    assert D.generate(50, 1) == D.generate(50, 1)
    assert D.generate(50, 1) != D.generate(50, 2)
    tr = {t for _, t, _ in D.generate(4000, 0, "train")}
    te = {t for _, t, _ in D.generate(1000, 0, "test")}
    assert not tr & te
    assert all(dt.date.fromisoformat(t).toordinal() % 10 == 3 for t in te)
    years = [int(t[:4]) for t in tr]
    assert min(years) < 1960 and max(years) > 2040  # the whole range is used
    with pytest.raises(ValueError):
        D.generate(1, 0, "validation")
    with pytest.raises(ValueError):
        D.generate(1, 0, formats=["dd/mm/yyyy"])


def test_encode_decode_and_batch():
    x = D.encode_source("2021年3月3日")
    assert x.dtype == np.int64 and (x > 0).all() and len(x) == 9
    np.testing.assert_array_equal(D.encode_source("MARCH"), D.encode_source("march"))
    assert D.decode_target(D.encode_target("2021-03-03")) == "2021-03-03"
    X, L, Y = D.batch([("3 march 2021", "2021-03-03", ""), ("20210303", "2021-03-03", "")])
    assert X.shape == (2, 12) and list(L) == [12, 8] and (X[1, 8:] == D.PAD).all() and Y.shape == (2, 10)


@pytest.mark.parametrize("text,needle", [("", "empty"), ("   ", "empty"), ("3 März 2021", "`ä`"),
                                         ("2021年3月3日!", "`!`"), ("1" * 41, "at most 40")])
def test_bad_sources_raise_a_clear_value_error(text, needle):
    with pytest.raises(ValueError, match=re.escape(needle)):
        D.encode_source(text)
    with pytest.raises(ValueError):
        D.encode_target("2021/03/03")


def test_examples_are_valid():
    for e in D.EXAMPLES:
        D.encode_source(e)
