"""The words plotly.js draws itself (the modebar's tooltips and notices, hover hints) in each language.

plotly.js looks each of its English strings up in ``config.locales[config.locale].dictionary`` of the
chart (``Lib._``, plotly.js src/lib/localize.js) and draws the string itself where no entry is found.
The app gives every chart that dictionary in its config (:func:`locale_config`, used by
:func:`rnnviz.export.chart_config`), so nothing is registered globally and nothing is downloaded:
Streamlit passes a chart's config to plotly.js as JSON. The keys are the exact English strings of the
plotly.js bundled with Streamlit 1.67 (tests/unit/test_plotly_words.py reads them from the bundle).

>>> locale_config("en")
{}
>>> cfg = locale_config("zh")
>>> cfg["locale"], cfg["locales"]["zh-CN"]["dictionary"]["Zoom"]
('zh-CN', '缩放')
"""
from __future__ import annotations

LOCALE_NAMES = {"zh": "zh-CN"}
"""The plotly.js locale name of each UI language other than English (plotly's default)."""

DICTIONARIES = {
    "zh": {
        # the modebar's buttons (components/modebar/buttons.js), shown as tooltips on hover
        "Download plot as a PNG": "下载图表（PNG）",
        "Download plot as a png": "下载图表（PNG）",
        "Download plot": "下载图表",
        "Download plot as JSON": "下载图表（JSON）",
        "Zoom": "缩放",
        "Pan": "平移",
        "Box Select": "矩形框选",
        "Lasso Select": "套索选择",
        "Zoom in": "放大",
        "Zoom out": "缩小",
        "Autoscale": "自动缩放",
        "Reset axes": "重置坐标轴",
        "Reset": "重置",
        "Reset view": "重置视图",
        "Reset views": "重置视图",
        "Reset camera to default": "重置视角为默认",
        "Reset camera to last save": "重置视角为上次保存",
        "Orbital rotation": "轨道旋转",
        "Turntable rotation": "转盘旋转",
        "Show closest data on hover": "悬停时显示最近的数据",
        "Compare data on hover": "悬停时比较数据",
        "Toggle show closest data on hover": "切换悬停时显示最近的数据",
        "Toggle Spike Lines": "切换辅助线",
        "Draw line": "画直线",
        "Draw open freeform": "画开放曲线",
        "Draw closed freeform": "画闭合曲线",
        "Draw circle": "画圆",
        "Draw rectangle": "画矩形",
        "Erase active shape": "删除选中的形状",
        "Produced with Plotly.js": "由 Plotly.js 生成",
        # the notices of the image button (plotly's notifier, top right of the chart)
        "Preparing image - this may take a few seconds": "正在生成图片，可能需要几秒钟",
        "Taking snapshot - this may take a few seconds": "正在生成图片，可能需要几秒钟",
        "Image download succeeded": "图片已下载",
        "Snapshot succeeded": "图片已下载",
        "Sorry, there was a problem downloading your image!": "抱歉，下载图片时出现问题！",
        "Sorry, there was a problem downloading your snapshot!": "抱歉，下载图片时出现问题！",
        "JSON download succeeded": "JSON 已下载",
        "Sorry, there was a problem downloading your JSON file!": "抱歉，下载 JSON 文件时出现问题！",
        # hints on the chart itself
        "Double-click to zoom back out": "双击还原缩放",
        "Double-click on legend to isolate one trace": "双击图例只显示这一条曲线",
        "trace": "曲线",
        "new text": "新文本",
    },
}
"""plotly.js's English string -> the string in the language."""

FORMATS = {
    "zh": {
        "days": ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
        "shortDays": ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
        "months": ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"],
        "shortMonths": ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
        "date": "%Y-%m-%d",
    },
}
"""plotly.js's date words in the language (the app's axes are numbers; given so a locale is complete)."""


STRINGS = {
    # the button Streamlit adds to every chart's modebar, titled in English only (a plain string, which plotly.js
    # does not look up): app.py's CSS draws these over it (rnnviz.streamlit_helpers.plotly_css)
    "plotly.fullscreen": {"en": "Fullscreen", "zh": "全屏"},
    "plotly.close_fullscreen": {"en": "Close fullscreen", "zh": "退出全屏"},
}


def locale_config(lang: str) -> dict:
    """The plotly config entries that make plotly.js draw its own words in ``lang``: ``{}`` for English,
    else ``{"locale": name, "locales": {name: {"dictionary": ..., "format": ...}}}`` (a per-chart locale,
    plotly.js's ``config.locales``)."""
    name = LOCALE_NAMES.get(lang)
    if name is None:
        return {}
    return {"locale": name, "locales": {name: {"dictionary": dict(DICTIONARIES[lang]), "format": dict(FORMATS[lang])}}}
