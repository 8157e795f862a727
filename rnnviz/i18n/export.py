"""Strings of the export controls (chart image format, CSV/JSON downloads, LaTeX copy)."""

STRINGS = {
    "export.format": {"en": "Chart download format", "zh": "图表下载格式"},
    "export.format_help": {
        "en": "What the camera icon in a chart's toolbar saves: a PNG at twice the screen resolution (for slides) "
              "or an SVG vector image. Both are made in your browser, offline.",
        "zh": "图表工具栏中相机图标保存的格式：两倍屏幕分辨率的 PNG（适合幻灯片）或 SVG 矢量图。两者都在浏览器中离线生成。",
    },
    "export.numbers": {"en": "Download the numbers behind the chart", "zh": "下载图表背后的数值"},
    "export.numbers_note": {
        "en": "Exactly the values drawn, at full float64 precision ({rows} rows). In JSON, 'inf' and 'nan' stand for "
              "non-finite values.",
        "zh": "与图中绘制的数值完全一致，保留完整 float64 精度（共 {rows} 行）。JSON 中用 'inf' 和 'nan' 表示非有限值。",
    },
    "export.csv": {"en": "CSV: {name}", "zh": "CSV：{name}"},
    "export.json": {"en": "JSON: {name}", "zh": "JSON：{name}"},
    "export.csv_help": {
        "en": "One row per step; a vector column spreads over one column per unit, e.g. h[0], h[1], ...",
        "zh": "每个时间步一行；向量按单元展开为多列，例如 h[0]、h[1]……",
    },
    "export.json_help": {
        "en": "The same numbers as nested lists, with the settings that produced them.",
        "zh": "以嵌套列表保存相同的数值，并附上生成它们的设置。",
    },
    "export.latex": {"en": "Copy these equations as LaTeX", "zh": "复制这些公式的 LaTeX 代码"},
}
