"""Strings shared by the app shell and several pages."""

STRINGS = {
    "common.loading_libraries": {"en": "Loading PyTorch and the plotting libraries (only the first time after the server starts)…",
                                 "zh": "正在加载 PyTorch 和绘图库（服务器启动后仅首次需要）…"},
    "common.app_title": {"en": "rnnviz: recurrent networks, live", "zh": "rnnviz：循环神经网络交互演示"},
    "common.language": {"en": "Language", "zh": "语言"},
    "common.language_help": {
        "en": "Switch every label, explanation and chart title between English and Chinese.",
        "zh": "在英文和中文之间切换所有标签、说明和图表标题。",
    },
    "common.presets": {"en": "Presets", "zh": "预设"},
    "common.what_you_see": {"en": "What you are seeing", "zh": "你看到的是什么"},
    "common.equations": {"en": "The equations behind the plots", "zh": "图中所用的公式"},
    "common.seed": {"en": "Random seed", "zh": "随机种子"},
    "common.seed_help": {
        "en": "Same seed, same weights and inputs: a setting can be reproduced exactly.",
        "zh": "相同的种子给出相同的权重和输入，便于精确复现。",
    },
    "common.error_prefix": {"en": "Cannot show this setting", "zh": "无法显示该设置"},
    "common.share_hint": {
        "en": "Every control is stored in the page address: bookmark or share the URL to come back to this exact setting.",
        "zh": "所有控件都保存在网址中：收藏或分享该网址即可回到完全相同的设置。",
    },
    "common.nav_labs": {"en": "Labs", "zh": "实验"},
}
