"""Strings of the hidden-state page (neuron explorer, hypotheses, match, connectivity, trajectories)."""

STRINGS = {
    "hidden.nav_title": {"en": "Inside the hidden state", "zh": "隐藏状态内部"},
    "hidden.title": {"en": "Inside the hidden state", "zh": "隐藏状态内部"},
    "hidden.intro": {
        "en": "A character language model trained on Shakespeare's sonnets reads a text. What does one hidden unit track? "
              "Which units switch on together, and where else? How far back does the prediction really look? "
              "What path does the state take? Every number is computed live from the model by `rnnviz`.",
        "zh": "一个在莎士比亚十四行诗上训练的字符级语言模型正在读一段文字。某个隐藏单元在追踪什么？哪些单元一起激活，"
              "它们还会在哪里激活？模型的预测究竟回看多远？状态走过怎样的轨迹？所有数值都由 `rnnviz` 根据模型实时计算。",
    },
    "hidden.what": {
        "en": "The model reads the text one character at a time from a zero state; $h_t$ is its hidden state after "
              "character $t$ (every value comes from the NumPy float64 engine, equal to PyTorch's forward). "
              "**Neuron explorer**: every unit × every character, and the text coloured by one unit (hover a character for its value). "
              "**Hypotheses**: a pattern gives one number per character (inside quotes, inside brackets, column in the line, "
              "start of a word, vowel, your regular expression); units are ranked by the Pearson correlation of $h_{t,j}$ with it. "
              "**Match** (after LSTMVis): the units that are above the threshold over the whole selected span and below it "
              "just before and after; then the passages of the sonnets (read in one pass) where all of them are on. "
              "**Connectivity**: $C_{t,k} = \\|\\partial y_t / \\partial x_k\\|_2$, where $y_t$ is one number, the "
              "log-probability the model gives after character $t$ to its top guess (or to the actual next character), and "
              "$x_k$ is the one-hot vector of character $k$; the norm runs over all its positions. It is exact "
              "(backpropagation through time, checked against torch autograd), on the first 300 characters. "
              "**Trajectories**: $h_t$ projected on its first principal axes (PCA by SVD), RNN, LSTM and GRU side by side.",
        "zh": "模型从零状态开始逐字符读入文本；$h_t$ 是读完第 $t$ 个字符后的隐藏状态（全部数值来自 NumPy float64 引擎，与 PyTorch 前向计算一致）。"
              "**神经元浏览器**：所有单元 × 所有字符，以及按某一单元着色的文本（鼠标悬停可查看数值）。"
              "**假设检验**：一个模式为每个字符给出一个数（引号内、括号内、行内列号、词首、元音、自定义正则表达式）；"
              "按 $h_{t,j}$ 与该模式的皮尔逊相关系数对单元排序。"
              "**匹配**（仿照 LSTMVis）：在整个选定片段上高于阈值、而在片段前后一步低于阈值的单元；再在十四行诗全文（一次读完）中找出这些单元同时激活的片段。"
              "**连通性**：$C_{t,k} = \\|\\partial y_t / \\partial x_k\\|_2$，其中 $y_t$ 是一个数：读完第 $t$ 个字符后模型给其首选预测（或实际的下一个字符）的对数概率；"
              "$x_k$ 是第 $k$ 个字符的独热向量，范数对其所有分量计算。该值是精确的（随时间反向传播，并与 torch 自动微分核对），只在前 300 个字符上计算。"
              "**轨迹**：$h_t$ 在前几个主轴上的投影（用 SVD 做 PCA），RNN、LSTM、GRU 并排比较。",
    },
    # sidebar
    "hidden.model": {"en": "Model", "zh": "模型"},
    "hidden.model_help": {
        "en": "The character language model to look inside. The three H = 64 models are the gates lab's; the H = 128 LSTM is the train-live lab's reference model. A model you trained on the train-live page in this session appears here too, and one you upload (Your own model, below).",
        "zh": "要观察的字符级语言模型。三个 H = 64 的模型来自门控实验；H = 128 的 LSTM 是实时训练实验的参考模型。你在本次会话中于实时训练页面训练的模型、以及你上传的模型（见下方“你自己的模型”）也会出现在这里。",
    },
    "hidden.model_lstm": {"en": "LSTM, H = 64 (sonnets)", "zh": "LSTM，H = 64（十四行诗）"},
    "hidden.model_gru": {"en": "GRU, H = 64 (sonnets)", "zh": "GRU，H = 64（十四行诗）"},
    "hidden.model_rnn": {"en": "Vanilla RNN, H = 64 (sonnets)", "zh": "普通 RNN，H = 64（十四行诗）"},
    "hidden.model_lstm128": {"en": "LSTM, H = 128 (train-live reference)", "zh": "LSTM，H = 128（实时训练参考模型）"},
    "hidden.model_session": {"en": "Trained in this session", "zh": "本次会话训练的模型"},
    "hidden.model_upload": {"en": "Uploaded model", "zh": "上传的模型"},
    "hidden.upload_help": {
        "en": "A character language model downloaded from the train-live page (Download this model, .pt): one layer, "
              "the language-model task; the file carries its vocabulary and read-out. Loaded with weights_only=True: "
              "only tensors are read, nothing in the file runs. At most {mb} MB.",
        "zh": "从“实时训练”页面下载的字符级语言模型（下载此模型，.pt）：一层，语言模型任务；文件中带有它的词表和输出层。"
              "以 weights_only=True 加载：只读取张量，文件中的任何代码都不会运行。最大 {mb} MB。",
    },
    "hidden.upload_loaded": {
        "en": "Loaded {name}: nn.{kind}, {H} units, a vocabulary of {V} characters; listed under Model as "
              "“Uploaded model”.",
        "zh": "已加载 {name}：nn.{kind}，{H} 个单元，词表含 {V} 个字符；在“模型”中列为“上传的模型”。",
    },
    "hidden.upload_plain": {
        "en": "{name} is a plain nn.{kind} state_dict: it has no vocabulary and no read-out, so it cannot read text "
              "or predict characters. Upload a character model downloaded from the train-live page.",
        "zh": "{name} 是一个普通的 nn.{kind} state_dict：没有词表，也没有输出层，因此无法读取文本或预测字符。"
              "请上传从“实时训练”页面下载的字符模型。",
    },
    "hidden.upload_classes": {
        "en": "{name} classifies names into {n} classes; this lab reads character language models "
              "(one prediction per character of the vocabulary).",
        "zh": "{name} 把姓名分为 {n} 类；本实验读取的是字符级语言模型（对词表中每个字符给出预测）。",
    },
    "hidden.upload_layers": {
        "en": "{name} has {layers} layers; this lab reads one-layer models (train one with Layers = 1).",
        "zh": "{name} 有 {layers} 层；本实验只读取单层模型（训练时把层数设为 1）。",
    },
    "hidden.session_skipped": {"en": "A model of this session is not listed: {why}", "zh": "本次会话中的一个模型未列出：{why}"},
    "hidden.source": {"en": "Text", "zh": "文本"},
    "hidden.source_help": {
        "en": "Read one of Shakespeare's 154 sonnets, or a text you type (only characters the model knows).",
        "zh": "读取莎士比亚 154 首十四行诗中的一首，或读取你输入的文本（只能包含模型认识的字符）。",
    },
    "hidden.source_sonnet": {"en": "A sonnet", "zh": "一首十四行诗"},
    "hidden.source_typed": {"en": "Typed", "zh": "自己输入"},
    "hidden.sonnet": {"en": "Sonnet number", "zh": "十四行诗编号"},
    "hidden.sonnet_help": {"en": "Which sonnet to read, 1 to 154 (18 is \"Shall I compare thee to a summer's day?\").",
                           "zh": "读取第几首十四行诗，1 到 154（第 18 首是“我能否把你比作夏日？”）。"},
    "hidden.text": {"en": "Your text", "zh": "你的文本"},
    "hidden.text_help": {
        "en": "Up to 3000 characters, read exactly as typed (shown as plain text, never as formatting). Try quotes, brackets or a list.",
        "zh": "最多 3000 个字符，按原样读取（以纯文本显示，绝不当作格式）。可以试试引号、括号或列表。",
    },
    # explorer
    "hidden.sec_explorer": {"en": "Neuron explorer: every unit, every character", "zh": "神经元浏览器：所有单元、所有字符"},
    "hidden.unit": {"en": "Unit that colours the text", "zh": "为文本着色的单元"},
    "hidden.unit_help": {"en": "Hidden unit j (0-based). The text below is coloured by h_t[j]: blue negative, red positive; hover a character for the value.",
                         "zh": "隐藏单元 j（从 0 开始）。下方文本按 h_t[j] 着色：蓝色为负，红色为正；鼠标悬停字符可查看数值。"},
    "hidden.unit_pending": {"en": "Colouring the text by this unit…", "zh": "正在按此单元为文本着色……"},
    "hidden.fig_heat": {"en": "h_t: {H} units × {T} characters", "zh": "h_t：{H} 个单元 × {T} 个字符"},
    "hidden.hover_heat": {"en": "t=%{x} '%{customdata}'<br>unit %{y}<br>h = %{z:.3f}", "zh": "t=%{x} '%{customdata}'<br>单元 %{y}<br>h = %{z:.3f}"},
    "hidden.axis_unit": {"en": "unit j", "zh": "单元 j"},
    "hidden.unit_caption": {"en": "Unit {unit} ranges from {lo:.3f} to {hi:.3f} on this text; its largest value is after character {at}.",
                            "zh": "单元 {unit} 在这段文本上的取值范围为 {lo:.3f} 到 {hi:.3f}；最大值出现在第 {at} 个字符之后。"},
    # hypotheses
    "hidden.sec_rank": {"en": "Find units by hypothesis", "zh": "按假设寻找单元"},
    "hidden.pattern": {"en": "Pattern", "zh": "模式"},
    "hidden.pattern_help": {
        "en": "One number per character, aligned with the state after reading it. Units are ranked by |Pearson correlation| with it over this text.",
        "zh": "每个字符对应一个数，与读完该字符后的状态对齐。按与它在本文本上的皮尔逊相关系数绝对值对单元排序。",
    },
    "hidden.pattern_quote": {"en": "inside quotes", "zh": "引号内"},
    "hidden.pattern_bracket": {"en": "inside brackets", "zh": "括号内"},
    "hidden.pattern_line_pos": {"en": "column in the line", "zh": "行内列号"},
    "hidden.pattern_word_start": {"en": "start of a word", "zh": "词首"},
    "hidden.pattern_vowel": {"en": "vowel", "zh": "元音"},
    "hidden.pattern_regex": {"en": "my regular expression", "zh": "自定义正则表达式"},
    "hidden.regex": {"en": "Regular expression", "zh": "正则表达式"},
    "hidden.regex_help": {
        "en": "Characters inside a match count as 1, others as 0 (e.g. [A-Z], \\bthe\\b, [,;:]). At most 200 characters; stopped after 0.5 s.",
        "zh": "匹配内的字符记为 1，其余为 0（例如 [A-Z]、\\bthe\\b、[,;:]）。最多 200 个字符；运行超过 0.5 秒即停止。",
    },
    "hidden.rank_label": {"en": "unit {unit} (r = {r})", "zh": "单元 {unit}（r = {r}）"},
    "hidden.rank_caption": {
        "en": "Top row: the pattern. Below: the {H} units' best matches by |r|; unit {unit} correlates best, r = {r:+.3f}.",
        "zh": "第一行：模式。下方：{H} 个单元中按 |r| 排名最前的单元；单元 {unit} 相关性最强，r = {r:+.3f}。",
    },
    "hidden.pick": {"en": "Colour the text by one of them:", "zh": "用其中一个单元为文本着色："},
    "hidden.unit_button": {"en": "unit {unit}", "zh": "单元 {unit}"},
    "hidden.pick_help": {"en": "Colour the text of the neuron explorer by unit {unit}.", "zh": "用单元 {unit} 为神经元浏览器中的文本着色。"},
    # match
    "hidden.sec_match": {"en": "Match: units that switch on over a span, and where else they do", "zh": "匹配：在一个片段上激活的单元，以及它们还在哪里激活"},
    "hidden.span_start": {"en": "Span from character", "zh": "片段起始字符"},
    "hidden.span_end": {"en": "to character", "zh": "片段结束字符"},
    "hidden.span_help": {"en": "The selected span, 1-based and inclusive (underlined in the text below).", "zh": "选定片段，从 1 开始计数，含两端（在下方文本中加下划线）。"},
    "hidden.threshold": {"en": "Threshold θ", "zh": "阈值 θ"},
    "hidden.threshold_help": {
        "en": "A unit is on where h > θ. Chosen: units on over the whole span and off (h ≤ θ) one character before and after it.",
        "zh": "当 h > θ 时单元处于激活状态。选出的单元：在整个片段上激活，且在片段前后各一个字符处未激活（h ≤ θ）。",
    },
    "hidden.corpus_spinner": {"en": "Reading all {n} characters of the sonnets once with this model…", "zh": "正在用该模型读取十四行诗全部 {n} 个字符（仅一次）…"},
    "hidden.match_none": {
        "en": "No unit is above θ = {theta:.2f} over the whole span {span} and below it just around it. Lower the threshold or choose another span.",
        "zh": "没有单元在整个片段 {span} 上高于 θ = {theta:.2f} 且在其前后低于该阈值。请降低阈值或选择其他片段。",
    },
    "hidden.match_units": {"en": "{n} unit(s) on over {span} and off around it at θ = {theta:.2f}: {units}.",
                           "zh": "在 θ = {theta:.2f} 时，有 {n} 个单元在 {span} 上激活且在其前后未激活：{units}。"},
    "hidden.match_no_runs": {"en": "These units are never all on together anywhere in the sonnets.", "zh": "这些单元在十四行诗中从未同时激活。"},
    "hidden.match_no_runs_text": {"en": "These units are not all on together anywhere else in this text.", "zh": "这些单元在本文本的其他位置从未同时激活。"},
    "hidden.match_found_corpus": {
        "en": "{n} passage(s) of the sonnets where all of them are on (highlighted), the ones closest in length to the span first:",
        "zh": "在十四行诗中它们同时激活的 {n} 个片段（高亮显示），长度与所选片段最接近的排在前面：",
    },
    "hidden.match_found_text": {
        "en": "This model's alphabet does not cover the sonnets, so the search runs in this text: {n} other passage(s) where all of them are on:",
        "zh": "该模型的字母表不包含十四行诗的全部字符，因此只在本文本中搜索：它们同时激活的其他 {n} 个片段：",
    },
    "hidden.match_where": {"en": "Sonnet {sonnet}, line {line} ({n} characters on)", "zh": "第 {sonnet} 首，第 {line} 行（{n} 个字符激活）"},
    "hidden.match_where_text": {"en": "Characters {a}–{b} ({n} on)", "zh": "第 {a}–{b} 个字符（{n} 个激活）"},
    # connectivity
    "hidden.sec_conn": {"en": "Connectivity: how far back does the prediction look?", "zh": "连通性：预测究竟回看多远？"},
    "hidden.t": {"en": "Character t", "zh": "字符 t"},
    "hidden.t_help": {"en": "The step whose prediction is explained (and the marker on the trajectories).", "zh": "要解释其预测的时间步（也是轨迹图上的标记位置）。"},
    "hidden.readout": {"en": "Prediction y_t", "zh": "预测 y_t"},
    "hidden.readout_help": {
        "en": "y_t is the log-probability, after reading character t, of the model's top guess for the next character, or of the actual next character (none after the last one).",
        "zh": "y_t 是读完第 t 个字符后，模型对下一个字符首选猜测的对数概率，或对实际下一个字符的对数概率（最后一个字符之后没有下一个字符）。",
    },
    "hidden.readout_top": {"en": "top guess", "zh": "首选猜测"},
    "hidden.readout_next": {"en": "actual next", "zh": "实际下一个"},
    "hidden.conn_spinner": {"en": "Backpropagating every row…", "zh": "正在对每一行做反向传播…"},
    "hidden.conn_window": {"en": "Connectivity is computed on the first {n} characters; shown for t = {t}.",
                           "zh": "连通性只在前 {n} 个字符上计算；当前显示 t = {t}。"},
    "hidden.conn_no_next": {"en": "The last character has no next character: choose another t or the top-guess readout.",
                            "zh": "最后一个字符之后没有下一个字符：请选择其他 t 或改用首选猜测。"},
    "hidden.conn_caption": {
        "en": "After character {t} ({ch}) the model gives {target} probability {p:.3f}. The input with the largest influence on that log-probability is character {k} ({kch}), {back} character(s) back. Colour: C_t,k divided by its largest value in this row; hover for the value.",
        "zh": "读完第 {t} 个字符（{ch}）后，模型给 {target} 的概率为 {p:.3f}。对该对数概率影响最大的输入是第 {k} 个字符（{kch}），在其之前 {back} 个字符。颜色：C_t,k 除以该行的最大值；悬停可查看数值。",
    },
    "hidden.fig_conn": {"en": "log₁₀ ‖∂y_t/∂x_k‖₂ on the first {T} characters", "zh": "前 {T} 个字符上的 log₁₀ ‖∂y_t/∂x_k‖₂"},
    "hidden.hover_conn": {"en": "t=%{y} '%{customdata[1]}'<br>k=%{x} '%{customdata[0]}'<br>log₁₀ C = %{z:.2f}",
                          "zh": "预测 t=%{y} '%{customdata[1]}'<br>输入 k=%{x} '%{customdata[0]}'<br>log₁₀ C = %{z:.2f}"},
    "hidden.hover_influence": {"en": "k=%{customdata[0]} '%{customdata[1]}'<br>C / max = %{marker.color:.3f}",
                               "zh": "输入 k=%{customdata[0]} '%{customdata[1]}'<br>C / 最大值 = %{marker.color:.3f}"},
    "hidden.slider_prefix": {"en": "prediction after character t = ", "zh": "读完字符 t 后的预测，t = "},
    "hidden.client_note": {
        "en": "Drag the slider under the text to move t in the browser (no recomputation); the slider above also moves the side-by-side rows and the trajectory markers.",
        "zh": "拖动文本下方的滑块即可在浏览器中移动 t（无需重新计算）；上方的滑块还会同时移动并排对比行和轨迹标记。",
    },
    "hidden.axis_k": {"en": "input character k", "zh": "输入字符 k"},
    "hidden.axis_t": {"en": "prediction after character t", "zh": "读完字符 t 后的预测"},
    "hidden.side_by_side": {"en": "The same text, RNN vs LSTM vs GRU (H = 64): influence on the prediction after character {t}",
                            "zh": "同一文本，RNN、LSTM、GRU（H = 64）对比：对第 {t} 个字符之后预测的影响"},
    "hidden.fig_lag": {"en": "Mean influence ‖∂y_t/∂x_(t−lag)‖ by lag", "zh": "按滞后平均的影响 ‖∂y_t/∂x_(t−lag)‖"},
    "hidden.axis_lag_x": {"en": "lag t − k (characters back)", "zh": "滞后 t − k（往回的字符数）"},
    "hidden.axis_lag_y": {"en": "mean C", "zh": "平均 C"},
    "hidden.lag_caption": {"en": "Mean influence {lag} characters back, relative to the current character: {table}.",
                           "zh": "往回 {lag} 个字符处的平均影响相对于当前字符的比值：{table}。"},
    # trajectories
    "hidden.sec_traj": {"en": "Trajectories: the path of h_t", "zh": "轨迹：h_t 走过的路径"},
    "hidden.dims": {"en": "Principal components", "zh": "主成分个数"},
    "hidden.dims_help": {"en": "Project h_t on its first 2 or 3 principal axes (PCA of this text's states, per model).",
                         "zh": "将 h_t 投影到前 2 个或 3 个主轴上（每个模型分别对本文本的状态做 PCA）。"},
    "hidden.color": {"en": "Colour by", "zh": "着色依据"},
    "hidden.color_help": {"en": "Colour the points by the time step t, or by the pattern chosen above.", "zh": "按时间步 t 或上方选择的模式为点着色。"},
    "hidden.color_time": {"en": "time", "zh": "时间"},
    "hidden.color_pattern": {"en": "pattern", "zh": "模式"},
    "hidden.traj_title": {"en": "{model}: {r2} of the variance", "zh": "{model}：方差的 {r2}"},
    "hidden.traj_caption": {
        "en": "The ring marks h_t after character {t} ({ch}). Share of the variance on the axes shown: {table}.",
        "zh": "圆圈标出读完第 {t} 个字符（{ch}）后的 h_t。所示主轴上的方差占比：{table}。",
    },
}
