"""Strings of the gates page ("LSTM and GRU gates, live")."""

STRINGS = {
    "gates.nav_title": {"en": "LSTM & GRU gates", "zh": "LSTM 与 GRU 的门"},
    "gates.title": {"en": "LSTM and GRU gates, live", "zh": "实时观察 LSTM 与 GRU 的门"},
    "gates.intro": {
        "en": "Gates of small LSTM/GRU models **trained** on tasks with a memory story. Pick a task, a cell and an "
              "input in the sidebar; hover any chart for the values.",
        "zh": "在具有记忆情节的任务上**训练好**的小型 LSTM/GRU 模型的门。在侧边栏选择任务、单元类型和输入；"
              "把鼠标悬停在任意图表上可查看数值。",
    },
    "gates.what": {
        "en": "Small LSTM and GRU networks (one layer, one-hot characters in, a linear readout out) were trained on "
              "tasks with a clear memory story: **recall** the symbol after `*` when `?` comes, after a gap of "
              "distractors; track the **depth** of brackets; predict the next character of Shakespeare's "
              "**sonnets**. The heatmaps show every gate, the cell state $c_t$ and the hidden state $h_t$ "
              "(unit on the y axis) for each character of the input (x axis), computed by the rnnviz engine on the "
              "trained weights. Below: one unit's gates over time, the gradient path along the cell state (a product "
              "of forget gates) against the vanilla RNN's product of Jacobians, what shifting the forget-gate bias "
              "does to the memory horizon, one step with the numbers substituted, and your text coloured by a unit.",
        "zh": "我们在具有清晰“记忆”情节的任务上训练了小型 LSTM 和 GRU（单层，输入为独热编码字符，输出为线性读出层）："
              "**回忆**：在一段干扰符号之后出现 `?` 时，报出 `*` 后面的那个符号；**深度**：跟踪括号的嵌套深度；"
              "**十四行诗**：预测莎士比亚十四行诗的下一个字符。热图显示输入的每个字符（横轴）上每个门、细胞状态 $c_t$ "
              "和隐藏状态 $h_t$ 的值（纵轴为单元），由 rnnviz 引擎在训练好的权重上计算。下方依次是：单个单元的门随时间的变化；"
              "沿细胞状态的梯度路径（遗忘门的连乘）与普通 RNN 的雅可比连乘的对比；平移遗忘门偏置对记忆跨度的影响；"
              "代入数值的一步计算；以及按某个单元的激活给你的文本着色。",
    },
    # controls
    "gates.task": {"en": "Task (trained model)", "zh": "任务（训练好的模型）"},
    "gates.task_help": {
        "en": "Recall: report the symbol after * at ?. Depth: bracket nesting depth at every step. "
              "Sonnets: next-character language model.",
        "zh": "回忆：在 ? 处报出 * 后面的符号。深度：每一步的括号嵌套深度。十四行诗：下一个字符的语言模型。",
    },
    "gates.task_recall": {"en": "Long-range recall", "zh": "长程回忆"},
    "gates.task_depth": {"en": "Bracket depth", "zh": "括号深度"},
    "gates.task_lm": {"en": "Sonnets (char language model)", "zh": "十四行诗（字符语言模型）"},
    "gates.cell": {"en": "Cell", "zh": "单元类型"},
    "gates.cell_help": {
        "en": "The gated cell whose gates are shown. The vanilla RNN trained on the same task is the comparison.",
        "zh": "要显示其门的门控单元。在同一任务上训练的普通 RNN 用作对比。",
    },
    "gates.source": {"en": "Input", "zh": "输入"},
    "gates.source_help": {
        "en": "A generated example (change the seed for another one) or your own text.",
        "zh": "使用生成的示例（换一个种子得到另一个），或输入你自己的文本。",
    },
    "gates.source_example": {"en": "Generated example", "zh": "生成的示例"},
    "gates.source_typed": {"en": "My own text", "zh": "我自己的文本"},
    "gates.text": {"en": "Your text", "zh": "你的文本"},
    "gates.text_help": {
        "en": "Only the characters the model was trained on: recall abcd*? ; depth ()x ; sonnets: letters and "
              "punctuation of the sonnets. At most 400 characters.",
        "zh": "只能使用模型训练过的字符：回忆 abcd*?；深度 ()x；十四行诗：诗中出现的字母和标点。最多 400 个字符。",
    },
    "gates.gap": {"en": "Recall gap (distractors)", "zh": "回忆间隔（干扰符号数）"},
    "gates.gap_help": {
        "en": "Number of distractor symbols between the flagged symbol and the question mark, in the generated "
              "example and in the accuracy shown. Training used gaps up to 100.",
        "zh": "生成示例中被标记符号与问号之间的干扰符号个数，也用于显示的准确率。训练时的间隔最长为 100。",
    },
    "gates.seed_help": {"en": "Seed of the generated example.", "zh": "生成示例的随机种子。"},
    "gates.unit": {"en": "Unit", "zh": "单元"},
    "gates.unit_help": {
        "en": "The hidden unit j of the line plot, the text colouring and the substituted equations.",
        "zh": "折线图、文本着色和代入数值的公式所用的隐藏单元 j。",
    },
    "gates.step": {"en": "Step t (equations)", "zh": "时间步 t（公式）"},
    "gates.step_help": {
        "en": "The time step of the one-step equations (clipped to the length of the input).",
        "zh": "单步公式所用的时间步（超出输入长度时取最后一步）。",
    },
    "gates.fbias": {"en": "Forget-gate bias shift Δ", "zh": "遗忘门偏置平移 Δ"},
    "gates.fbias_help": {
        "en": "Adds Δ to the forget-gate bias (GRU: the update-gate bias) of the trained model and of a fresh one. "
              "Larger Δ pushes the gate towards 1: the cell keeps its memory longer.",
        "zh": "在训练好的模型和一个新初始化的模型的遗忘门偏置（GRU：更新门偏置）上加 Δ。Δ 越大，门越接近 1，记忆保持得越久。",
    },
    "gates.color_by": {"en": "Colour the text by", "zh": "文本着色依据"},
    "gates.choice_pending": {"en": "Computing this choice…", "zh": "正在计算此选择……"},
    "gates.color_by_help": {
        "en": "Which value of the chosen unit colours each character: the hidden state h, the cell state c or a gate.",
        "zh": "用所选单元的哪个值给每个字符着色：隐藏状态 h、细胞状态 c 或某个门。",
    },
    "gates.presets_recall": {"en": "Recall, long gap", "zh": "回忆，长间隔"},
    "gates.presets_recall_help": {
        "en": "LSTM on the recall task with a gap of 80 distractors.",
        "zh": "在回忆任务上的 LSTM，间隔为 80 个干扰符号。",
    },
    "gates.presets_forget": {"en": "Weaken the forget gate", "zh": "削弱遗忘门"},
    "gates.presets_forget_help": {
        "en": "Same, with the forget-gate bias lowered by 4: the memory horizon shortens and the recall accuracy at "
              "gap 80 drops (the numbers are under the forget-gate chart).",
        "zh": "同上，但遗忘门偏置降低 4：记忆跨度变短，间隔 80 时的回忆准确率下降（数值见遗忘门图下方）。",
    },
    "gates.presets_lm": {"en": "Sonnets, GRU", "zh": "十四行诗，GRU"},
    "gates.presets_lm_help": {
        "en": "The GRU language model on a passage of the sonnets.",
        "zh": "GRU 语言模型作用在十四行诗的一段文字上。",
    },
    # status
    "gates.training": {"en": "Training {cell} on {task} (first use, weights file missing)...",
                       "zh": "首次使用（缺少权重文件），正在 {task} 上训练 {cell}……"},
    "gates.weights_trained": {
        "en": "The shipped weights for {cell} were missing: this model was trained just now.",
        "zh": "缺少 {cell} 的预训练权重：该模型刚刚完成训练。",
    },
    "gates.input_is": {"en": "Input ({n} characters)", "zh": "输入（{n} 个字符）"},
    # answers
    "gates.recall_answer": {"en": "The model answers **{answer}** (p = {p:.3f}); the flagged symbol is **{truth}**.",
                            "zh": "模型回答 **{answer}**（p = {p:.3f}）；被标记的符号是 **{truth}**。"},
    "gates.recall_noanswer": {
        "en": "The model answers **{answer}** (p = {p:.3f}); your text has no `*` followed by a letter, so there is "
              "no right answer.",
        "zh": "模型回答 **{answer}**（p = {p:.3f}）；你的文本中没有 `*` 后跟字母，因此没有正确答案。",
    },
    "gates.depth_answer": {"en": "Depth predicted correctly at {acc} of the steps of this input.",
                           "zh": "在该输入的 {acc} 的时间步上，深度预测正确。"},
    "gates.lm_answer": {"en": "Most likely next characters: {top}", "zh": "最可能的下一个字符：{top}"},
    "gates.accuracy_caption": {
        "en": "Held-out accuracy of the trained models ({what}): {table}.",
        "zh": "训练好的模型在留出数据上的准确率（{what}）：{table}。",
    },
    "gates.acc_recall": {"en": "recall at gap 100", "zh": "间隔 100 时的回忆"},
    "gates.acc_depth": {"en": "depth at every step", "zh": "每一步的深度"},
    "gates.acc_lm": {"en": "next character, last 10 % of the sonnets", "zh": "下一个字符，十四行诗的最后 10%"},
    "gates.recall_at_gap": {
        "en": "Recall accuracy at gap {gap} with Δ = {delta:+.1f}: {acc} (chance 25 %).",
        "zh": "间隔 {gap}、Δ = {delta:+.1f} 时的回忆准确率：{acc}（随机猜测 25%）。",
    },
    "gates.horizon": {
        "en": "Memory horizon (steps until the average unit keeps less than 1/e of its {state}): trained, Δ = 0: {base}; "
              "trained, Δ = {delta:+.1f}: {trained}; fresh, Δ = {delta:+.1f}: {fresh}. Longest memory of a "
              "single unit: {trained_max} (trained) vs {fresh_max} (fresh).",
        "zh": "记忆跨度（平均单元保留的 {state} 少于 1/e 之前的步数）：训练好的模型，Δ = 0：{base}；训练好的模型，Δ = {delta:+.1f}："
              "{trained}；新模型，Δ = {delta:+.1f}：{fresh}。单个单元的最长记忆：{trained_max}（训练好的）对 {fresh_max}（新的）。",
    },
    "gates.beyond": {"en": "beyond the text", "zh": "超出文本长度"},
    "gates.n_steps": {"en": "{n} steps", "zh": "{n} 步"},
    "gates.one_step": {"en": "1 step", "zh": "1 步"},
    # sections
    "gates.sec_heatmaps": {"en": "Gates and states, per character and unit", "zh": "每个字符、每个单元的门与状态"},
    "gates.sec_unit": {"en": "One unit over time", "zh": "单个单元随时间的变化"},
    "gates.unit_shown": {"en": "Chosen unit: {unit} (units 0 to {last})", "zh": "所选单元：{unit}（共 0 到 {last}）"},
    "gates.path_floor": {"en": "A product below 10⁻³⁰ runs off the bottom of the chart.",
                         "zh": "低于 10⁻³⁰ 的连乘会落到图的下边界之外。"},
    "gates.sec_path": {"en": "The gradient path: a product of gates against the RNN's product of Jacobians",
                       "zh": "梯度路径：门的连乘与普通 RNN 的雅可比连乘"},
    "gates.path_note": {
        "en": "Along the cell state the gradient is multiplied by the forget gates only (no weight matrix, no "
              "squashing derivative): a unit whose f stays near 1 carries it across the whole text. The vanilla RNN "
              "multiplies it by tanh'(a) W_hh at every step, which can shrink or grow it.",
        "zh": "沿细胞状态，梯度只被遗忘门相乘（没有权重矩阵，也没有压缩函数的导数）：f 接近 1 的单元可以把梯度带过整段文本。"
              "普通 RNN 每一步都要乘以 tanh'(a) W_hh，梯度可能因此缩小，也可能增大。",
    },
    "gates.path_note_gru": {
        "en": "GRU: h_t = (1 - z_t) n_t + z_t h_(t-1), so along the direct path the gradient is multiplied by the "
              "update gates z only: a unit whose z stays near 1 carries it across the whole text. The vanilla RNN "
              "multiplies it by tanh'(a) W_hh at every step, which can shrink or grow it.",
        "zh": "GRU：h_t = (1 - z_t) n_t + z_t h_(t-1)，因此沿直接路径梯度只被更新门 z 相乘：z 接近 1 的单元可以把梯度带过整段文本。"
              "普通 RNN 每一步都要乘以 tanh'(a) W_hh，梯度可能因此缩小，也可能增大。",
    },
    "gates.path_numbers": {
        "en": "On this input, from step 1 to the end: the {cell} unit that keeps the most (j = {best}) keeps "
              "∏ {gate} = {kept}; the trained vanilla RNN keeps ‖∂h_T/∂h_1‖ = {rnn}.",
        "zh": "在该输入上，从第 1 步到最后：保留最多的 {cell} 单元（j = {best}）保留 ∏ {gate} = {kept}；"
              "训练好的普通 RNN 保留 ‖∂h_T/∂h_1‖ = {rnn}。",
    },
    "gates.path_more_gated": {"en": "Here the {cell} path keeps more.", "zh": "这里 {cell} 的通路保留得更多。"},
    "gates.path_more_rnn": {
        "en": "Here the vanilla RNN keeps more.",
        "zh": "这里普通 RNN 保留得更多。",
    },
    "gates.path_more_equal": {"en": "Both keep the same.", "zh": "两者保留得一样多。"},
    "gates.sec_bias": {"en": "Forget-gate bias and memory horizon", "zh": "遗忘门偏置与记忆跨度"},
    "gates.sec_step": {"en": "One unit, one step, numbers substituted", "zh": "单个单元、单个时间步：代入数值"},
    "gates.conv_lstm": {
        "en": "Notation elsewhere (deeplearning.ai): their update gate Γ_u is i_t here, Γ_f is f_t, Γ_o is o_t, "
              "their candidate (c̃_t) is g_t and their a_t is h_t.",
        "zh": "其他资料中的记号（deeplearning.ai）：他们的更新门 Γ_u 即这里的 i_t，Γ_f 即 f_t，Γ_o 即 o_t，"
              "他们的候选值（c̃_t）即 g_t，他们的 a_t 即 h_t。",
    },
    "gates.conv_gru": {
        "en": "Convention: PyTorch's GRU, h_t = (1 - z_t) n_t + z_t h_(t-1), with r_t applied after W_hn h_(t-1) + b_hn. "
              "Cho et al. / Chung et al. and deeplearning.ai write the update gate the other way round "
              "(Γ_u = 1 - z_t: h_t = Γ_u h̃_t + (1 - Γ_u) h_(t-1)) and apply r_t to h_(t-1) before the product "
              "with the weights.",
        "zh": "约定：本页使用 PyTorch 的 GRU，h_t = (1 - z_t) n_t + z_t h_(t-1)，r_t 作用在 W_hn h_(t-1) + b_hn 之后。"
              "Cho 等、Chung 等以及 deeplearning.ai 的更新门方向相反（Γ_u = 1 - z_t：h_t = Γ_u h̃_t + (1 - Γ_u) h_(t-1)），"
              "并且在与权重相乘之前就把 r_t 作用在 h_(t-1) 上。",
    },
    "gates.sec_color": {"en": "Your text, coloured by the unit", "zh": "按该单元着色的文本"},
    "gates.color_note": {
        "en": "Each character's background is the value of unit {unit} ({what}) right after reading it; hover for "
              "the number. Red positive, blue negative (gates: dark = 0, light = 1).",
        "zh": "每个字符的背景色是读入该字符后单元 {unit}（{what}）的值；悬停可看数值。红色为正，蓝色为负（门：深色 = 0，浅色 = 1）。",
    },
    "gates.sec_accuracy": {"en": "How well the models learned", "zh": "模型学得怎么样"},
    # figures
    "gates.fig_heat": {"en": "{name}: {desc}", "zh": "{name}：{desc}"},
    "gates.desc_i": {"en": "input gate i_t", "zh": "输入门 i_t"},
    "gates.desc_f": {"en": "forget gate f_t", "zh": "遗忘门 f_t"},
    "gates.desc_g": {"en": "candidate g_t", "zh": "候选值 g_t"},
    "gates.desc_o": {"en": "output gate o_t", "zh": "输出门 o_t"},
    "gates.desc_r": {"en": "reset gate r_t", "zh": "重置门 r_t"},
    "gates.desc_z": {"en": "update gate z_t", "zh": "更新门 z_t"},
    "gates.desc_n": {"en": "candidate n_t", "zh": "候选值 n_t"},
    "gates.desc_c": {"en": "cell state c_t", "zh": "细胞状态 c_t"},
    "gates.desc_h": {"en": "hidden state h_t", "zh": "隐藏状态 h_t"},
    "gates.axis_char": {"en": "input character (time →)", "zh": "输入字符（时间 →）"},
    "gates.axis_unit": {"en": "unit j", "zh": "单元 j"},
    "gates.axis_value": {"en": "value", "zh": "数值"},
    "gates.fig_unit": {"en": "The chosen unit: gates and states over time", "zh": "所选单元：门与状态随时间的变化"},
    "gates.fig_path": {"en": "How much of step t reaches the end (log scale)", "zh": "第 t 步有多少能传到最后（对数刻度）"},
    "gates.axis_path": {"en": "∂(state_T)/∂(state_t)", "zh": "∂(状态_T)/∂(状态_t)"},
    "gates.trace_unit_prod": {"en": "{cell}: ∏ {gate} of the chosen unit", "zh": "{cell}：所选单元的 ∏ {gate}"},
    "gates.trace_best_prod": {"en": "{cell}: ∏ {gate} of unit {unit} (longest memory)",
                              "zh": "{cell}：单元 {unit} 的 ∏ {gate}（记忆最长）"},
    "gates.trace_mean_prod": {"en": "{cell}: ∏ {gate}, mean over units", "zh": "{cell}：∏ {gate}，各单元平均"},
    "gates.trace_rnn": {"en": "vanilla RNN: ‖∏ diag(tanh′) W_hh‖₂", "zh": "普通 RNN：‖∏ diag(tanh′) W_hh‖₂"},
    "gates.fig_bias": {"en": "Mean ∏ {gate} from step t to the end", "zh": "从第 t 步到最后的平均 ∏ {gate}"},
    "gates.trace_base": {"en": "trained, Δ = 0", "zh": "训练好的，Δ = 0"},
    "gates.trace_trained": {"en": "trained, shifted by Δ", "zh": "训练好的，平移 Δ"},
    "gates.trace_fresh": {"en": "fresh, shifted by Δ", "zh": "新初始化，平移 Δ"},
    # (no-break spaces, \u00a0: a line does not break inside "> 1/e", "Δ = 0" or "≥ 64")
    "gates.bias_live": {
        "en": "{state} kept >\u00a01/e for: trained {trained} (Δ\u00a0=\u00a00: {base}), fresh {fresh} steps",
        "zh": "{state} 保留 >\u00a01/e 的步数：训练好的 {trained}（Δ\u00a0=\u00a00：{base}），新模型 {fresh}",
    },
    "gates.bias_live_zero": {
        "en": "{state} kept >\u00a01/e for: trained {trained}, fresh {fresh} steps",
        "zh": "{state} 保留 >\u00a01/e 的步数：训练好的 {trained}，新模型 {fresh}",
    },
    "gates.fig_recall": {"en": "Recall accuracy vs gap", "zh": "回忆准确率与间隔的关系"},
    "gates.axis_gap": {"en": "gap (distractors)", "zh": "间隔（干扰符号数）"},
    "gates.axis_acc": {"en": "accuracy", "zh": "准确率"},
    "gates.chance": {"en": "chance", "zh": "随机猜测"},
    "gates.fig_depth": {"en": "Bracket depth: truth and prediction", "zh": "括号深度：真实值与预测值"},
    "gates.axis_depth": {"en": "depth", "zh": "深度"},
    "gates.true": {"en": "true depth", "zh": "真实深度"},
    "gates.pred": {"en": "predicted ({cell})", "zh": "预测（{cell}）"},
    "gates.hover_heat": {"en": "t=%{x} '%{customdata}'<br>unit %{y}<br>%{z:.3f}",
                         "zh": "t=%{x} '%{customdata}'<br>单元 %{y}<br>%{z:.3f}"},
    "gates.nonfinite": {"en": "Some values are not finite (overflow): they are shown as gaps.",
                        "zh": "部分数值不是有限数（溢出）：显示为空白。"},
}
