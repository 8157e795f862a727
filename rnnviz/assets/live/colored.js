// live/colored.js: the text the multi mode's views show, built in the browser as the server builds it: a template
// line filled (fill), the coloured text (a span a character: coloredParts, coloredMarkup, coloredHtml) and the
// colours of values on a colour scale (scaledParts). tests/unit/test_gates_select.py and test_hidden_select.py check
// them against the server's HTML.

/** A template line with every slot ⟦name⟧ replaced by strings[keys.indexOf(name)] (rnnviz.labs.gates.fill). */
export function fill(line, keys, strings) {
  return line.replace(/⟦([A-Za-z0-9_]+)⟧/g, (_, k) => strings[keys.indexOf(k)]);
}

function esc(s) {  // Python's html.escape(s, quote=True)
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
    .replace(/'/g, "&#x27;");
}

function rgb(c) {  // "#rrggbb" -> "rgb(r, g, b)" (rnnviz.labs.gates_select._compact), other forms as they are
  if (!/^#[0-9a-f]{6}$/.test(c)) return c;
  return `rgb(${parseInt(c.slice(1, 3), 16)}, ${parseInt(c.slice(3, 5), 16)}, ${parseInt(c.slice(5, 7), 16)})`;
}

/** Each character's background, text colour (black on a light background, white on a dark one) and hover title in
 * the coloured text (coloredHtml): {bg, fg, title}, one entry a character; opt.mid as in coloredHtml. */
export function coloredParts(text, prefixes, bgs, values, opt) {
  const mid = (opt && opt.mid) || "";
  const bg = [], fg = [], title = [];
  [...text].forEach((c, k) => {
    const b = rgb(bgs[k]);
    const nums = b.slice(b.indexOf("(") + 1, b.indexOf(")")).split(",").map(parseFloat);
    bg.push(b);
    fg.push(0.299 * nums[0] + 0.587 * nums[1] + 0.114 * nums[2] > 140 ? "#000" : "#fff");
    title.push(prefixes[k] + mid + values[k]);
  });
  return { bg, fg, title };
}

/** The coloured text's HTML from its parts (coloredParts): a span a character (a newline shown as ↵ and followed by
 * <br>) in the wrapping div. */
function coloredMarkup(text, parts, opt) {
  const o = opt || {};
  const pad = o.pad || "2px 0";
  const out = [];
  [...text].forEach((c, k) => {
    const shown = c === "\n" ? "↵" : c;
    out.push(`<span title="${esc(parts.title[k])}" style="background:${parts.bg[k]};color:${parts.fg[k]};`
      + `padding:${pad};border-radius:2px">${esc(shown)}</span>`);
    if (c === "\n") out.push("<br>");
  });
  return `<div style="${coloredWrap(o).replace(/"/g, "&quot;")}">` + out.join("") + "</div>";
}
const coloredWrap = (o) => o.wrap || "font-family:'DejaVu Sans Mono',monospace;font-size:22px;line-height:1.9;"
  + "white-space:pre-wrap;word-break:break-all";

/** The coloured text's HTML, as rnnviz.plots.gates.colored_text_from builds it from the same parts.
 * opt (a view's `style`, for rnnviz.plots.hidden.unit_html): {pad, wrap, mid}: the spans' padding,
 * the wrapping div's style, and a string between each hover title's prefix and its value. */
export function coloredHtml(text, prefixes, bgs, values, opt) {
  return coloredMarkup(text, coloredParts(text, prefixes, bgs, values, opt), opt);
}

/** Python's round(x) of a float as plotly.colors.convert_to_RGB_255 does it (Decimal(str(x)), half to even):
 * a value exactly halfway goes to the even neighbour, any other to the nearest. */
function roundHalfEven(x) {
  const f = Math.floor(x);
  return x - f === 0.5 ? (f % 2 === 0 ? f : f + 1) : Math.round(x);
}

/** The backgrounds and the values shown of a coloured text whose values arrive as rnnviz.plots.hidden.shown_codes
 * (a whole number of 10^-decimals, or the shown string itself), as rnnviz.plots.hidden.colored_parts makes them:
 * value shown s (format(v, ".3f")), its position p = clip((float(s) - lo) / (hi - lo), 0, 1) on the colour scale,
 * the colour there as plotly.colors.sample_colorscale computes it (linear between the two stops around p, from
 * the stops' fractions of 255 and back, rounded half to even), grey rgb(200, 200, 200) if not finite.
 * scale: {stops: [[position, [r, g, b] / 255], ...], lo, hi, decimals} (rnnviz.labs.hidden_select.view_shell).
 * Returns [backgrounds "rgb(r, g, b)", values shown]. */
export function scaledParts(codes, scale) {
  const { stops, lo, hi } = scale;
  const d = scale.decimals;
  const span = hi > lo ? hi - lo : 1.0;
  const pos = stops.map((s) => s[0]);
  const bgs = [], shown = [];
  for (const c of codes) {
    let s = c;
    if (typeof c === "number") {
      const digits = String(Math.abs(c)).padStart(d + 1, "0");
      s = (c < 0 ? "-" : "") + digits.slice(0, digits.length - d) + (d > 0 ? "." + digits.slice(digits.length - d) : "");
    }
    shown.push(s);
    const x = Number(s);  // Python's float(s): both round the decimal string to the nearest double
    if (!Number.isFinite(x)) { bgs.push("rgb(200, 200, 200)"); continue; }
    const p = Math.min(Math.max((x - lo) / span, 0.0), 1.0);
    let high = pos.findIndex((q) => q >= p);  // bisect.bisect_left
    if (high < 0) high = pos.length;
    const low = high - 1 < 0 ? pos.length - 1 : high - 1;  // Python's index -1: the last stop
    const t = (p - pos[low]) / (pos[high] - pos[low]);
    const a = stops[low][1], b = stops[high][1];
    const rgb = [0, 1, 2].map((k) => roundHalfEven((a[k] + t * (b[k] - a[k])) * 255.0));
    bgs.push(`rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`);
  }
  return [bgs, shown];
}
