r"""The step-through page's equations as LaTeX strings, every number substituted from the arrays shown.

:func:`forward_latex` and :func:`backward_latex` give the lines of one slot of the unrolled time
axis of a :class:`rnnviz.labs.stepthrough.Result` (the engine's states and gradients, the hand
BPTT's running sums); :func:`weights_latex` the weight matrices; :func:`scalar_latex` the scalar
RNN's textbook derivation. Each number is written by :func:`fmt` (``PRECISION`` decimals), so a test
can look for every shown value; entries that changed at the current step are coloured ``HIGHLIGHT``.
"""
from __future__ import annotations

import numpy as np

from rnnviz import stepthrough as S
from rnnviz.i18n import t as tr
from rnnviz.labs.stepthrough import Result, clamp_step

HIGHLIGHT = "#ff7f0e"
"""Colour of the entries that changed at the current step (the plots' accent colour)."""
PRECISION = 3
"""Decimals of every number shown in the equations."""


# --------------------------------------------------------------------------- formatting


def fmt(v: float, p: int = PRECISION) -> str:
    """``v`` with ``p`` decimals; ``-0.000`` shown as ``0.000``; non-finite as text."""
    v = float(v)
    if not np.isfinite(v):
        return r"\text{nan}" if np.isnan(v) else (r"+\infty" if v > 0 else r"-\infty")
    s = f"{v:.{p}f}"
    if s.startswith("-") and float(s) == 0.0:
        s = s[1:]
    return s


def fmtp(v: float, p: int = PRECISION) -> str:
    """Like :func:`fmt`, negative numbers in parentheses (for products and sums)."""
    s = fmt(v, p)
    return f"({s})" if s.startswith("-") else s


def _cell(v, hot: bool) -> str:
    s = fmt(v)
    return rf"\textcolor{{{HIGHLIGHT}}}{{{s}}}" if hot else s


def _changed(new, old, p: int = PRECISION) -> np.ndarray:
    """Entries that differ at the shown precision."""
    new, old = np.asarray(new), np.asarray(old)
    return np.abs(new - old) >= 0.5 * 10.0 ** (-p)


def mat(M, hot=None) -> str:
    """``M (r, c)`` as a LaTeX ``bmatrix``; entries where ``hot`` is True are coloured."""
    M = np.atleast_2d(np.asarray(M, dtype=np.float64))
    hot = np.zeros(M.shape, dtype=bool) if hot is None else np.broadcast_to(np.asarray(hot), M.shape)
    rows = [" & ".join(_cell(M[i, j], hot[i, j]) for j in range(M.shape[1])) for i in range(M.shape[0])]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def col(v, hot=None) -> str:
    """A column vector ``(n,)`` as a ``bmatrix``."""
    v = np.asarray(v, dtype=np.float64).reshape(-1, 1)
    return mat(v, None if hot is None else np.asarray(hot).reshape(-1, 1))


def row(v, hot=None) -> str:
    """A vector shown as a row (for long vectors: ``o_t^\\top``)."""
    v = np.asarray(v, dtype=np.float64).reshape(1, -1)
    return mat(v, None if hot is None else np.asarray(hot).reshape(1, -1))


# --------------------------------------------------------------------------- LaTeX


CELL_TEX = {"f": "", "enc": r"^{\mathrm{enc}}", "dec": r"^{\mathrm{dec}}", "b": r"^{\leftarrow}"}


def _sub(name: str, i: int, T: int | None = None) -> str:
    """Displayed index of step ``i`` of cell ``name``: 1-based in processing order, except the
    backward direction, which is indexed by the time it belongs to (``h<-_t`` uses ``x_t``)."""
    return f"{T - i}" if name == "b" and T is not None else f"{i + 1}"


def _prev(name: str, i: int, T: int) -> str:
    """Index of the state that step ``i`` reads (h_{t-1}, or h<-_{t+1} going backwards)."""
    return f"{T - i + 1}" if name == "b" else f"{i}"


def _next(name: str, i: int, T: int) -> str:
    """Index of the state that reads step ``i`` (h_{t+1}, or h<-_{t-1})."""
    return f"{T - i - 1}" if name == "b" else f"{i + 2}"


def _words(key: str, lang: str, **fmt) -> str:
    r"""The words ``key`` of the page's language as LaTeX ``\text{...}`` (KaTeX draws CJK there)."""
    return rf"\text{{{tr(key, lang, **fmt)}}}"


