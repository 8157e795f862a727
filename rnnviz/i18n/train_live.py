"""Strings of the train-live page (issue 6)."""

STRINGS = {
    "train_live.nav_title": {"en": "Train live", "zh": "实时训练"},
    "train_live.title": {"en": "Train live", "zh": "实时训练"},
    "train_live.intro": {
        "en": "Choose a task and a network in the sidebar, then press **Start**. Training runs in the background; "
              "the charts refresh twice a second. **Pause** keeps the model, **Stop** ends the run, **Reset** clears it.",
        "zh": "在侧边栏选择任务和网络，然后点击 **开始**。训练在后台运行，图表每秒刷新两次。"
              "**暂停** 保留模型，**停止** 结束本次训练，**重置** 清除结果。",
    },
    # controls
    "train_live.task": {"en": "Task", "zh": "任务"},
    "train_live.task_help": {
        "en": "Language model: predict the next character of a text (Shakespeare's sonnets or your own). "
              "Names: read a surname letter by letter and guess its language (20 languages).",
        "zh": "语言模型：预测文本中的下一个字符（莎士比亚十四行诗或你粘贴的文本）。姓名分类：逐个字母读入姓氏并判断其语言（20 种语言）。",
    },
    "train_live.task_lm": {"en": "Character language model", "zh": "字符级语言模型"},
    "train_live.task_names": {"en": "Name → language", "zh": "姓名 → 语言"},
    "train_live.cell": {"en": "Cell", "zh": "单元类型"},
    "train_live.cell_help": {
        "en": "RNN: a plain tanh recurrence, prone to vanishing/exploding gradients. LSTM and GRU: gated cells "
              "that keep gradients alive over longer spans.",
        "zh": "RNN：普通的 tanh 循环，容易出现梯度消失或爆炸。LSTM 与 GRU：带门控的单元，能在更长的跨度上保持梯度。",
    },
    "train_live.hidden": {"en": "Hidden size", "zh": "隐藏层大小"},
    "train_live.hidden_help": {"en": "Units per recurrent layer (H). Bigger learns more but trains slower.",
                               "zh": "每个循环层的单元数 H。越大学得越多，但训练越慢。"},
    "train_live.layers": {"en": "Layers", "zh": "层数"},
    "train_live.layers_help": {
        "en": "One or two stacked recurrent layers. The gradient heatmap shows the top layer (the one the read-out uses).",
        "zh": "一层或两层堆叠的循环层。梯度热图显示最上层（输出层读取的那一层）。",
    },
    "train_live.bptt": {"en": "Truncated-BPTT length", "zh": "截断 BPTT 长度"},
    "train_live.bptt_help": {
        "en": "Language model: the gradient flows back at most this many characters; the hidden state is carried "
              "over (detached) between steps. Names are always back-propagated through the whole name.",
        "zh": "语言模型：梯度最多反向传播这么多个字符；隐藏状态在步与步之间传递（但不回传梯度）。姓名任务总是对整个姓名做完整反向传播。",
    },
    "train_live.batch": {"en": "Batch size", "zh": "批大小"},
    "train_live.batch_help": {"en": "Sequences per optimisation step (B).", "zh": "每个优化步使用的序列数 B。"},
    "train_live.lr": {"en": "Learning rate", "zh": "学习率"},
    "train_live.lr_help": {
        "en": "Step size. Adam works well near 0.003; plain SGD needs larger values (0.1-1).",
        "zh": "步长。Adam 在 0.003 左右效果好；普通 SGD 需要更大的值（0.1-1）。",
    },
    "train_live.optimizer": {"en": "Optimiser", "zh": "优化器"},
    "train_live.optimizer_help": {"en": "SGD: θ ← θ − η g. Adam: per-parameter step sizes from running moments of g.",
                                  "zh": "SGD：θ ← θ − η g。Adam：根据梯度的滑动矩为每个参数自适应步长。"},
    "train_live.clip": {"en": "Gradient clipping threshold", "zh": "梯度裁剪阈值"},
    "train_live.clip_help": {
        "en": "If the global gradient norm ‖g‖ exceeds c, g is rescaled to norm c. 'off' never clips. "
              "Clipped steps are marked with red crosses.",
        "zh": "若全局梯度范数 ‖g‖ 超过 c，则把 g 缩放到范数 c。“关闭”表示不裁剪。被裁剪的步用红叉标出。",
    },
    "train_live.clip_off": {"en": "off", "zh": "关闭"},
    "train_live.max_steps": {"en": "Stop after (steps)", "zh": "最多训练步数"},
    "train_live.max_steps_help": {"en": "The run ends by itself after this many optimisation steps.",
                                  "zh": "训练在这么多个优化步之后自动结束。"},
    "train_live.corpus": {"en": "Training text", "zh": "训练文本"},
    "train_live.corpus_help": {"en": "Shakespeare's sonnets (public domain, 95k characters) or a text you paste.",
                               "zh": "莎士比亚十四行诗（公有领域，约 9.5 万字符）或你粘贴的文本。"},
    "train_live.corpus_sonnets": {"en": "Shakespeare's sonnets", "zh": "莎士比亚十四行诗"},
    "train_live.corpus_pasted": {"en": "Pasted text", "zh": "粘贴的文本"},
    "train_live.text": {"en": "Your text", "zh": "你的文本"},
    "train_live.text_help": {
        "en": "At least 200 characters; any characters (at most 200 distinct). Longer text gives better samples.",
        "zh": "至少 200 个字符；字符不限（最多 200 种不同字符）。文本越长，生成结果越好。",
    },
    "train_live.temperature": {"en": "Sampling temperature", "zh": "采样温度"},
    "train_live.temperature_help": {
        "en": "τ in softmax(z/τ): low values pick the most likely characters (repetitive), high values are more random.",
        "zh": "softmax(z/τ) 中的 τ：较低时选取最可能的字符（较重复），较高时更随机。",
    },
    "train_live.name": {"en": "Type a surname", "zh": "输入一个姓氏"},
    "train_live.name_help": {
        "en": "Letters A-Z (no accents), apostrophe, hyphen, space. The chart shows the class probabilities after each letter.",
        "zh": "仅限字母 A-Z（不带重音符号）、撇号、连字符和空格。图中显示读入每个字母后的各语言概率。",
    },
    "train_live.start": {"en": "Start", "zh": "开始"},
    "train_live.start_help": {"en": "Start training with the settings in the sidebar (or continue a paused run).",
                              "zh": "用侧边栏中的设置开始训练（或继续已暂停的训练）。"},
    "train_live.pause": {"en": "Pause", "zh": "暂停"},
    "train_live.pause_help": {"en": "Pause the run; Start continues it.", "zh": "暂停训练；点击“开始”继续。"},
    "train_live.stop": {"en": "Stop", "zh": "停止"},
    "train_live.stop_help": {"en": "End the run (within a second). The charts and the model are kept.",
                             "zh": "结束训练（一秒内生效）。图表和模型会保留。"},
    "train_live.reset": {"en": "Reset", "zh": "重置"},
    "train_live.reset_help": {"en": "Stop and clear the run, to start again with new settings.",
                              "zh": "停止并清除本次训练，以便用新设置重新开始。"},
    # status
    "train_live.state_idle": {"en": "not started", "zh": "未开始"},
    "train_live.state_running": {"en": "training", "zh": "训练中"},
    "train_live.state_paused": {"en": "paused", "zh": "已暂停"},
    "train_live.state_stopping": {"en": "stopping…", "zh": "正在停止…"},
    "train_live.state_stopped": {"en": "stopped", "zh": "已停止"},
    "train_live.state_finished": {"en": "finished", "zh": "已完成"},
    "train_live.state_error": {"en": "failed", "zh": "出错"},
    "train_live.status": {
        "en": "**{state}** · step {step} · {cps} characters/s · {time} s of training",
        "zh": "**{state}** · 第 {step} 步 · 每秒 {cps} 个字符 · 已训练 {time} 秒",
    },
    "train_live.error_run": {"en": "Training failed: {msg}", "zh": "训练失败：{msg}"},
    "train_live.settings_changed": {
        "en": "The sidebar settings differ from the running model's. Press Reset, then Start, to train with them.",
        "zh": "侧边栏中的设置与当前训练的模型不同。请先点击“重置”，再点击“开始”以使用新设置训练。",
    },
    "train_live.press_start": {"en": "Press **Start** to train a fresh network with these settings.",
                               "zh": "点击 **开始**，用这些设置训练一个新网络。"},
    "train_live.metric_loss": {"en": "Loss (average)", "zh": "损失（平均）"},
    "train_live.metric_ppl": {"en": "Validation perplexity", "zh": "验证集困惑度"},
    "train_live.metric_acc": {"en": "Test accuracy", "zh": "测试准确率"},
    "train_live.metric_norm": {"en": "Gradient norm ‖g‖", "zh": "梯度范数 ‖g‖"},
    "train_live.metric_clipped": {"en": "Clipped steps", "zh": "被裁剪的步数"},
    "train_live.nonfinite_warning": {
        "en": "The gradient became infinite or NaN at {n} step(s) (marked ▲): those updates were skipped. "
              "Lower the learning rate or turn clipping on.",
        "zh": "有 {n} 步的梯度变为无穷大或 NaN（以 ▲ 标出），这些更新已被跳过。请降低学习率或开启梯度裁剪。",
    },
    "train_live.heat_section": {"en": "Gradient through time, during training", "zh": "训练过程中随时间反传的梯度"},
    "train_live.heat_caption": {
        "en": "Each column is one measurement on the same fixed probe batch ({what}); bright = large gradient. "
              "Dark rows at the bottom (early t) mean the gradient vanishes before reaching the start of the sequence.",
        "zh": "每一列是在同一个固定探针批次（{what}）上的一次测量；越亮表示梯度越大。"
              "底部（较早的 t）颜色暗说明梯度在传到序列开头之前就消失了。",
    },
    "train_live.probe_lm": {"en": "{B} text windows of {T} characters", "zh": "{B} 段长为 {T} 个字符的文本"},
    "train_live.probe_names": {"en": "{B} test names of {T} letters: {names}", "zh": "{B} 个长为 {T} 个字母的测试姓名：{names}"},
    "train_live.samples": {"en": "Generated text", "zh": "生成的文本"},
    "train_live.samples_caption": {"en": "Sampled from the network after step {step} at temperature {tau}.",
                                   "zh": "在第 {step} 步之后、温度为 {tau} 时从网络中采样。"},
    "train_live.reference_caption": {
        "en": "Nothing trained yet: this is the shipped reference model ({cell}, H={H}, {steps} steps). "
              "Press Start to train your own and watch it improve.",
        "zh": "尚未训练：这是随软件提供的参考模型（{cell}，H={H}，{steps} 步）。点击“开始”训练你自己的模型并观察它的进步。",
    },
    "train_live.reference_loading": {"en": "Preparing the reference model...", "zh": "正在准备参考模型……"},
    "train_live.name_section": {"en": "Reading a name, letter by letter", "zh": "逐个字母读入一个姓名"},
    "train_live.top3": {"en": "After the whole name: {top}", "zh": "读完整个姓名后：{top}"},
    "train_live.confusion_section": {"en": "Which languages get confused", "zh": "哪些语言容易被混淆"},
    "train_live.trained_model_note": {
        "en": "The model after step {step} is available to the other pages of this session.",
        "zh": "第 {step} 步之后的模型可在本会话的其他页面中使用。",
    },
    "train_live.what": {
        "en": "A recurrent network is trained while you watch. **Loss**: the cross-entropy of each training batch "
              "(thin) and its moving average (thick); the diamonds are measured on held-out data. **Perplexity** "
              "(language model) is exp of the held-out loss: the number of characters the model is effectively "
              "choosing between (uniform guessing over V characters gives V). **Accuracy** (names) is the share of "
              "held-out names whose language is guessed right. **Gradient norm**: the length of the whole gradient "
              "vector before clipping; red crosses are steps where clipping shrank it to the threshold. **Heatmap**: "
              "for a fixed probe batch, how large ∂L/∂h_t is at each position t, measured again every few steps: "
              "watch the lower rows (early positions) light up or stay dark as the network learns to use long-range "
              "information. The generated text and the name chart come from a copy of the model refreshed about "
              "once a second.",
        "zh": "你将实时观看一个循环神经网络的训练。**损失**：每个训练批次的交叉熵（细线）及其滑动平均（粗线）；菱形点是在留出数据上的测量值。"
              "**困惑度**（语言模型）是留出损失的指数，相当于模型在多少个字符之间做选择（对 V 个字符均匀猜测时为 V）。"
              "**准确率**（姓名分类）是留出姓名中语言判断正确的比例。**梯度范数**：裁剪前整个梯度向量的长度；红叉表示裁剪把它缩小到阈值的步。"
              "**热图**：在固定的探针批次上，每个位置 t 的 ∂L/∂h_t 有多大，每隔几步重新测量一次："
              "观察下方的行（较早的位置）随着网络学会利用长程信息而变亮或保持暗淡。生成的文本和姓名图来自大约每秒刷新一次的模型副本。",
    },
    # presets
    "train_live.preset_explode": {"en": "RNN + SGD, no clipping", "zh": "RNN + SGD，不裁剪"},
    "train_live.preset_explode_help": {"en": "A plain RNN, SGD with learning rate 2 and no clipping (seed 0): every update uses the full gradient, so a gradient-norm spike becomes a step of that size; watch the norm chart and the loss.",
                                       "zh": "普通 RNN、学习率为 2 的 SGD 且不裁剪（种子 0）：每次更新都使用完整梯度，梯度范数的尖峰会变成同样大的一步；请观察范数图和损失。"},
    "train_live.preset_clip": {"en": "RNN + SGD, clipping at 1", "zh": "RNN + SGD，裁剪阈值 1"},
    "train_live.preset_clip_help": {"en": "The same run with clipping at 1: every step whose gradient norm exceeds 1 is scaled down to norm 1 (red crosses); compare the loss with the unclipped run.",
                                    "zh": "同样的训练但以 1 为阈值裁剪：梯度范数超过 1 的每一步都被缩放到范数 1（红叉）；与不裁剪的训练比较损失。"},
    "train_live.preset_lstm": {"en": "LSTM + Adam", "zh": "LSTM + Adam"},
    "train_live.preset_lstm_help": {"en": "A gated cell (LSTM) with Adam and clipping at 1: the page's default setting.",
                                    "zh": "门控单元（LSTM）配合 Adam，裁剪阈值 1：本页的默认设置。"},
    "train_live.preset_names": {"en": "Names with a GRU", "zh": "用 GRU 做姓名分类"},
    "train_live.preset_names_help": {"en": "Classify surnames by language with a GRU.", "zh": "用 GRU 按语言对姓氏分类。"},
    # figures
    "train_live.fig_waiting": {"en": "press Start to train", "zh": "点击“开始”进行训练"},
    "train_live.fig_step": {"en": "training step", "zh": "训练步"},
    "train_live.fig_train_loss": {"en": "batch loss", "zh": "批次损失"},
    "train_live.fig_loss_ema": {"en": "moving average", "zh": "滑动平均"},
    "train_live.fig_val_loss": {"en": "validation", "zh": "验证集"},
    "train_live.fig_test_loss": {"en": "test", "zh": "测试集"},
    "train_live.fig_loss_axis": {"en": "cross-entropy (nats)", "zh": "交叉熵（纳特）"},
    "train_live.fig_loss_title": {"en": "Loss (step {step})", "zh": "损失（第 {step} 步）"},
    "train_live.fig_ppl_title": {"en": "Validation perplexity: {value}", "zh": "验证集困惑度：{value}"},
    "train_live.fig_acc_title": {"en": "Test accuracy: {value}", "zh": "测试准确率：{value}"},
    "train_live.fig_ppl_axis": {"en": "perplexity", "zh": "困惑度"},
    "train_live.fig_acc_axis": {"en": "accuracy (%)", "zh": "准确率（%）"},
    "train_live.fig_norm": {"en": "‖g‖ before clipping", "zh": "裁剪前的 ‖g‖"},
    "train_live.fig_clipped": {"en": "clipped ({n})", "zh": "被裁剪（{n}）"},
    "train_live.fig_nonfinite": {"en": "inf / NaN ({n})", "zh": "无穷大 / NaN（{n}）"},
    "train_live.fig_threshold": {"en": "c = {c}", "zh": "c = {c}"},
    "train_live.fig_norm_axis": {"en": "‖g‖ (log scale)", "zh": "‖g‖（对数刻度）"},
    "train_live.fig_norm_title": {"en": "Global gradient norm", "zh": "全局梯度范数"},
    "train_live.fig_layer": {"en": " · layer {l} of {L}", "zh": " · 第 {l} 层（共 {L} 层）"},
    "train_live.fig_probe_x": {"en": "training step (probe)", "zh": "训练步（探针）"},
    "train_live.fig_probe_y": {"en": "position t in the sequence", "zh": "序列中的位置 t"},
    "train_live.fig_probe_title": {"en": "log₁₀‖∂L/∂hₜ‖, probe batch", "zh": "探针批次上的 log₁₀‖∂L/∂hₜ‖"},
    "train_live.fig_share": {"en": "share", "zh": "比例"},
    "train_live.fig_conf_hover": {"en": "true %{y}<br>predicted %{x}<br>%{z:.0%} (%{customdata} names)",
                                  "zh": "真实 %{y}<br>预测 %{x}<br>%{z:.0%}（%{customdata} 个姓名）"},
    "train_live.fig_pred": {"en": "predicted language", "zh": "预测的语言"},
    "train_live.fig_true": {"en": "true language", "zh": "真实的语言"},
    "train_live.fig_conf_title": {"en": "Confusion matrix on the test names (rows sum to 100%)",
                                  "zh": "测试姓名上的混淆矩阵（每行合计 100%）"},
    "train_live.fig_chars_read": {"en": "letters read so far", "zh": "已读入的字母"},
    "train_live.fig_prob_axis": {"en": "probability (%)", "zh": "概率（%）"},
    "train_live.fig_name_title": {"en": "Language probabilities while reading “{name}”", "zh": "读入“{name}”时各语言的概率"},
    # the 20 languages of the names task
    "train_live.lang_Chinese": {"en": "Chinese", "zh": "中文"},
    "train_live.lang_Croatian": {"en": "Croatian", "zh": "克罗地亚语"},
    "train_live.lang_Czech": {"en": "Czech", "zh": "捷克语"},
    "train_live.lang_Dutch": {"en": "Dutch", "zh": "荷兰语"},
    "train_live.lang_English": {"en": "English", "zh": "英语"},
    "train_live.lang_Finnish": {"en": "Finnish", "zh": "芬兰语"},
    "train_live.lang_French": {"en": "French", "zh": "法语"},
    "train_live.lang_German": {"en": "German", "zh": "德语"},
    "train_live.lang_Greek": {"en": "Greek", "zh": "希腊语"},
    "train_live.lang_Hungarian": {"en": "Hungarian", "zh": "匈牙利语"},
    "train_live.lang_Irish": {"en": "Irish", "zh": "爱尔兰语"},
    "train_live.lang_Italian": {"en": "Italian", "zh": "意大利语"},
    "train_live.lang_Japanese": {"en": "Japanese", "zh": "日语"},
    "train_live.lang_Polish": {"en": "Polish", "zh": "波兰语"},
    "train_live.lang_Portuguese": {"en": "Portuguese", "zh": "葡萄牙语"},
    "train_live.lang_Russian": {"en": "Russian", "zh": "俄语"},
    "train_live.lang_Slovak": {"en": "Slovak", "zh": "斯洛伐克语"},
    "train_live.lang_Spanish": {"en": "Spanish", "zh": "西班牙语"},
    "train_live.lang_Swedish": {"en": "Swedish", "zh": "瑞典语"},
    "train_live.lang_Ukrainian": {"en": "Ukrainian", "zh": "乌克兰语"},
}
