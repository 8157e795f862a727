"""Strings of the step-through page (forward pass and BPTT with the real numbers)."""

STRINGS = {
    "stepthrough.nav_title": {"en": "Step through the unrolled RNN", "zh": "逐步展开 RNN"},
    "stepthrough.title": {"en": "Step through the unrolled RNN: forward pass and BPTT",
                          "zh": "逐步展开 RNN：前向传播与随时间反向传播（BPTT）"},
    "stepthrough.what": {
        "en": "A small tanh RNN (at most 4 hidden units, so every number fits) unrolled over your input. "
              "Step forward to see how each hidden state h_t is computed from x_t and h_(t-1), then the output o_t, "
              "the softmax prediction ŷ_t and the loss L_t. Switch to the backward phase to walk from the last step "
              "to the first: the gradient δ_t = ∂L/∂h_t is the sum of what arrives from the output at t and what "
              "comes back from step t+1 through W_hhᵀ and tanh′. Every number is the value the engine (rnnviz.trace) "
              "computed; the check tab compares the hand BPTT with torch autograd. Entries that changed at the "
              "current step are shown in orange. Convention: L is the sum of the losses over the steps; texts that "
              "average them (L = (1/T) Σ L_t) get every gradient T times smaller.",
        "zh": "一个小型 tanh RNN（最多 4 个隐藏单元，保证每个数字都能显示）在你的输入上按时间展开。"
              "向前逐步查看每个隐藏状态 h_t 如何由 x_t 和 h_(t-1) 计算得到，再得到输出 o_t、softmax 预测 ŷ_t 和损失 L_t。"
              "切换到反向阶段，从最后一步走回第一步：梯度 δ_t = ∂L/∂h_t 等于来自第 t 步输出的部分，加上从第 t+1 步经 "
              "W_hhᵀ 和 tanh′ 传回的部分。所有数字都是计算引擎（rnnviz.trace）算出的真实值；“核对”标签页把手算的 BPTT "
              "与 torch 自动求导进行比较。当前步中发生变化的数值以橙色显示。约定：L 是各步损失之和；"
              "有些教材取平均（L = (1/T) Σ L_t），那样每个梯度都会小 T 倍。",
    },
    # words inside the equations (LaTeX \text{...}; rnnviz.labs.stepthrough_latex)
    "stepthrough.tex_from": {"en": "from", "zh": "来自"},
    "stepthrough.tex_no_loss": {"en": "no loss at step {t}", "zh": "第 {t} 步没有损失"},
    "stepthrough.tex_cut": {"en": "cut at the chunk boundary (k = {k})", "zh": "在块边界处截断（k = {k}）"},
    "stepthrough.tex_none_last": {"en": "none (last step)", "zh": "无（最后一步）"},
    "stepthrough.tex_no_output": {"en": "no output", "zh": "无输出"},
    # controls
    "stepthrough.input": {"en": "Input", "zh": "输入"},
    "stepthrough.input_help": {
        "en": "A typed word as one-hot letters (the target is the next letter), a sequence of numbers (the target is 1 "
              "when the running sum is positive), or random Gaussian inputs with random classes.",
        "zh": "输入的单词按字母做独热编码（目标是下一个字母）；或一串数字（当累积和为正时目标为 1）；或随机高斯输入配随机类别。",
    },
    "stepthrough.input_word": {"en": "Word (one-hot letters)", "zh": "单词（独热字母）"},
    "stepthrough.input_numbers": {"en": "Numbers", "zh": "数字序列"},
    "stepthrough.input_random": {"en": "Random", "zh": "随机"},
    "stepthrough.word": {"en": "Word (letters {vocab})", "zh": "单词（字母 {vocab}）"},
    "stepthrough.word_help": {
        "en": "Each letter becomes a one-hot vector x_t; the network predicts the next letter. Only the letters shown are known.",
        "zh": "每个字母变成一个独热向量 x_t；网络预测下一个字母。只能使用所列出的字母。",
    },
    "stepthrough.target_word": {"en": "Decoder target (empty: the word reversed)", "zh": "解码器目标（留空：单词倒序）"},
    "stepthrough.target_word_help": {
        "en": "Encoder-decoder only: the word the decoder must emit, M letters after reading the N input letters.",
        "zh": "仅用于编码器-解码器：解码器在读完 N 个输入字母后需要输出的 M 个字母的单词。",
    },
    "stepthrough.numbers": {"en": "Numbers x_t", "zh": "数字 x_t"},
    "stepthrough.numbers_help": {
        "en": "Comma-separated numbers, one per step (at most 16). Also the input of the scalar U, W, V tab.",
        "zh": "用逗号分隔的数字，每步一个（最多 16 个）。也是标量 U、W、V 标签页的输入。",
    },
    "stepthrough.length": {"en": "Steps (random input)", "zh": "步数（随机输入）"},
    "stepthrough.length_help": {"en": "Number of time steps T of the random sequence.", "zh": "随机序列的时间步数 T。"},
    "stepthrough.pattern": {"en": "Architecture", "zh": "结构"},
    "stepthrough.pattern_help": {
        "en": "Which steps have an output and a loss, and how many RNNs there are: the diagram, the losses and where "
              "the gradient enters change with it.",
        "zh": "哪些时间步有输出和损失、有几个 RNN：示意图、损失以及梯度进入的位置都会随之改变。",
    },
    "stepthrough.pattern_many_to_many": {"en": "Many-to-many (loss every step)", "zh": "多对多（每步都有损失）"},
    "stepthrough.pattern_many_to_one": {"en": "Many-to-one (loss at the last step)", "zh": "多对一（仅最后一步有损失）"},
    "stepthrough.pattern_one_to_many": {"en": "One-to-many (one input, then generation)", "zh": "一对多（一个输入，然后生成）"},
    "stepthrough.pattern_enc_dec": {"en": "Encoder-decoder (N to M)", "zh": "编码器-解码器（N 到 M）"},
    "stepthrough.pattern_bidirectional": {"en": "Bidirectional", "zh": "双向"},
    "stepthrough.hidden": {"en": "Hidden units H", "zh": "隐藏单元数 H"},
    "stepthrough.hidden_help": {"en": "Size of h_t (1 to 4, so every number fits on screen).",
                                "zh": "h_t 的维度（1 到 4，保证所有数字都能显示）。"},
    "stepthrough.weights": {"en": "Weights", "zh": "权重"},
    "stepthrough.weights_help": {
        "en": "Trained: the shipped next-letter model (word input, one RNN). Random: seeded uniform weights "
              "in ±scale/√H.",
        "zh": "已训练：随附的下一个字母预测模型（单词输入、单个 RNN）。随机：按种子生成、范围为 ±scale/√H 的均匀分布权重。",
    },
    "stepthrough.weights_trained": {"en": "Trained", "zh": "已训练"},
    "stepthrough.weights_random": {"en": "Random", "zh": "随机"},
    "stepthrough.seed": {"en": "Seed", "zh": "随机种子"},
    "stepthrough.seed_help": {"en": "Seed of the random weights and of the random input.",
                              "zh": "随机权重和随机输入所用的种子。"},
    "stepthrough.scale": {"en": "Random weight scale", "zh": "随机权重尺度"},
    "stepthrough.scale_help": {
        "en": "Random weights are uniform in ±scale/√H: larger values give larger gradients through W_hh.",
        "zh": "随机权重在 ±scale/√H 内均匀分布：数值越大，经过 W_hh 的梯度越大。",
    },
    "stepthrough.k": {"en": "Truncated BPTT: chunk length k (0 = full)", "zh": "截断 BPTT：块长度 k（0 = 完整）"},
    "stepthrough.k_help": {
        "en": "The forward state carries across chunk boundaries, but the gradient stops at them (h.detach() every k steps).",
        "zh": "前向状态跨越块边界继续传递，但梯度在边界处停止（每 k 步执行一次 h.detach()）。",
    },
    "stepthrough.phase": {"en": "Phase", "zh": "阶段"},
    "stepthrough.phase_help": {"en": "Forward: t = 1 … T. Backward (BPTT): t = T … 1.",
                               "zh": "前向：t = 1 … T。反向（BPTT）：t = T … 1。"},
    "stepthrough.phase_forward": {"en": "forward", "zh": "前向"},
    "stepthrough.phase_backward": {"en": "backward (BPTT)", "zh": "反向（BPTT）"},
    "stepthrough.t": {"en": "Time step t", "zh": "时间步 t"},
    "stepthrough.t_help": {"en": "The step shown in the equations; highlighted on the diagram and the heatmaps.",
                           "zh": "公式中显示的时间步；在示意图和热图中高亮显示。"},
    "stepthrough.speed": {"en": "Play speed (seconds per step)", "zh": "播放速度（每步秒数）"},
    "stepthrough.speed_help": {"en": "How long Play waits before moving to the next step.",
                               "zh": "播放时每前进一步所等待的时间。"},
    "stepthrough.back": {"en": "◀ Back", "zh": "◀ 上一步"},
    "stepthrough.back_help": {"en": "One step back in the current phase.", "zh": "在当前阶段后退一步。"},
    "stepthrough.next": {"en": "Next ▶", "zh": "下一步 ▶"},
    "stepthrough.next_help": {"en": "One step forward in the current phase (backward phase: towards t = 1).",
                              "zh": "在当前阶段前进一步（反向阶段：朝 t = 1 方向）。"},
    "stepthrough.play": {"en": "Play", "zh": "播放"},
    "stepthrough.play_help": {"en": "Advance by itself until the end of the phase.", "zh": "自动前进直到本阶段结束。"},
    "stepthrough.stop": {"en": "Stop", "zh": "停止"},
    "stepthrough.stop_help": {"en": "Stop playing.", "zh": "停止播放。"},
    "stepthrough.U": {"en": "U (input weight)", "zh": "U（输入权重）"},
    "stepthrough.U_help": {"en": "Scalar input weight of the one-unit RNN.", "zh": "单单元 RNN 的标量输入权重。"},
    "stepthrough.W": {"en": "W (recurrent weight)", "zh": "W（循环权重）"},
    "stepthrough.W_help": {"en": "Scalar recurrent weight: |W| < 1 shrinks the gradient at each step back.",
                           "zh": "标量循环权重：|W| < 1 时梯度每向后一步都会缩小。"},
    "stepthrough.V": {"en": "V (output weight)", "zh": "V（输出权重）"},
    "stepthrough.V_help": {"en": "Scalar output weight before the sigmoid.", "zh": "sigmoid 之前的标量输出权重。"},
    # tabs and panels
    "stepthrough.tab_step": {"en": "Step by step", "zh": "逐步计算"},
    "stepthrough.tab_check": {"en": "Check vs autograd", "zh": "与自动求导核对"},
    "stepthrough.tab_scalar": {"en": "Scalar U, W, V", "zh": "标量 U、W、V"},
    "stepthrough.tab_trunc": {"en": "Truncated BPTT", "zh": "截断 BPTT"},
    "stepthrough.forward_eqs": {"en": "Forward pass at step {t}", "zh": "第 {t} 步的前向计算"},
    "stepthrough.backward_eqs": {"en": "BPTT at step {t}: the two sources of δ and the running gradient sums",
                                 "zh": "第 {t} 步的 BPTT：δ 的两个来源与梯度累加和"},
    "stepthrough.weights_eqs": {"en": "The weights of this network (numbers)", "zh": "该网络的权重（数值）"},
    "stepthrough.playing": {"en": "Playing… step {t} of {n}", "zh": "播放中……第 {t} 步，共 {n} 步"},
    "stepthrough.note_trained_na": {
        "en": "The trained weights exist for word input with one RNN (many-to-many, many-to-one, one-to-many); "
              "random weights are used here.",
        "zh": "已训练权重只适用于单词输入和单个 RNN（多对多、多对一、一对多）；此处使用随机权重。",
    },
    "stepthrough.trained_caption": {
        "en": "Trained next-letter model (H = {H}): next-letter accuracy {acc} on its {n} training words.",
        "zh": "已训练的下一个字母预测模型（H = {H}）：在 {n} 个训练单词上的下一个字母准确率为 {acc}。",
    },
    "stepthrough.training": {"en": "Training the next-letter model (weights file missing)…",
                             "zh": "正在训练下一个字母预测模型（缺少权重文件）……"},
    "stepthrough.check_ok": {"en": "Hand BPTT and the engine equal torch autograd: max |difference| = {d:.1e} (float64).",
                             "zh": "手算 BPTT 和计算引擎都与 torch 自动求导一致：最大绝对差 = {d:.1e}（float64）。"},
    "stepthrough.check_bad": {"en": "Hand BPTT or the engine differs from torch autograd: max |difference| = {d:.1e}.",
                              "zh": "手算 BPTT 或计算引擎与 torch 自动求导不一致：最大绝对差 = {d:.1e}。"},
    "stepthrough.check_what": {
        "en": "Each row: a parameter's gradient by the hand BPTT of this page, its norm, the same gradient from torch "
              "autograd (same network, float64, h.detach() at chunk boundaries when k > 0), the largest absolute "
              "difference, and (full BPTT) the largest difference between the engine's rnnviz.trace gradients and torch "
              "autograd through the real nn.RNN modules run on whole sequences. W_xh, W_hh, b belong to "
              "the RNN named before the dot (f: forward/only RNN, b: backward direction, enc/dec).",
        "zh": "每一行：本页手算 BPTT 得到的某个参数的梯度及其范数、torch 自动求导得到的同一梯度（同一网络、float64，k > 0 时在"
              "块边界执行 h.detach()）、两者的最大绝对差，以及（完整 BPTT 时）计算引擎 rnnviz.trace 的梯度与 torch 自动求导"
              "（真实的 nn.RNN 模块、整个序列）之间的最大绝对差。W_xh、W_hh、b "
              "属于点号前所写的 RNN（f：前向或唯一的 RNN，b：反向，enc/dec：编码器/解码器）。",
    },
    "stepthrough.col_param": {"en": "parameter", "zh": "参数"},
    "stepthrough.col_shape": {"en": "shape", "zh": "形状"},
    "stepthrough.col_hand": {"en": "‖hand‖", "zh": "‖手算‖"},
    "stepthrough.col_auto": {"en": "‖autograd‖", "zh": "‖自动求导‖"},
    "stepthrough.col_diff": {"en": "max |hand − autograd|", "zh": "最大 |手算 − 自动求导|"},
    "stepthrough.col_engine": {"en": "max |engine − nn.RNN autograd|", "zh": "最大 |引擎 − nn.RNN 自动求导|"},
    "stepthrough.col_full": {"en": "‖full BPTT‖", "zh": "‖完整 BPTT‖"},
    "stepthrough.col_trunc": {"en": "‖truncated‖", "zh": "‖截断‖"},
    "stepthrough.col_cos": {"en": "cosine", "zh": "余弦相似度"},
    "stepthrough.col_rel": {"en": "relative difference", "zh": "相对差"},
    "stepthrough.scalar_what": {
        "en": "One hidden unit, scalar weights U, W, V (no biases), a sigmoid output and binary cross-entropy at every "
              "step, on the numbers x_t above with targets y_t = 1 when x_1 + … + x_t > 0. The textbook derivation at "
              "step {t}, each line evaluated. (Some textbook versions write the recursion with 1 - h_t²; the "
              "factor is 1 - h_(t+1)², the tanh′ of step t+1 through which h_t reaches the later losses, as here.)",
        "zh": "一个隐藏单元、标量权重 U、W、V（无偏置）、sigmoid 输出、每步都计算二元交叉熵，输入为上面的数字 x_t，"
              "当 x_1 + … + x_t > 0 时目标 y_t = 1。第 {t} 步的教科书推导，每一行都代入了数值。（有些教材在递推式中写作 1 - h_t²；"
              "正确的因子是 1 - h_(t+1)²，即 h_t 通向后面损失所经过的第 t+1 步的 tanh′，本页即如此。）",
    },
    "stepthrough.conv_one_to_many": {
        "en": "One-to-many here: x_1 is the input and x_2…x_T are zeros. (The decoder-style alternative feeds each "
              "output back in as the next input.)",
        "zh": "这里的一对多：x_1 是输入，x_2…x_T 为零。（另一种解码器式做法是把每一步的输出作为下一步的输入。）",
    },
    "stepthrough.conv_enc_dec": {
        "en": "Encoder-decoder with teacher forcing: the decoder's input at each step is the correct previous letter "
              "(zeros at its first step), not its own prediction.",
        "zh": "使用教师强制的编码器-解码器：解码器每一步的输入是正确的上一个字母（第一步为零），而不是它自己的预测。",
    },
    "stepthrough.scalar_check": {
        "en": "Totals: ∂L/∂U = {dU:.6f}, ∂L/∂W = {dW:.6f}, ∂L/∂V = {dV:.6f}; torch autograd agrees to {d:.1e}.",
        "zh": "总和：∂L/∂U = {dU:.6f}，∂L/∂W = {dW:.6f}，∂L/∂V = {dV:.6f}；与 torch 自动求导的差为 {d:.1e}。",
    },
    "stepthrough.trunc_what": {
        "en": "With chunk length k the forward pass is unchanged, but BPTT stops at every chunk boundary: δ_t gets no "
              "contribution from step t+1 when t+1 starts a new chunk. The parameter gradient is then a biased "
              "estimate of the full one; the table shows how far it moves.",
        "zh": "块长度为 k 时前向计算不变，但 BPTT 在每个块边界处停止：当 t+1 是新块的第一步时，δ_t 不再获得来自第 t+1 步的贡献。"
              "此时参数梯度是完整梯度的有偏估计；表格显示两者相差多少。",
    },
    "stepthrough.trunc_off": {"en": "Set k > 0 in the sidebar to truncate; here k = 0 (full BPTT).",
                              "zh": "在侧边栏中设置 k > 0 以进行截断；当前 k = 0（完整 BPTT）。"},
    "stepthrough.nonfinite": {"en": "Some values are not finite (overflow): they are shown as nan/∞.",
                              "zh": "部分数值不是有限值（溢出）：显示为 nan/∞。"},
    # plots
    "stepthrough.node_x": {"en": "input x_t", "zh": "输入 x_t"},
    "stepthrough.node_h": {"en": "hidden h_t", "zh": "隐藏状态 h_t"},
    "stepthrough.node_o": {"en": "output o_t, ŷ_t", "zh": "输出 o_t、ŷ_t"},
    "stepthrough.node_L": {"en": "loss L_t", "zh": "损失 L_t"},
    "stepthrough.axis_step": {"en": "time step t", "zh": "时间步 t"},
    "stepthrough.axis_class": {"en": "class", "zh": "类别"},
    "stepthrough.diagram_title": {"en": "Unrolled RNN, {phase}", "zh": "展开的 RNN，{phase}"},
    "stepthrough.step_of": {"en": "{t} of {n}", "zh": "第 {t} 步，共 {n} 步"},
    "stepthrough.heatmap_title": {"en": "Hidden states h_t (unit × step)", "zh": "隐藏状态 h_t（单元 × 时间步）"},
    "stepthrough.outputs_title": {"en": "ŷ_t (× = target), L_t; L = {loss}",
                                  "zh": "ŷ_t（× = 目标）、L_t；L = {loss}"},
    "stepthrough.target": {"en": "target", "zh": "目标"},
    "stepthrough.grad_title": {"en": "‖∂L/∂h_t‖ per step", "zh": "每步的 ‖∂L/∂h_t‖"},
    "stepthrough.grad_direct": {"en": "from the output at t", "zh": "来自第 t 步的输出"},
    "stepthrough.grad_full": {"en": "total, full BPTT", "zh": "总梯度，完整 BPTT"},
    "stepthrough.grad_trunc": {"en": "total, truncated k={k}", "zh": "总梯度，截断 k={k}"},
    "stepthrough.full": {"en": "full BPTT", "zh": "完整 BPTT"},
    "stepthrough.truncated": {"en": "truncated, k = {k}", "zh": "截断，k = {k}"},
    "stepthrough.trunc_title": {"en": "Parameter gradient norms: full vs truncated BPTT",
                                "zh": "参数梯度范数：完整 BPTT 与截断 BPTT"},
}