def _x_line(res: Result, name: str, i: int, X: np.ndarray) -> str:
    sup = "" if name == "b" else CELL_TEX[name]
    s = _sub(name, i, X.shape[0])
    return rf"{{x{sup}_{{{s}}}}}^\top = " + row(X[i], X[i] != 0)


def forward_latex(res: Result, t: int, lang: str = "en") -> list[str]:
    """The forward equations of slot ``t`` (1-based) with the engine's numbers substituted.

    One short line per operation (so each fits a projector): ``x_t``; ``W_xh x_t`` and
    ``W_hh h_{t-1}``; ``a_t`` as their sum plus ``b`` and ``h_t = tanh(a_t)``; ``o_t``;
    ``yhat_t``; ``L_t``. Entries of ``h_t`` that differ from ``h_{t-1}`` at the shown
    precision and the non-zero entries of ``x_t`` are coloured. The weight matrices
    themselves are in :func:`weights_latex`.
    """
    slot = res.slots[clamp_step(t, len(res.slots)) - 1]
    out = []
    for name, i in slot.items:
        cell = res.net.cells[name]
        sup = CELL_TEX[name]
        X = res.problem.X_enc if name == "enc" else (res.problem.X[::-1] if name == "b" else res.problem.X)
        hs, a = res.h(name), res.a(name)
        h_prev = hs[i - 1] if i > 0 else res.h0(name)
        T = hs.shape[0]
        s, sp = _sub(name, i, T), _prev(name, i, T)
        xs = "" if name == "b" else sup
        if name != "b":  # the backward direction reads the same x_t as the forward one
            out.append(_x_line(res, name, i, X))
        xin = cell.W_xh @ X[i]  # (H,)
        rec = cell.W_hh @ h_prev  # (H,)
        out.append(rf"W{sup}_{{xh}} x{xs}_{{{s}}} = " + col(xin) + r"\qquad "
                   + rf"W{sup}_{{hh}} h{sup}_{{{sp}}} = " + mat(cell.W_hh) + col(h_prev) + " = " + col(rec))
        out.append(rf"a{sup}_{{{s}}} = W{sup}_{{xh}} x{xs}_{{{s}}} + W{sup}_{{hh}} h{sup}_{{{sp}}} + b{sup} = "
                   + col(xin) + " + " + col(rec) + " + " + col(cell.b) + " = " + col(a[i]))
        out.append(rf"h{sup}_{{{s}}} = \tanh(a{sup}_{{{s}}}) = \tanh" + col(a[i]) + " = "
                   + col(hs[i], _changed(hs[i], h_prev)))
    if slot.out is not None:
        j = slot.out
        O, P, L = res.outputs()
        hname = r"[h_{%d}; h^{\leftarrow}_{%d}]" % (j + 1, j + 1) if res.problem.pattern == "bidirectional" else (
            r"h^{\mathrm{dec}}_{%d}" % (j + 1) if res.problem.pattern == "enc_dec" else r"h_{%d}" % (j + 1))
        out.append(rf"\small o_{{{j + 1}}}^\top = (W_{{ho}} {hname} + b_o)^\top = " + row(O[j]))
        yi = int(res.problem.y[j])
        hot = np.zeros(res.problem.K, dtype=bool)
        hot[yi] = True
        out.append(rf"\small \hat y_{{{j + 1}}}^\top = \mathrm{{softmax}}(o_{{{j + 1}}})^\top = " + row(P[j], hot))
        cname = res.problem.class_names[yi]
        if res.problem.mask[j]:
            out.append(rf"L_{{{j + 1}}} = -\log \hat y_{{{j + 1},\,\text{{“{cname}”}}}} = -\log {fmt(P[j, yi])} = {fmt(L[j])}"
                       rf"\qquad L = \textstyle\sum_t L_t = {fmt(L.sum())}")
        else:
            out.append(_words("stepthrough.tex_no_loss", lang, t=j + 1) + rf"\qquad L = \textstyle\sum_t L_t = {fmt(L.sum())}")
    return out


def weights_latex(res: Result) -> list[str]:
    """The weight matrices of the network, as numbers (``W_ho`` transposed to stay wide, not tall)."""
    out = []
    for name, cell in res.net.cells.items():
        sup = CELL_TEX[name]
        out.append(rf"W{sup}_{{xh}} = " + mat(cell.W_xh))
        out.append(rf"W{sup}_{{hh}} = " + mat(cell.W_hh) + rf"\qquad b{sup} = " + col(cell.b))
    out.append(r"W_{ho}^\top = " + mat(res.net.W_ho.T))
    out.append(r"b_o^\top = " + row(res.net.b_o))
    return out


