"""Strings of the attention page (English and Simplified Chinese)."""

STRINGS = {
    "attention.nav_title": {"en": "Attention heatmaps", "zh": "注意力热力图"},
    "attention.title": {"en": "Attention heatmaps: a seq2seq model that normalises dates",
                        "zh": "注意力热力图：一个规范化日期的序列到序列模型"},
    "attention.what": {
        "en": "A bidirectional GRU encoder reads the date you type character by character, left to right and right "
              "to left, and produces a state h_i for every input character (the sum of both directions). A GRU "
              "decoder then writes the ISO date yyyy-mm-dd one character at a time. Without attention, the decoder "
              "only gets the final encoder state s_0: the whole input squeezed into one vector (the bottleneck). With attention, at every output step t the decoder state s_t scores every encoder "
              "state, the softmax turns the scores into weights a_t(i) that sum to 1, and the weighted average c_t "
              "of the h_i is mixed into the prediction. The heatmap shows those weights: row t is where the decoder "
              "looked while writing output character t. The models were trained here on generated dates (dates of "
              "the held-out set never appear in training).",
        "zh": "双向 GRU 编码器从左到右、再从右到左逐个字符读取你输入的日期，为每个输入字符产生一个状态 h_i（两个方向之和）。"
              "随后 GRU 解码器逐个字符写出 ISO 日期 yyyy-mm-dd。没有注意力时，解码器只能得到编码器的最终状态 s_0：整个输入被"
              "压缩进一个向量（瓶颈）。有注意力时，"
              "在每个输出步 t，解码器状态 s_t 给每个编码器状态打分，softmax 把分数变成总和为 1 的权重 a_t(i)，h_i 的加权平均 "
              "c_t 再参与预测。热力图显示的就是这些权重：第 t 行表示解码器在写第 t 个输出字符时看向输入的哪里。模型在本机用"
              "生成的日期训练（留出测试集中的日期从未出现在训练中）。",
    },
    "attention.score": {"en": "Score function (model)", "zh": "打分函数（模型）"},
    "attention.score_help": {
        "en": "Each score function has its own trained model. 'none' is the baseline without attention: the decoder "
              "only sees the last encoder state.",
        "zh": "每种打分函数都有各自训练好的模型。“无注意力”是基线：解码器只能看到最后一个编码器状态。",
    },
    "attention.model_dot": {"en": "dot: s_t · h_i", "zh": "点积：s_t · h_i"},
    "attention.model_general": {"en": "general: s_tᵀ R h_i", "zh": "一般（双线性）：s_tᵀ R h_i"},
    "attention.model_concat": {"en": "concat: vᵀ tanh(R [s_t; h_i])", "zh": "拼接：vᵀ tanh(R [s_t; h_i])"},
    "attention.model_none": {"en": "none (no attention, baseline)", "zh": "无注意力（基线）"},
    "attention.example": {"en": "Pick an example", "zh": "选择一个示例"},
    "attention.example_help": {
        "en": "Choosing an example copies it into the text box, where you can edit it.",
        "zh": "选择示例会把它复制到下面的输入框，你可以继续修改。",
    },
    "attention.text": {"en": "Type a date", "zh": "输入一个日期"},
    "attention.text_help": {
        "en": "Any format the model was trained on, e.g. '3 March 2021', '03/03/21' (month first), '03.03.2021' "
              "(day first), 'Wednesday, March 3rd 2021', '2021年3月3日'. Years 1950-2049; letters, digits, space, "
              "' , - . / and 年月日星期一二三四五六 only; at most 40 characters.",
        "zh": "模型训练过的任意格式，例如 “3 March 2021”、“03/03/21”（月在前）、“03.03.2021”（日在前）、"
              "“Wednesday, March 3rd 2021”、“2021年3月3日”。年份 1950–2049；只能用字母、数字、空格、' , - . / 以及"
              "年月日星期一二三四五六；最多 40 个字符。",
    },
    "attention.output": {"en": "Model output: **{out}**", "zh": "模型输出：**{out}**"},
    "attention.step": {"en": "Decoding step t", "zh": "解码步 t"},
    "attention.step_help": {
        "en": "Which output character to inspect: its decoder state s_t, scores, weights, context c_t and output "
              "distribution. Its row is outlined on the heatmap.",
        "zh": "选择要查看的输出字符：它的解码器状态 s_t、分数、权重、上下文 c_t 以及输出分布。热力图上对应的行会被框出。",
    },
    "attention.prev": {"en": "◀ Previous", "zh": "◀ 上一步"},
    "attention.prev_help": {"en": "Go back one decoding step.", "zh": "后退一个解码步。"},
    "attention.next": {"en": "Next ▶", "zh": "下一步 ▶"},
    "attention.next_help": {"en": "Go to the next decoding step.", "zh": "前进到下一个解码步。"},
    "attention.step_summary": {
        "en": "Step {t}: the decoder writes **'{c}'** with probability {p:.3f} (next most likely: {others}).",
        "zh": "第 {t} 步：解码器以概率 {p:.3f} 写出 **“{c}”**（其次可能：{others}）。",
    },
    "attention.step_focus": {
        "en": "The largest weight, {w:.3f}, is on input character {i} **'{x}'**.",
        "zh": "最大权重 {w:.3f} 落在第 {i} 个输入字符 **“{x}”** 上。",
    },
    "attention.tab_heat": {"en": "Heatmap", "zh": "热力图"},
    "attention.tab_step": {"en": "Step through decoding", "zh": "逐步解码"},
    "attention.tab_bottleneck": {"en": "Bottleneck", "zh": "瓶颈"},
    "attention.tab_tf": {"en": "Teacher forcing", "zh": "教师强制"},
    "attention.training": {"en": "Training the {kind} model (weights file missing)…", "zh": "正在训练 {kind} 模型（缺少权重文件）……"},
    "attention.trained_caption": {
        "en": "Model '{kind}': {acc} exact match on {n} held-out dates (never seen in training).",
        "zh": "模型 “{kind}”：在 {n} 个留出日期（训练中从未见过）上完全匹配率 {acc}。",
    },
    "attention.baseline_info": {
        "en": "The baseline has no attention, so there is no heatmap: pick a score function to see the alignment. "
              "Its output is still shown above, and the Bottleneck tab compares it with the attention models.",
        "zh": "基线模型没有注意力，所以没有热力图：选择一种打分函数即可看到对齐。上方仍显示它的输出，“瓶颈”页将它与注意力模型比较。",
    },
    "attention.hover_heat": {
        "en": "output %{y}: '%{customdata[0]}'<br>input %{x}: '%{customdata[1]}'<br>a = %{z:.4f}",
        "zh": "输出第 %{y} 个：“%{customdata[0]}”<br>输入第 %{x} 个：“%{customdata[1]}”<br>a = %{z:.4f}",
    },
    "attention.axis_input": {"en": "input character i", "zh": "输入字符 i"},
    "attention.axis_output": {"en": "output step t: character", "zh": "输出步 t：字符"},
    "attention.heat_title": {"en": "Attention weights a_t(i): {src} → {out}", "zh": "注意力权重 a_t(i)：{src} → {out}"},
    "attention.no_attention_note": {"en": "No attention in the baseline", "zh": "基线模型没有注意力"},
    "attention.step_title": {"en": "Scores and softmax weights at step t", "zh": "第 t 步的分数与 softmax 权重"},
    "attention.scores_label": {"en": "score(s_t, h_i)", "zh": "分数 score(s_t, h_i)"},
    "attention.weights_label": {"en": "weight a_t(i) = softmax of the scores", "zh": "权重 a_t(i)＝分数的 softmax"},
    "attention.vectors_title": {"en": "s_t, c_t and h̃_t at step t", "zh": "第 t 步的 s_t、c_t 与 h̃_t"},
    # the colour bar's title: its range is the largest |value| of every step, not of the step shown
    "attention.vectors_scale": {"en": "scale: all steps", "zh": "色标：所有步"},
    "attention.axis_unit": {"en": "unit", "zh": "单元"},
    "attention.probs_title": {"en": "Output distribution p(y_t) at step t", "zh": "第 t 步的输出分布 p(y_t)"},
    "attention.axis_char": {"en": "output character", "zh": "输出字符"},
    "attention.bottleneck_what": {
        "en": "Exact-match accuracy (all 10 output characters right) on the fixed held-out set, grouped by the length "
            "of the input. All four models were trained the same way (same data, steps and seed); the baseline "
            "decodes from the last encoder state only.",
        "zh": "在固定的留出测试集上的完全匹配率（10 个输出字符全部正确），按输入长度分组。四个模型的训练方式完全相同"
              "（相同的数据、步数和种子）；基线只从最后一个编码器状态解码。",
    },
    "attention.n_eval": {"en": "Held-out examples", "zh": "留出样本数"},
    "attention.n_eval_help": {
        "en": "How many generated held-out dates to evaluate (the first n of the same fixed seeded set).",
        "zh": "评估多少个生成的留出日期（同一个固定种子集合的前 n 个）。",
    },
    "attention.col_model": {"en": "model", "zh": "模型"},
    "attention.col_acc": {"en": "exact match", "zh": "完全匹配率"},
    "attention.col_n": {"en": "examples", "zh": "样本数"},
    "attention.bottleneck_title": {"en": "Exact match against input length", "zh": "完全匹配率与输入长度"},
    "attention.axis_length": {"en": "input length (characters)", "zh": "输入长度（字符）"},
    "attention.axis_acc": {"en": "exact match", "zh": "完全匹配率"},
    "attention.tf_what": {
        "en": "Three short training runs of a small attention model (dot score, D = 32, batch 64, same seed): the "
              "decoder input at step t is the true previous character with probability ε (teacher forcing) and its "
              "own greedy prediction otherwise. Always teacher forcing (ε = 1) trains fast but never practises on "
              "its own mistakes; never (ε = 0) is hard at the start; scheduled sampling decays ε during training. "
              "Loss is measured on the inputs each run actually fed; accuracy is always greedy decoding on held-out "
              "dates.",
        "zh": "对一个小型注意力模型（点积打分，D = 32，批量 64，相同种子）做三次短训练：解码器在第 t 步的输入以概率 ε "
              "取真实的前一个字符（教师强制），否则取它自己的贪心预测。始终教师强制（ε = 1）训练快，但从不练习纠正自己的错误；"
              "从不教师强制（ε = 0）起步困难；计划采样在训练中逐渐减小 ε。损失是在每次运行实际输入上测得的；准确率始终是"
              "在留出日期上贪心解码的结果。",
    },
    "attention.decay": {"en": "Decay of ε (scheduled sampling)", "zh": "ε 的衰减方式（计划采样）"},
    "attention.decay_help": {
        "en": "Linear ε = max(0, 1 − i/n); exponential ε = kⁱ with ε = 0.01 at the end; inverse sigmoid "
              "ε = k/(k + exp(i/k)) with ε = 0.5 at mid-run.",
        "zh": "线性 ε = max(0, 1 − i/n)；指数 ε = kⁱ，结束时 ε = 0.01；逆 sigmoid ε = k/(k + exp(i/k))，训练过半时 ε = 0.5。",
    },
    "attention.tf_steps": {"en": "Steps per run", "zh": "每次运行的步数"},
    "attention.tf_steps_help": {
        "en": "Length of each comparison run. 300 steps are precomputed and shipped; other lengths train now "
              "(a few seconds per 100 steps, then cached).",
        "zh": "每次对比运行的长度。300 步的结果已预先计算并随程序提供；其他长度会现场训练（每 100 步几秒钟，之后缓存）。",
    },
    "attention.tf_training": {"en": "Training the comparison run '{sched}'…", "zh": "正在训练对比运行 “{sched}”……"},
    "attention.sched_teacher": {"en": "always teacher forcing (ε = 1)", "zh": "始终教师强制（ε = 1）"},
    "attention.sched_free": {"en": "never (ε = 0)", "zh": "从不（ε = 0）"},
    "attention.sched_linear": {"en": "linear decay", "zh": "线性衰减"},
    "attention.sched_exponential": {"en": "exponential decay", "zh": "指数衰减"},
    "attention.sched_inverse_sigmoid": {"en": "inverse sigmoid decay", "zh": "逆 sigmoid 衰减"},
    "attention.col_sched": {"en": "schedule", "zh": "方案"},
    "attention.col_final_loss": {"en": "final loss (mean of last 20 steps)", "zh": "最终损失（最后 20 步平均）"},
    "attention.col_final_acc": {"en": "final held-out exact match", "zh": "最终留出完全匹配率"},
    "attention.col_seconds": {"en": "training time (s)", "zh": "训练时间（秒）"},
    "attention.tf_title": {"en": "Training loss and ε per step", "zh": "每步的训练损失与 ε"},
    "attention.tf_acc_title": {"en": "Held-out exact match during training (greedy decoding)",
                               "zh": "训练过程中的留出完全匹配率（贪心解码）"},
    "attention.axis_loss": {"en": "cross-entropy loss", "zh": "交叉熵损失"},
    "attention.axis_step": {"en": "training step", "zh": "训练步"},
}
