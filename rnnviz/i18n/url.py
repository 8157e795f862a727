"""Strings for the notice shown when a link carries a value a control cannot take."""

STRINGS = {
    "url.ignored": {
        "en": "The link's value {value} for {param} was ignored ({why}); the default is used instead.",
        "zh": "链接中参数 {param} 的值 {value} 已被忽略（{why}），改用默认值。",
    },
    "url.not_number": {"en": "not a number", "zh": "不是数字"},
    "url.not_finite": {"en": "not a finite number", "zh": "不是有限的数"},
    "url.not_whole": {"en": "not a whole number", "zh": "不是整数"},
    "url.out_of_range": {"en": "not between {lo} and {hi}", "zh": "不在 {lo} 与 {hi} 之间"},
    "url.not_option": {"en": "not one of: {options}", "zh": "不是以下选项之一：{options}"},
    "url.too_long": {"en": "longer than {n} characters", "zh": "超过 {n} 个字符"},
}