def backward_latex(res: Result, t: int, lang: str = "en") -> list[str]:
    """BPTT at slot ``t``: delta = (from the output) + (from t+1), with numbers, and the running
    sums of the parameter gradients (entries that this step changed are coloured)."""
    slot = res.slots[clamp_step(t, len(res.slots)) - 1]
    out = []
    for name, i in slot.items:
        cell = res.net.cells[name]
        sup = CELL_TEX[name]
        T = res.h(name).shape[0]
        pb = res.bw.parts[name]
        d, fo, fn = res.delta(name), res.from_out(name), res.from_next(name)
        s, sn = _sub(name, i, T), _next(name, i, T)
        nl = "t{-}1" if name == "b" else "t{+}1"  # the step that reads h_t (backward direction: t-1)
        frm = _words("stepthrough.tex_from", lang) + rf"\ {nl}"  # "from t+1"
        if i + 1 < T and pb.cut[i]:
            out.append(frm + r":\ " + _words("stepthrough.tex_cut", lang, k=res.k) + r" \Rightarrow " + col(fn[i]))
        elif i + 1 < T:
            g_next = 1.0 - res.h(name)[i + 1] ** 2  # tanh'(a_{t+1}) = 1 - h_{t+1}^2
            v = g_next * d[i + 1]
            out.append(rf"\tanh'(a{sup}_{{{sn}}}) \odot \delta{sup}_{{{sn}}} = " + col(g_next) + r"\odot" + col(d[i + 1])
                       + " = " + col(v))
            # two aligned rows: on one row the product was wider than the page's column at 1280 px
            out.append(r"\begin{aligned}" + frm + rf":\ &W{sup}_{{hh}}{{}}^\top\big(\tanh'(a{sup}_{{{sn}}})"
                       rf" \odot \delta{sup}_{{{sn}}}\big) \\ = {{}}&" + mat(cell.W_hh.T) + col(v) + " = " + col(fn[i])
                       + r"\end{aligned}")
        else:
            out.append(frm + r":\ " + _words("stepthrough.tex_none_last", lang) + r" \Rightarrow " + col(fn[i]))
        if name == "enc":
            src = (_words("stepthrough.tex_from", lang) + r"\ h^{\mathrm{dec}}_0" if i == T - 1
                   else _words("stepthrough.tex_no_output", lang))
        else:
            src = r"W_{ho}^\top(\hat y - e_y)"
        out.append(rf"\delta{sup}_{{{s}}} = \frac{{\partial L}}{{\partial h{sup}_{{{s}}}}} = "
                   + rf"\underbrace{{{col(fo[i])}}}_{{{src}}} + \underbrace{{{col(fn[i])}}}_{{{frm}}} = " + col(d[i]))
        g = (1.0 - res.h(name)[i] ** 2) * d[i]
        out.append(rf"g{sup}_{{{s}}} = \tanh'(a{sup}_{{{s}}}) \odot \delta{sup}_{{{s}}} = "
                   + col(1.0 - res.h(name)[i] ** 2) + r"\odot" + col(d[i]) + " = " + col(g))
        prev = (lambda arr: arr[i + 1] if i + 1 < T else np.zeros_like(arr[i]))
        ge = r"\le" if name == "b" else r"\ge"
        out.append(rf"\textstyle\sum_{{s {ge} {s}}} \partial W{sup}_{{xh}} = "
                   + mat(pb.run_W_xh[i], _changed(pb.run_W_xh[i], prev(pb.run_W_xh))))
        out.append(rf"\textstyle\sum_{{s {ge} {s}}} \partial W{sup}_{{hh}} = "
                   + mat(pb.run_W_hh[i], _changed(pb.run_W_hh[i], prev(pb.run_W_hh)))
                   + rf"\qquad \textstyle\sum_{{s {ge} {s}}} \partial b{sup} = "
                   + col(pb.run_b[i], _changed(pb.run_b[i], prev(pb.run_b))))
    if slot.out is not None:
        j = slot.out
        T = res.problem.T
        rW, rb = res.bw.run_W_ho, res.bw.run_b_o
        pw = rW[j + 1] if j + 1 < T else np.zeros_like(rW[j])
        pbo = rb[j + 1] if j + 1 < T else np.zeros_like(rb[j])
        out.append(rf"\small \frac{{\partial L}}{{\partial o_{{{j + 1}}}}}^\top = (\hat y_{{{j + 1}}} - e_{{y_{{{j + 1}}}}})^\top = "
                   + row(res.bw.dO[j]))
        out.append(rf"\textstyle\sum_{{s \ge {j + 1}}} \partial W_{{ho}}^\top = " + mat(rW[j].T, _changed(rW[j], pw).T))
        out.append(rf"\small \textstyle\sum_{{s \ge {j + 1}}} \partial b_o^\top = " + row(rb[j], _changed(rb[j], pbo)))
    return out


