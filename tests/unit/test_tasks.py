"""rnnviz.tasks: the recall and bracket-depth generators against their definitions."""
from __future__ import annotations

import numpy as np
import pytest

from rnnviz import tasks as tk


@pytest.mark.parametrize("gap,lead", [(0, 0), (1, 1), (7, 2), (100, 1)])
def test_recall_layout(gap, lead):
    b = tk.recall_batch(50, gap, lead=lead, seed=3)
    T = lead + gap + 3
    assert b.x.shape == (T, 50) and b.y.shape == (50,)
    texts = b.texts()
    for s, y in zip(texts, b.y):
        assert len(s) == T
        assert s[lead] == "*" and s[-1] == "?"
        assert s[lead + 1] == tk.PAYLOAD[y]
        # the marker and the query appear exactly once, distractors are payload letters
        assert s.count("*") == 1 and s.count("?") == 1
        assert set(s[:lead] + s[lead + 2:-1]) <= set(tk.PAYLOAD)
        assert tk.recall_answer(s) == tk.PAYLOAD[y]


def test_recall_seeded():
    a, b, c = (tk.recall_batch(20, 9, seed=s) for s in (5, 5, 6))
    assert np.array_equal(a.x, b.x) and np.array_equal(a.y, b.y)
    assert not np.array_equal(a.x, c.x)
    assert tk.recall_example(4, seed=1) == tk.recall_example(4, seed=1)


def test_recall_answers_cover_all_symbols():
    b = tk.recall_batch(2000, 3, seed=0)
    counts = np.bincount(b.y, minlength=4) / 2000
    assert np.all(np.abs(counts - 0.25) < 0.04)


def test_recall_answer_typed():
    assert tk.recall_answer("ab*cdd?") == "c"
    assert tk.recall_answer("*a*b?") == "b"  # the last flagged symbol counts
    assert tk.recall_answer("abcd?") is None
    assert tk.recall_answer("ab*?") is None
    with pytest.raises(ValueError, match="does not know"):
        tk.recall_answer("ab*X?")


def test_bracket_depth_closed_form():
    assert tk.bracket_depth("(()x)(").tolist() == [1, 2, 1, 1, 0, 1]
    assert tk.bracket_depth("))").tolist() == [-1, -2]
    with pytest.raises(ValueError, match=r"`\[`"):
        tk.bracket_depth("([)")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_depth_batch_matches_definition(seed):
    x, d = tk.depth_batch(40, 60, seed=seed, max_depth=5)
    assert x.shape == d.shape == (60, 40)
    for b in range(40):
        text = tk.decode(x[:, b], tk.DEPTH_VOCAB)
        assert np.array_equal(tk.bracket_depth(text), d[:, b])
    assert d.min() >= 0 and d.max() <= 5
    assert d.max() == 5  # deep nesting does occur
    assert (x == 2).mean() > 0.1  # filler present


def test_check_text_messages():
    with pytest.raises(ValueError, match="empty"):
        tk.check_text("", "ab")
    with pytest.raises(ValueError, match=r"`z`.*only knows: `ab`"):
        tk.encode("abz", "ab")
    with pytest.raises(ValueError, match="`<`"):
        tk.encode("<script>", tk.RECALL_VOCAB)


def test_encode_decode_one_hot():
    ids = tk.encode("ba*?", tk.RECALL_VOCAB)
    assert ids.tolist() == [1, 0, 4, 5]
    assert tk.decode(ids, tk.RECALL_VOCAB) == "ba*?"
    oh = tk.one_hot(ids.reshape(2, 2), 6)
    assert oh.shape == (2, 2, 6)
    assert np.array_equal(oh.argmax(-1), ids.reshape(2, 2)) and np.all(oh.sum(-1) == 1)


def test_lm_batch_is_shifted_window():
    ids = np.arange(1000) % 37
    x, y = tk.lm_batch(ids, 8, 20, seed=1)
    assert x.shape == y.shape == (20, 8)
    assert np.array_equal(x[1:], y[:-1])
    assert np.all((y - x) % 37 == 1)
