"""Strings of the start page."""

STRINGS = {
    "home.nav_title": {"en": "Start", "zh": "首页"},
    "home.intro": {
        "en": "Interactive labs for recurrent neural networks. Every number on screen is computed by the `rnnviz` package and checked against PyTorch in its tests: in float64 on the step-through, vanishing and gates pages; the attention and train-live models run in float32, as they were trained. Pick a lab; every control explains itself when you hover over its **?**.",
        "zh": "循环神经网络交互实验。屏幕上的每个数都由 `rnnviz` 包计算，并在测试中与 PyTorch 核对：逐步展开、梯度消失和门控页面使用 float64；注意力页面和现场训练页面的模型按训练时的精度以 float32 运行。选择一个实验；把鼠标移到控件旁的 **?** 上即可看到说明。",
    },
    "home.blurb_vanishing": {"en": "Drag the spectral radius and watch ‖∂L/∂h_t‖ vanish or explode; LSTM, GRU, IRNN, clipping.", "zh": "拖动谱半径，观察 ‖∂L/∂h_t‖ 消失或爆炸；LSTM、GRU、IRNN、梯度裁剪。"},
    "home.blurb_stepthrough": {"en": "The unrolled RNN step by step: forward values and BPTT deltas with the real numbers.", "zh": "逐步展开的 RNN：前向数值与 BPTT 误差项，全部为真实数值。"},
    "home.blurb_gates": {"en": "LSTM and GRU gates on trained models: what opens, what forgets, and why.", "zh": "已训练模型中的 LSTM 与 GRU 门：哪些门打开、哪些遗忘，以及原因。"},
    "home.blurb_hidden": {"en": "Inside the hidden state: what a unit tracks, units that switch on together, how far back the prediction looks, the path of h_t.", "zh": "隐藏状态内部：单元在追踪什么、哪些单元一起激活、预测回看多远、h_t 的轨迹。"},
    "home.blurb_attention": {"en": "Seq2seq with attention: alignment heatmaps, the bottleneck, teacher forcing.", "zh": "带注意力的序列到序列模型：对齐热力图、信息瓶颈、教师强制。"},
    "home.blurb_train_live": {"en": "Train a character-level language model or a name classifier live and watch the gradients.", "zh": "现场训练字符级语言模型或姓名分类器，并观察梯度。"},
}