def scalar_latex(sc: S.Scalar, t: int) -> list[str]:
    """The textbook derivation at step ``t`` (1-based, clamped), each line evaluated."""
    T = len(sc.x)
    i = clamp_step(t, T) - 1
    n = i + 1
    U, W, V = fmtp(sc.U), fmtp(sc.W), fmtp(sc.V)
    Vp = V
    lines = [
        rf"a_{{{n}}} = U x_{{{n}}} + W h_{{{n - 1}}} = {U}\cdot{fmtp(sc.x[i])} + {W}\cdot{fmtp(sc.h_prev[i])} = {fmt(sc.a[i])}",
        rf"h_{{{n}}} = \tanh(a_{{{n}}}) = {fmt(sc.h[i])}, \qquad z_{{{n}}} = V h_{{{n}}} = {V}\cdot{fmtp(sc.h[i])} = {fmt(sc.z[i])}",
        rf"\hat y_{{{n}}} = \sigma(z_{{{n}}}) = \frac{{1}}{{1 + e^{{-z_{{{n}}}}}}} = {fmt(sc.yhat[i])}, \qquad y_{{{n}}} = {int(sc.y[i])}",
        rf"L_{{{n}}} = -\left[y_{{{n}}} \log \hat y_{{{n}}} + (1 - y_{{{n}}}) \log(1 - \hat y_{{{n}}})\right] = {fmt(sc.L[i])}",
        rf"\frac{{\partial L_{{{n}}}}}{{\partial z_{{{n}}}}} = \hat y_{{{n}}} - y_{{{n}}} = {fmt(sc.dz[i])}",
    ]
    if i + 1 < T:
        lines.append(
            rf"\delta_{{{n}}} = \frac{{\partial L}}{{\partial h_{{{n}}}}} = (\hat y_{{{n}}} - y_{{{n}}}) V + \delta_{{{n + 1}}} W (1 - h_{{{n + 1}}}^2)"
            rf" = {fmtp(sc.dz[i])}\cdot{Vp} + {fmtp(sc.delta[i + 1])}\cdot{W}\cdot(1 - {fmtp(sc.h[i + 1])}^2)"
            rf" = {fmt(sc.from_out[i])} + {fmtp(sc.from_next[i])} = {fmt(sc.delta[i])}")
    else:
        lines.append(rf"\delta_{{{n}}} = \frac{{\partial L}}{{\partial h_{{{n}}}}} = (\hat y_{{{n}}} - y_{{{n}}}) V"
                     rf" = {fmt(sc.dz[i])}\cdot{V} = {fmt(sc.delta[i])}")
    lines += [
        rf"\frac{{\partial L}}{{\partial V}} \mathrel{{+}}= (\hat y_{{{n}}} - y_{{{n}}}) h_{{{n}}} = {fmt(sc.dz[i] * sc.h[i])}"
        rf"\quad\Rightarrow\quad \textstyle\sum_{{s \ge {n}}} = {fmt(sc.run_V[i])}",
        rf"\frac{{\partial L}}{{\partial W}} \mathrel{{+}}= \delta_{{{n}}} (1 - h_{{{n}}}^2) h_{{{n - 1}}} = "
        rf"{fmt(sc.delta[i])}\cdot(1 - {fmtp(sc.h[i])}^2)\cdot{fmtp(sc.h_prev[i])}"
        rf"\quad\Rightarrow\quad \textstyle\sum_{{s \ge {n}}} = {fmt(sc.run_W[i])}",
        rf"\frac{{\partial L}}{{\partial U}} \mathrel{{+}}= \delta_{{{n}}} (1 - h_{{{n}}}^2) x_{{{n}}} = "
        rf"{fmt(sc.delta[i])}\cdot(1 - {fmtp(sc.h[i])}^2)\cdot{fmtp(sc.x[i])}"
        rf"\quad\Rightarrow\quad \textstyle\sum_{{s \ge {n}}} = {fmt(sc.run_U[i])}",
    ]
    return lines
