"""Figures of the step-through page: the unrolled diagram, the hidden-state heatmap, the
outputs and losses, dL/dh_t per step (full vs truncated BPTT). Arrays in, figures out."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz.i18n import t as _t
from rnnviz.labs import stepthrough as L
from rnnviz.plots.style import ACCENT, CELL_COLORS, DIVERGING, FONT_SIZE, GATE, WARN, apply_style
from rnnviz.text import escape_html

X_COLOR = "#7f7f7f"
H_COLOR = CELL_COLORS["RNN"]
O_COLOR = "#1f77b4"
L_COLOR = "#9467bd"
GRAD_COLOR = WARN
WEIGHT_COLOR = "#333333"
"""The weights' names on the diagram's arrows: dark on white (a grey #7f7f7f was faint on a projector); under the
veil of the steps not computed yet it shows as #adadad."""

__all__ = ["diagram", "hidden_heatmap", "outputs_figure", "grad_figure", "truncation_figure"]


_NOMINAL_PLOT_W = 650.0
"""Width in px of the diagram's plot area in the app at 1280 px (the main column less the margins);
used only to turn the arrows' px gaps into data units (a wider or narrower chart changes the gaps a little)."""
_STANDOFF_PX = 16.0  # gap between a node's centre and an arrow's end (the nodes are 22 px across)
_HEAD_PX = {2: 11, 3: 14}  # arrowhead marker size per line width
_NAMED_SLOT_PX = 100.0  # a slot narrower than this (px, at _NOMINAL_PLOT_W) has its weights named only where they first appear
_RING_PX = 16  # radius of the ring around each node of the current step (the nodes' radius is 11 px + outline)
VEIL = "rgba(255,255,255,0.6)"
"""What lies over the steps after the current one in the forward phase (not computed yet): grey #7f7f7f
shows through as #cccccc."""


def _arrow_trace(arrows: list[tuple], color: str, width: int, px: tuple[float, float]) -> go.Scatter:
    r"""``arrows`` as one scatter trace: per arrow, a line from ``standoff`` px after the tail to the arrowhead,
    a triangle marker (``symbol="arrow"``, rotated to the arrow's direction in px) whose tip stops
    ``standoff`` px before the head.

    Plotly draws an annotation arrow with its own text box and measures it on every redraw (~4 ms each
    here, 15-20 arrows: 60% of a step change in the browser); a few traces cost about nothing extra.

    Args:
        arrows: ``(x0, y0, x1, y1)`` in data units, tail ``(x0, y0)`` to head ``(x1, y1)``.
        px: px per data unit along x and y (the plot area's size over the axes' ranges).
    """
    px_x, px_y = px
    xs, ys, sizes, angles = [], [], [], []
    head = _HEAD_PX[width]
    for x0, y0, x1, y1 in arrows:
        dx, dy = (x1 - x0) * px_x, (y1 - y0) * px_y  # the arrow in px (y up)
        length = float(np.hypot(dx, dy))
        if length <= 2 * _STANDOFF_PX + head:
            continue
        ux, uy = dx / length / px_x, dy / length / px_y  # one px along the arrow, in data units
        a = _STANDOFF_PX
        b = length - _STANDOFF_PX - head / 2  # the marker's centre: its tip ends at the standoff
        xs += [x0 + a * ux, x0 + b * ux, None]
        ys += [y0 + a * uy, y0 + b * uy, None]
        sizes += [0, head, 0]
        angles += [0.0, float(np.degrees(np.arctan2(dx, dy))), 0.0]  # clockwise from "up"
    return go.Scatter(
        x=xs, y=ys, mode="lines+markers", showlegend=False, hoverinfo="skip", cliponaxis=False,
        line=dict(color=color, width=width),
        marker=dict(symbol="arrow", size=sizes, angle=angles, color=color, line=dict(width=0)))


def _arrow_path(arrows: list[tuple], width: int, px: tuple[float, float]) -> str:
    """``arrows`` (as for :func:`_arrow_trace`) as one SVG path in data units, for a plotly ``path`` shape: per
    arrow, its line (``M tail L base``) and its head, a closed triangle (``M tip L corner L corner Z``) filled by
    the shape's ``fillcolor``, of the same size and gaps as :func:`_arrow_trace` draws them ("M0 0": none).
    A shape, so that a step change edits one attribute of one item, not a trace's data."""
    px_x, px_y = px
    head = _HEAD_PX[width]
    parts = []
    for x0, y0, x1, y1 in arrows:
        dx, dy = (x1 - x0) * px_x, (y1 - y0) * px_y  # the arrow in px (y up)
        length = float(np.hypot(dx, dy))
        if length <= 2 * _STANDOFF_PX + head:
            continue
        ex, ey = dx / length, dy / length  # along the arrow, in px

        def at(along, side=0.0):  # the point `along` px after the tail and `side` px to its left, in data units
            return (f"{x0 + (along * ex - side * ey) / px_x:.4f} {y0 + (along * ey + side * ex) / px_y:.4f}")

        tip, base = length - _STANDOFF_PX, length - _STANDOFF_PX - head
        parts.append(f"M{at(_STANDOFF_PX)} L{at(base)} M{at(tip)} L{at(base, head * 0.45)} L{at(base, -head * 0.45)} Z")
    return " ".join(parts) or "M0 0"


_H_SYMBOL = {"f": "h", "enc": "h<sup>enc</sup>", "dec": "h<sup>dec</sup>", "b": "h&#8592;"}
"""Each hidden row's symbol; a node's label adds its index (``h<sub>3</sub>``)."""
_ROW_NAME = {"x": "x<sub>t</sub>", "f": "h<sub>t</sub>", "b": "h&#8592;<sub>t</sub>", "enc": "h<sup>enc</sup>",
             "dec": "h<sup>dec</sup>", "o": "o<sub>t</sub>,ŷ", "L": "L<sub>t</sub>"}
"""Each row's name where the slots are too narrow for a label per node (the label of each node is on hover)."""


def _vlines(res: L.Result) -> list[float]:
    """x of the diagram's vertical lines: the truncation cuts and the encoder-decoder border."""
    p = res.problem
    return list(L.cut_after(res)) + ([p.X_enc.shape[0] - 0.5] if p.pattern == "enc_dec" else [])


def _rows(res: L.Result) -> dict[str, float]:
    """y position of each row of nodes."""
    if res.problem.pattern == "bidirectional":
        return {"x": 0.0, "f": 1.0, "b": 2.3, "o": 3.3, "L": 4.3}  # (room between h and h<- for both labels)
    return {"x": 0.0, "f": 1.0, "enc": 1.0, "dec": 1.0, "o": 2.0, "L": 3.0}


_LABEL_SIZE = FONT_SIZE - 2  # px, every text of the diagram (nodes' labels, weights' names)
_NODE_PX = _RING_PX + 1.5  # half the side of the square a node takes with the ring of the current step around it
_NODE_GAP_PX = _NODE_PX + 2.5  # from a node's centre to its label's nearest edge (clear of the ring)
_HEADER_PX = 56.0  # room left of the first slot for the rows' names when the slots are too narrow for a label per node
_EM = {**dict.fromkeys("ilj.,'|:;!()[]", 0.3), **dict.fromkeys("WMmw", 0.9), **dict.fromkeys("←→", 1.05), "-": 0.4, " ": 0.25, "&": 0.7}
"""Widths of characters in em where they differ much from :data:`_EM_DEFAULT` (Source Sans 3, rounded up)."""
_EM_DEFAULT, _EM_UPPER = 0.56, 0.66


def _text_runs(text: str) -> list[tuple[str, str]]:
    """``text`` (plotly's HTML subset: ``<sub>``, ``<sup>``, entities) as ``[(kind, chars)]``, kind ``""``, ``sub`` or
    ``sup``, the entities turned into their characters."""
    import html
    import re

    runs, kind = [], ""
    for part in re.split(r"(</?su[bp]>)", text):
        if part in ("<sub>", "<sup>"):
            kind = part[1:-1]
        elif part in ("</sub>", "</sup>"):
            kind = ""
        elif part:
            runs.append((kind, html.unescape(part)))
    return runs


def text_box(text: str, x: float, y: float, position: str, size: float = _LABEL_SIZE) -> tuple[float, float, float, float]:
    r"""The box ``(x0, y0, x1, y1)`` in px (y up) that a plotly text of ``size`` px at the point ``(x, y)`` px takes
    with ``textposition`` ``position`` in a ``mode="text"`` trace, as plotly.js places it
    (``Drawing.textPointPosition``: the baseline ``0.75 f`` below the point, less ``f`` for "top", less ``f / 2`` for
    "middle"; "left" ends the text at the point, "right" starts it there), a little wider than drawn: the width sums the
    characters' widths in em (:data:`_EM`, sub- and superscripts at 70 %), the height runs from the descent
    (``0.25 f``, a subscript's ``0.4 f``) to the ascent (``0.75 f``, a superscript's ``0.95 f``)."""
    runs = _text_runs(text)
    width = sum((0.7 if kind else 1.0) * size * sum(_EM.get(c, _EM_UPPER if c.isupper() else _EM_DEFAULT) for c in chars)
                for kind, chars in runs)
    up = 0.95 if any(k == "sup" for k, _ in runs) else 0.75
    down = 0.4 if any(k == "sub" for k, _ in runs) else 0.25
    v = position.split()[0]
    base = y + {"top": 0.25 * size, "middle": -0.25 * size, "bottom": -0.75 * size}[v]
    h = position.split()[-1]
    x0 = {"left": x - width, "center": x - width / 2, "right": x}[h]
    return (x0, base - down * size, x0 + width, base + up * size)


def _overlaps(a: tuple, b: tuple, pad: float = 2.0) -> bool:
    """Whether the boxes ``a`` and ``b`` ``(x0, y0, x1, y1)`` come within ``pad`` px of each other."""
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def _crosses(box: tuple, seg: tuple, pad: float = 2.0) -> bool:
    """Whether the line segment ``seg`` ``(x0, y0, x1, y1)`` passes through ``box`` grown by ``pad`` px (Liang-Barsky)."""
    x0, y0, x1, y1 = seg
    bx0, by0, bx1, by1 = box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad
    lo, hi = 0.0, 1.0
    for p, q in ((-(x1 - x0), x0 - bx0), (x1 - x0, bx1 - x0), (-(y1 - y0), y0 - by0), (y1 - y0, by1 - y0)):
        if p == 0:
            if q < 0:
                return False
        else:
            r = q / p
            if p < 0:
                lo = max(lo, r)
            else:
                hi = min(hi, r)
            if lo > hi:
                return False
    return True


class _Placer:
    """Labels placed one by one where they touch no label placed before, no node and no arrow: the diagram's text, in px
    (y up) of the nominal plot area (:data:`_NOMINAL_PLOT_W` wide)."""

    def __init__(self, x_range, y_range, height_px, nodes, segments):
        self.x0, self.y0 = x_range[0], y_range[0]
        self.sx = _NOMINAL_PLOT_W / (x_range[1] - x_range[0])
        self.sy = height_px / (y_range[1] - y_range[0])
        self.w, self.h = _NOMINAL_PLOT_W, height_px
        self.boxes = []  # placed labels
        self.blocks = [(self.px(x, y)[0] - _NODE_PX, self.px(x, y)[1] - _NODE_PX,
                        self.px(x, y)[0] + _NODE_PX, self.px(x, y)[1] + _NODE_PX) for x, y in nodes]
        self.segments = [(*self.px(a, b), *self.px(c, d)) for a, b, c, d in segments]

    def px(self, x, y):
        return ((x - self.x0) * self.sx, (y - self.y0) * self.sy)

    def fits(self, box, left=0.0) -> bool:
        return (box[0] >= -left and box[2] <= self.w and box[1] >= 0 and box[3] <= self.h
                and not any(_overlaps(box, b) for b in self.boxes + self.blocks)
                and not any(_crosses(box, s) for s in self.segments))

    def place(self, text, x, y, options, left=0.0):
        """The first of ``options`` ``[(position, dx_px, dy_px)]`` (the text's anchor moved by ``dx, dy`` px from the
        point ``(x, y)`` in data units) where ``text`` fits: ``(x, y, position)`` in data units, or None."""
        px, py = self.px(x, y)
        for position, dx, dy in options:
            box = text_box(text, px + dx, py + dy, position)
            if self.fits(box, left):
                self.boxes.append(box)
                return (x + dx / self.sx, y + dy / self.sy, position)
        return None


def _around(gap: float = _NODE_GAP_PX, order: str = "top left") -> list[tuple[str, float, float]]:
    """The places around a node for its label, ``order`` first: (textposition, dx, dy) in px, the text's box (as
    :func:`text_box` has it, a subscript's descent included) ``gap`` px from the node's centre along x and y."""
    up, down = gap + 0.15 * _LABEL_SIZE, -gap - 0.2 * _LABEL_SIZE  # (text_box: "top" bottom at dy - 0.15 f, ...)
    every = {"top left": (-gap, up), "top center": (0, up), "top right": (gap, up), "middle right": (gap, 0),
             "bottom right": (gap, down), "bottom center": (0, down), "bottom left": (-gap, down), "middle left": (-gap, 0)}
    names = [order] + [k for k in every if k != order]
    return [(k, *every[k]) for k in names]


def diagram(res: L.Result, t: int, phase: str, lang: str = "en") -> go.Figure:
    """The network unrolled over the page's time axis, slot ``t`` (1-based) highlighted.

    Every step: the slot framed (the shape named ``step``) and a ring around each of its nodes (shapes named
    ``ring``). Forward phase: the arrows into the current slot in the accent colour, the later slots (not
    computed yet) under a white veil (the shape named ``veil``); every arrow's weight is named (a text trace).
    Backward phase: red gradient arrows (loss -> h_t, h_{t+1} -> h_t) for the slots BPTT has reached (>= t);
    truncation cuts as vertical dashed lines. The title names the phase; the step is the page's control.

    Built for the browser's step change (rnnviz/assets/live/): every step of a phase has the same traces,
    annotations and title, the same shapes, all visible, on axes of a fixed range (a slot with fewer nodes
    rings one twice; the veil after the last slot has no width), and a step changes only the shapes'
    positions (the highlighted arrows are one path shape, named ``arrows``). The browser then moves those
    shapes' outlines itself, without a plotly call (live.js moveShapes: ~1 ms measured in Chromium, where
    plotly's react of the same shapes, annotations and title took ~50 ms).
    """
    n = len(res.slots)
    cur = L.clamp_step(t, n) - 1
    rows = _rows(res)
    p = res.problem
    labels = L.slot_labels(res)
    fwd = phase != "backward"
    fig = go.Figure()
    every = []  # (x0, y0, x1, y1): every arrow of the network, grey
    lit = [[] for _ in range(n)]  # per slot: forward, the arrows into it; backward, its gradient arrows
    named = [[] for _ in range(n)]  # per slot: (x, y, text) the weights' names, shown at the current slot (forward)
    nodes = {"x": [], "h": [], "o": [], "L": []}  # (x, y, text)
    row_of = {"x": [], "h": [], "o": [], "L": []}  # per node: its row's name (x, f, b, enc, dec, o, L)

    def arrow(j, x0, y0, x1, y1, text=None, side="right", row=None):
        """An arrow of slot ``j``; its weight's name ``text`` beside it, clear of the line and its head: a vertical
        arrow's to the ``side`` of its first row's middle (``(y0 + y0 + 1) / 2``), a horizontal one's above its
        middle (else below it); ``row``: whose weight (the cell's row)."""
        every.append((x0, y0, x1, y1))
        lit[j].append((x0, y0, x1, y1))
        if text and x0 == x1:
            other = "left" if side == "right" else "right"
            named[j].append((x0, y0 + 0.5, text, [(f"middle {side}", 5 if side == "right" else -5, 0),
                                                    (f"middle {other}", -5 if side == "right" else 5, 0)], row))
        elif text:
            named[j].append(((x0 + x1) / 2, (y0 + y1) / 2, text, [("top center", 0, 6), ("bottom center", 0, -6)], row))

    for j, slot in enumerate(res.slots):
        nodes["x"].append((j, rows["x"], f"x<sub>{j + 1}</sub>={escape_html(labels[j])}"))
        row_of["x"].append("x")
        for name, i in slot.items:
            y = rows[name]
            idx = j + 1 if name in ("f", "b") else i + 1
            sym = _H_SYMBOL[name]
            nodes["h"].append((j, y, f"{sym}<sub>{idx}</sub>"))
            row_of["h"].append(name)
            # input arrow (bidirectional backward row: from x, drawn to the upper row)
            if name == "b":
                arrow(j, j + 0.18, rows["x"], j + 0.18, y, "W<sub>xh</sub>", row=name)
            else:  # (a bidirectional net's backward row's input arrow runs just right of it)
                arrow(j, j, rows["x"], j, y, "W<sub>xh</sub>", "left" if p.pattern == "bidirectional" else "right", name)
            # recurrent arrow from the previous step of this cell
            prev = L.slot_of(res, name, i - 1) if i > 0 else None
            if prev is not None:
                arrow(j, prev, y, j, y, "W<sub>hh</sub>", row=name)
            elif name == "dec":
                arrow(j, j - 1, rows["enc"], j, y, "h<sub>N</sub>", row=name)
        if slot.out is not None and (p.pattern != "many_to_one" or p.mask[slot.out]):
            has_loss = bool(p.mask[slot.out])
            nodes["o"].append((j, rows["o"], f"o<sub>{j + 1}</sub>,ŷ"))
            row_of["o"].append("o")
            top = max(v for k, v in rows.items() if k in ("f", "b", "enc", "dec"))
            arrow(j, j, top, j, rows["o"], "W<sub>ho</sub>", row="o")
            if p.pattern == "bidirectional":
                arrow(j, j - 0.18, rows["f"], j - 0.18, rows["o"])
            if has_loss:
                nodes["L"].append((j, rows["L"], f"L<sub>{j + 1}</sub>"))
                row_of["L"].append("L")
                arrow(j, j, rows["o"], j, rows["L"])
    if not fwd:  # the gradient arrows, per slot
        lit = [[] for _ in range(n)]
        for name, pb in res.bw.parts.items():
            y = rows[name]
            for i in range(len(pb.delta)):
                j = L.slot_of(res, name, i)
                slot = res.slots[j]
                if slot.out is not None and p.mask[slot.out] and name != "enc":
                    lit[j].append((j + 0.12, rows["o"], j + 0.12, y))
                if i + 1 < len(pb.delta) and not pb.cut[i]:
                    jn = L.slot_of(res, name, i + 1)
                    lit[j].append((jn, y + 0.22, j, y + 0.22))
                if name == "enc" and i == len(pb.delta) - 1:
                    lit[j].append((j + 1, rows["dec"] + 0.22, j, y + 0.22))
    ann = []
    for xc in L.cut_after(res):  # (_vlines)
        fig.add_vline(x=xc, line=dict(color=GRAD_COLOR, dash="dash", width=2))
        ann.append(dict(x=xc, y=rows["L"] + 0.45, text="✂ k", showarrow=False, xref="x", yref="y",
                        font=dict(size=FONT_SIZE - 2, color=GRAD_COLOR)))
    if p.pattern == "enc_dec":  # (_vlines)
        N = p.X_enc.shape[0]
        fig.add_vline(x=N - 0.5, line=dict(color=X_COLOR, dash="dot", width=1))
    height = 430 if p.pattern != "bidirectional" else 520
    # slots narrower than _NAMED_SLOT_PX: no label per node (each on hover), the rows named once at their first node,
    # the x nodes' inputs below them; the first slot then has _HEADER_PX of room on its left for the names
    narrow = _NOMINAL_PLOT_W / (n + 0.4) < _NAMED_SLOT_PX
    x_range = [-0.5 - _HEADER_PX * (n + 0.2) / (_NOMINAL_PLOT_W - _HEADER_PX), n - 0.3] if narrow else [-0.7, n - 0.3]
    y_range = [-0.6, rows["L"] + 0.7]
    # the current slot: framed, its nodes ringed (as many rings as the slot with the most nodes: the first again)
    fig.add_shape(type="rect", name="step", x0=cur - 0.45, x1=cur + 0.45, y0=-0.5, y1=rows["L"] + 0.5,
                  fillcolor="rgba(255,127,14,0.15)", line=dict(color=ACCENT, width=3), layer="below")
    at = [[(xx, yy) for kind in nodes.values() for xx, yy, _ in kind if xx == j] for j in range(n)]
    for k in range(max(len(a) for a in at)):
        x, y = at[cur][k] if k < len(at[cur]) else at[cur][0]
        fig.add_shape(type="circle", name="ring", xref="x", yref="y",
                      xsizemode="pixel", ysizemode="pixel", xanchor=x, yanchor=y, x0=-_RING_PX, x1=_RING_PX,
                      y0=-_RING_PX, y1=_RING_PX, line=dict(color=ACCENT, width=3), fillcolor="rgba(0,0,0,0)",
                      layer="above")
    px = (_NOMINAL_PLOT_W / (x_range[1] - x_range[0]), (height - 140) / (y_range[1] - y_range[0]))
    if fwd:  # the later slots, not computed yet
        fig.add_shape(type="rect", name="veil", x0=cur + 0.5 if cur < n - 1 else x_range[1], x1=x_range[1], y0=y_range[0],
                      y1=y_range[1], fillcolor=VEIL, line=dict(width=0), layer="above")
    # forward: the arrows into the current slot (over the veil: a bidirectional net's backward row comes from
    # the next slot); backward: the gradient arrows of the slots BPTT has reached
    shown = lit[cur] if fwd else [a for j in range(cur, n) for a in lit[j]]
    fig.add_shape(type="path", name="arrows", xref="x", yref="y", path=_arrow_path(shown, 2 if fwd else 3, px),
                  line=dict(color=ACCENT if fwd else GRAD_COLOR, width=2 if fwd else 3),
                  fillcolor=ACCENT if fwd else GRAD_COLOR, layer="above")
    fig.add_trace(_arrow_trace(every, X_COLOR, 2, px))  # under the nodes
    # every label placed where it touches no other, no node and no arrow (_Placer), in a text trace: the nodes'
    # labels (wide slots) or the rows' names and the inputs (narrow slots), then the weights' names
    lines = [a for a in every] + [(xv, y_range[0], xv, y_range[1]) for xv in _vlines(res)]
    placer = _Placer(x_range, y_range, height - 140, [(xx, yy) for kind in nodes.values() for xx, yy, _ in kind], lines)
    first = {"x": "middle right", "f": "top left", "enc": "top left", "dec": "top left", "b": "bottom center",
             "o": "middle left", "L": "middle left"}
    texts = []  # (x, y, text, position)
    for kind, pts in nodes.items():
        done = set()
        for (xx, yy, text), row in zip(pts, row_of[kind]):
            if narrow and row not in done:  # the row's name, once: left of the first slot (a row that begins later:
                done.add(row)  # beside its first node)
                name = _ROW_NAME[row]
                at = placer.place(name, 0, yy, [("middle left", -_NODE_GAP_PX, 0)], left=_HEADER_PX)
                for rx, ry in ((a, b) for (a, b, _), r in zip(pts, row_of[kind]) if r == row and at is None):
                    at = placer.place(name, rx, ry, _around(order="top left"))  # beside the first node it fits at
                if at is None and row == "dec":  # else left of the encoder-decoder border, above the encoder's row
                    at = placer.place(name, p.X_enc.shape[0] - 0.5, yy, [("top left", -4, _around()[0][2])])
                if at is not None:
                    texts.append((*at[:2], name, at[2]))
            if narrow and kind == "x":  # the input itself, below its node (x_t = ... on hover)
                text, options = escape_html(labels[int(xx)]), [o for o in _around() if o[0] == "bottom center"]
            elif narrow:
                continue
            else:
                options = _around(order=first[row])
            at = placer.place(text, xx, yy, options, left=_HEADER_PX if narrow else 40)
            if at is not None:
                texts.append((*at[:2], text, at[2]))
    if texts:
        tx, ty, tt, tp = zip(*texts)
        fig.add_trace(go.Scatter(x=list(tx), y=list(ty), text=list(tt), textposition=list(tp), mode="text", name="labels",
                                 showlegend=False, hoverinfo="skip", cliponaxis=False,
                                 textfont=dict(size=_LABEL_SIZE, color="#222222")))
    colors = {"x": X_COLOR, "h": H_COLOR, "o": O_COLOR, "L": L_COLOR}
    symbols = {"x": "square", "h": "circle", "o": "diamond", "L": "star"}
    names = {"x": _t("stepthrough.node_x", lang), "h": _t("stepthrough.node_h", lang),
             "o": _t("stepthrough.node_o", lang), "L": _t("stepthrough.node_L", lang)}
    for kind, pts in nodes.items():
        if not pts:
            continue
        xs, ys, texts = zip(*pts)
        fig.add_trace(go.Scatter(
            x=list(xs), y=list(ys), mode="markers", text=list(texts), name=names[kind],
            marker=dict(size=22, symbol=symbols[kind], color=colors[kind], line=dict(color="white", width=3)),
            hoverinfo="text", cliponaxis=False,
        ))
    if fwd:  # the weights' names beside their arrows (the same at every step), dark and large enough for a projector:
        # at every arrow where one fits; slots narrower than _NAMED_SLOT_PX: each row's weights named once, at the first
        # arrow where the name fits (the same matrices at every step)
        seen, wx, wy, wt, wp = set(), [], [], [], []
        for x, y, text, options, row in (w for slot_names in named for w in slot_names):
            if narrow and (row, text) in seen:
                continue
            at = placer.place(text, x, y, options)
            if at is not None:
                seen.add((row, text))
                wx.append(at[0]), wy.append(at[1]), wt.append(text), wp.append(at[2])
        fig.add_trace(go.Scatter(x=wx, y=wy, text=wt, textposition=wp, mode="text", name="weights",
                                 showlegend=False, hoverinfo="skip", cliponaxis=False,
                                 textfont=dict(size=_LABEL_SIZE, color=WEIGHT_COLOR, shadow="auto")))
    fig.update_layout(annotations=ann, showlegend=False)
    fig.update_xaxes(range=x_range, showgrid=False, zeroline=False, tickmode="array",
                     tickvals=list(range(n)), ticktext=[str(j + 1) for j in range(n)],
                     title_text=_t("stepthrough.axis_step", lang))
    fig.update_yaxes(range=y_range, showgrid=False, zeroline=False, showticklabels=False, ticks="", showline=False)
    title = _t("stepthrough.diagram_title", lang, phase=_t(f"stepthrough.phase_{'forward' if fwd else 'backward'}", lang))
    return apply_style(fig, title=title, height=height)


def _slot_matrix(res: L.Result, arrays: dict[str, np.ndarray]) -> tuple[np.ndarray, list[str]]:
    """Stack per-cell ``(T, H)`` arrays into ``(rows, slots)`` with NaN where a cell has no step."""
    n = len(res.slots)
    if res.problem.pattern == "bidirectional":
        f, b = arrays["f"], arrays["b"][::-1]
        H = f.shape[1]
        Z = np.concatenate([f, b], axis=1).T  # (2H, T)
        return Z, [f"h→{u + 1}" for u in range(H)] + [f"h←{u + 1}" for u in range(H)]
    H = next(iter(arrays.values())).shape[1]
    Z = np.full((H, n), np.nan)
    for name, A in arrays.items():
        for i in range(A.shape[0]):
            Z[:, L.slot_of(res, name, i)] = A[i]
    return Z, [f"h{u + 1}" for u in range(H)]


def _mark(fig, cur, n_rows, row=None, col=None):
    kw = {} if row is None else dict(row=row, col=col)
    fig.add_shape(type="rect", x0=cur + 0.5, x1=cur + 1.5, y0=-0.5, y1=n_rows - 0.5,
                  line=dict(color=ACCENT, width=4), fillcolor="rgba(0,0,0,0)", **kw)


def hidden_heatmap(res: L.Result, t: int, lang: str = "en") -> go.Figure:
    """Heatmap of every hidden state (unit x step), the engine's values, current step framed."""
    Z, ylabels = _slot_matrix(res, {name: res.h(name) for name in res.bw.parts})
    n = Z.shape[1]
    cur = L.clamp_step(t, n) - 1
    # z as nested lists (None for NaN), not a NumPy array: plotly sends an array as base64, which plotly.js
    # decodes into a new typed array on every redraw, so a step change that only moves the frame (the live
    # frames leave z out, rnnviz.plots.style.changing_parts) still recomputed the whole heatmap (~30 ms in
    # Chromium here); with the same plain array it only moves the rectangle (~8 ms)
    zl = [[float(v) if np.isfinite(v) else None for v in row] for row in Z.tolist()]
    fig = go.Figure(go.Heatmap(
        z=zl, x=list(range(1, n + 1)), y=ylabels, colorscale=DIVERGING, zmid=0, zmin=-1, zmax=1,
        texttemplate="%{z:.2f}", textfont=dict(size=FONT_SIZE - 4), colorbar=dict(title="h"),
        hovertemplate="t=%{x} %{y}: %{z:.4f}<extra></extra>"))
    _mark(fig, cur, len(ylabels))
    # a fixed x range: the frame moves without changing it (the browser moves the frame's outline, live.js)
    fig.update_xaxes(title_text=_t("stepthrough.axis_step", lang), dtick=1, range=[0.5, n + 0.5])
    fig.update_yaxes(autorange="reversed")
    return apply_style(fig, title=_t("stepthrough.heatmap_title", lang), height=120 + 50 * len(ylabels) + 90)


_BAR_W = 0.8  # the loss bars' width in steps (set, so the current step's rectangle covers its bar exactly)


def outputs_figure(res: L.Result, t: int, lang: str = "en") -> go.Figure:
    """Softmax outputs (class x output step, targets marked) and the losses L_t per step."""
    O, P, Ls = res.outputs()
    p = res.problem
    n = len(res.slots)
    cur = L.clamp_step(t, n) - 1
    outs = [s.out for s in res.slots if s.out is not None]  # output indices, in slot order
    xs = [j + 1 for j, s in enumerate(res.slots) if s.out is not None]
    P, Ls, y, mask = P[outs], Ls[outs], p.y[outs], p.mask[outs]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.62, 0.38], vertical_spacing=0.08)
    # arrays as plain lists (here and in grad_figure), as in hidden_heatmap: plotly.js decodes a NumPy array's
    # base64 form into a new array on every redraw, so the browser's step change (a shape moved, by Plotly.react)
    # would see new data and recompute the whole chart (~45 ms measured, vs ~8 ms)
    fig.add_trace(go.Heatmap(z=P.T.tolist(), x=xs, y=p.class_names, colorscale=GATE, zmin=0, zmax=1,
                             colorbar=dict(title="ŷ", len=0.6, y=0.72),
                             hovertemplate="t=%{x} %{y}: %{z:.4f}<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(x=xs, y=[p.class_names[i] for i in y], mode="markers",
                             marker=dict(symbol="x-thin", size=16, line=dict(width=3, color=ACCENT)),
                             name=_t("stepthrough.target", lang)), row=1, col=1)
    lx = [xs[i] for i in range(len(xs)) if mask[i]]
    ly = [float(Ls[i]) for i in range(len(xs)) if mask[i]]
    fig.add_trace(go.Bar(x=lx, y=ly, width=_BAR_W, marker_color=L_COLOR, name="L_t", text=[f"{v:.2f}" for v in ly],
                         textposition="outside", textfont=dict(size=FONT_SIZE - 4)), row=2, col=1)
    # the current step's loss bar in the accent colour: a rectangle over it (a step change moves a shape, not
    # the bars' colours: the browser moves its outline, rnnviz/assets/live/), of no area when the step has no loss
    here = [float(Ls[i]) for i in range(len(xs)) if mask[i] and xs[i] == cur + 1]
    half = _BAR_W / 2 if here else 0.0
    fig.add_shape(type="rect", name="step", x0=cur + 1 - half, x1=cur + 1 + half,
                  y0=0, y1=here[0] if here else 0, fillcolor=ACCENT, line=dict(color=ACCENT, width=1), layer="above",
                  row=2, col=1)
    fig.update_xaxes(range=[0.5, n + 0.5], dtick=1)
    fig.update_xaxes(title_text=_t("stepthrough.axis_step", lang), row=2, col=1)
    fig.update_yaxes(title_text=_t("stepthrough.axis_class", lang), row=1, col=1, autorange="reversed")
    fig.update_yaxes(title_text="L<sub>t</sub>", row=2, col=1, range=[0, max(ly + [0.1]) * 1.3])
    fig.add_vline(x=cur + 1, line=dict(color=ACCENT, width=2, dash="dot"))
    fig.update_layout(showlegend=False)
    return apply_style(fig, title=_t("stepthrough.outputs_title", lang, loss=f"{float(Ls.sum()):.3f}"),
                       height=120 + 40 * len(p.class_names) + 220)


