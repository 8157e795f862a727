"""UI strings of "bring your own model" (the vanishing and gates labs; the train-live download)."""

STRINGS = {
    "byo.section": {"en": "Your own model", "zh": "你自己的模型"},
    "byo.upload": {"en": "Upload a model (.pt)", "zh": "上传模型（.pt）"},
    "byo.upload_help": {
        "en": "A state_dict saved with torch.save(model.state_dict(), 'mine.pt') of an nn.RNN, nn.LSTM or nn.GRU "
              "(any number of layers; the input size is read from the weights), or a character model downloaded "
              "from the train-live page (it carries its vocabulary, so you can type text). Loaded with "
              "weights_only=True: only tensors are read, nothing in the file runs. At most {mb} MB.",
        "zh": "用 torch.save(model.state_dict(), 'mine.pt') 保存的 nn.RNN、nn.LSTM 或 nn.GRU 的 state_dict"
              "（层数不限；输入维度从权重读出），或从“实时训练”页面下载的字符模型（带有词表，可以输入文本）。"
              "以 weights_only=True 加载：只读取张量，文件中的任何代码都不会运行。最大 {mb} MB。",
    },
    "byo.shipped": {"en": "In use: the lab's own models.", "zh": "当前使用：本实验自带的模型。"},
    "byo.in_use": {
        "en": "In use: **your model** {name}: nn.{kind}, {layers} layer(s), input size {I}, {H} units{vocab}.",
        "zh": "当前使用：**你的模型** {name}：nn.{kind}，{layers} 层，输入维度 {I}，{H} 个单元{vocab}。",
    },
    "byo.vocab": {"en": ", a vocabulary of {V} characters", "zh": "，词表含 {V} 个字符"},
    "byo.layer": {"en": "Layer to inspect", "zh": "要查看的层"},
    "byo.layer_help": {
        "en": "Layer k of a stacked module runs on the hidden states of layer k-1 (layer 0 on the input); "
              "the lab traces that one layer on its own input.",
        "zh": "堆叠模型的第 k 层以第 k-1 层的隐藏状态为输入（第 0 层以原始输入为输入）；本实验在该层自己的输入上追踪它。",
    },
    "byo.back": {"en": "Back to the lab's own models", "zh": "改回本实验自带的模型"},
    "byo.back_help": {
        "en": "Forget the uploaded model in this session and show the shipped models again.",
        "zh": "在本会话中忘掉上传的模型，重新显示自带的模型。",
    },
    "byo.banner": {
        "en": "Showing **your model** {name} (nn.{kind}, layer {layer} of {layers}). The lab's own controls "
              "that build a model (cells, size, radius, initialisation) do not apply; to go back, use the "
              "button under the uploader in the sidebar.",
        "zh": "正在显示**你的模型** {name}（nn.{kind}，第 {layer} 层，共 {layers} 层）。本实验中构造模型的控件"
              "（单元类型、规模、谱半径、初始化）不适用；要改回，请使用侧边栏上传框下方的按钮。",
    },
    "byo.banner_gates": {
        "en": "Showing **your model** {name} (nn.{kind}, layer {layer} of {layers}) instead of the trained task "
              "models; to go back, use the button under the uploader in the sidebar.",
        "zh": "正在显示**你的模型** {name}（nn.{kind}，第 {layer} 层，共 {layers} 层），而不是在任务上训练好的模型；"
              "要改回，请使用侧边栏上传框下方的按钮。",
    },
    "byo.input": {"en": "Input", "zh": "输入"},
    "byo.input_help": {
        "en": "Typed text (one-hot over the model's vocabulary; only for a character model) or random input "
              "x_t ~ N(0, 1) with the model's input size.",
        "zh": "输入的文本（在模型词表上的独热编码；仅限字符模型），或维度等于模型输入维度的随机输入 x_t ~ N(0, 1)。",
    },
    "byo.input_text": {"en": "Typed text", "zh": "输入文本"},
    "byo.input_random": {"en": "Random", "zh": "随机"},
    "byo.text": {"en": "Your text", "zh": "你的文本"},
    "byo.text_help": {
        "en": "Every character must be in the model's vocabulary; at most {n} characters.",
        "zh": "每个字符都必须在模型的词表中；最多 {n} 个字符。",
    },
    "byo.T": {"en": "Sequence length T", "zh": "序列长度 T"},
    "byo.T_help": {"en": "Steps of random input.", "zh": "随机输入的步数。"},
    "byo.seed_help": {"en": "Seeds the random input.", "zh": "随机输入的种子。"},
    "byo.unit": {"en": "Unit j", "zh": "单元 j"},
    "byo.unit_help": {"en": "The unit drawn in the line chart.", "zh": "折线图中画出的单元。"},
    "byo.axis_step": {"en": "step t (random input)", "zh": "时间步 t（随机输入）"},
    "byo.next": {
        "en": "The model's read-out after the last step: {top}.",
        "zh": "模型在最后一步的输出：{top}。",
    },
    "byo.no_readout": {
        "en": "Layer {layer} is not the last layer: the read-out (next character / class) reads only the last one.",
        "zh": "第 {layer} 层不是最后一层：输出层（下一个字符/类别）只读取最后一层。",
    },
    "byo.what": {
        "en": "Your model's weights are copied into torch's own nn.RNN / nn.LSTM / nn.GRU (float64) and the chosen "
              "layer is replayed by rnnviz.trace on its own input; the tests check these numbers against torch's "
              "forward pass and autograd.",
        "zh": "你的模型权重被复制进 torch 自己的 nn.RNN / nn.LSTM / nn.GRU（float64），所选的层由 rnnviz.trace "
              "在它自己的输入上重放；测试将这些数值与 torch 的前向计算和自动求导逐一核对。",
    },
    "byo.download": {"en": "Download this model (.pt)", "zh": "下载此模型（.pt）"},
    "byo.download_help": {
        "en": "The trained weights and the vocabulary as a state_dict file ({size}). Upload it in the gates, the "
              "vanishing or the hidden-state lab (Your own model, in the sidebar) to look inside it.",
        "zh": "训练好的权重和词表，保存为 state_dict 文件（{size}）。在“门”、“梯度消失”或“隐藏状态内部”实验的侧边栏（你自己的模型）"
              "上传它即可查看其内部。",
    },
    "byo.download_too_big": {
        "en": "This model's file is {size}; the labs accept uploads up to {mb} MB. Fewer units or one layer make it fit.",
        "zh": "此模型文件大小为 {size}；实验页面接受的上传最大 {mb} MB。减少单元数或只用一层即可。",
    },
    # the words Streamlit draws in a file uploader's drop zone, in English only (sh.uploader_words)
    "byo.dropzone_button": {"en": "Upload", "zh": "上传"},
    "byo.dropzone_limit": {"en": "{mb}MB per file", "zh": "每个文件最大 {mb} MB"},
    "byo.upload_error": {"en": "Cannot use this file: {msg}", "zh": "无法使用该文件：{msg}"},
}