def grad_figure(res: L.Result, t: int, lang: str = "en") -> go.Figure:
    """||dL/dh_t|| per step: full BPTT (the engine) and, with truncation, the truncated one;
    the direct part (from the output at t) as bars; truncation cuts as dashed lines."""
    n = len(res.slots)
    cur = L.clamp_step(t, n) - 1
    fig = go.Figure()
    dash = {"f": "solid", "enc": "solid", "dec": "solid", "b": "dot"}
    arrow = {"f": "", "enc": "", "dec": "", "b": " ←"}
    for name in res.bw.parts:
        xs = [L.slot_of(res, name, i) + 1 for i in range(res.h(name).shape[0])]
        full = np.linalg.norm(res.traces[name].grad_h, axis=1)
        direct = np.linalg.norm(res.from_out(name), axis=1)
        fig.add_trace(go.Bar(x=xs, y=direct.tolist(), name=_t("stepthrough.grad_direct", lang) + arrow[name],
                             marker_color=O_COLOR, opacity=0.45 if name != "b" else 0.25))
        fig.add_trace(go.Scatter(x=xs, y=full.tolist(), mode="lines+markers", name=_t("stepthrough.grad_full", lang) + arrow[name],
                                 line=dict(color=H_COLOR, width=3, dash=dash[name]), marker=dict(size=10)))
        if res.k is not None:
            tr_ = np.linalg.norm(res.bw.parts[name].delta, axis=1)
            fig.add_trace(go.Scatter(x=xs, y=tr_.tolist(), mode="lines+markers",
                                     name=_t("stepthrough.grad_trunc", lang, k=res.k) + arrow[name],
                                     line=dict(color=GRAD_COLOR, width=3, dash="dash"), marker=dict(size=10, symbol="x")))
    for xc in L.cut_after(res):
        fig.add_vline(x=xc + 1, line=dict(color=GRAD_COLOR, dash="dash", width=2))
    fig.add_vline(x=cur + 1, line=dict(color=ACCENT, width=3, dash="dot"))
    fig.update_layout(barmode="overlay", legend=dict(orientation="h", y=-0.3, x=0))
    fig.update_xaxes(title_text=_t("stepthrough.axis_step", lang), dtick=1, range=[0.5, n + 0.5])
    fig.update_yaxes(title_text="‖∂L/∂h<sub>t</sub>‖", rangemode="tozero")
    return apply_style(fig, title=_t("stepthrough.grad_title", lang), height=460)


def truncation_figure(res: L.Result, lang: str = "en") -> go.Figure:
    """Norm of each parameter gradient, full BPTT vs truncated with chunk length k."""
    rows = L.truncation_rows(res)
    names = [r["param"] for r in rows]
    fig = go.Figure([
        go.Bar(x=names, y=[r["full_norm"] for r in rows], name=_t("stepthrough.full", lang), marker_color=H_COLOR),
        go.Bar(x=names, y=[r["truncated_norm"] for r in rows], name=_t("stepthrough.truncated", lang, k=res.k or 0),
               marker_color=GRAD_COLOR),
    ])
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=-0.3, x=0))
    fig.update_yaxes(title_text="‖∂L/∂θ‖")
    return apply_style(fig, title=_t("stepthrough.trunc_title", lang), height=420)
