"""Strings of the vanishing & exploding gradients page."""

STRINGS = {
    "vanishing.nav_title": {"en": "Vanishing & exploding gradients", "zh": "梯度消失与梯度爆炸"},
    "vanishing.title": {"en": "Vanishing & exploding gradients", "zh": "梯度消失与梯度爆炸"},
    "vanishing.intro": {
        "en": "Drag the **spectral radius** of the recurrent matrix and watch the gradient ‖∂L/∂h_t‖ collapse or blow up as it travels back through time.",
        "zh": "拖动循环权重矩阵的**谱半径**，观察梯度 ‖∂L/∂h_t‖ 在沿时间反向传播时如何消失或爆炸。",
    },
    # controls
    "vanishing.cells": {"en": "Cell types", "zh": "单元类型"},
    "vanishing.cells_help": {
        "en": "Vanilla RNN, LSTM, GRU: pick several to overlay their gradient curves (same seed, same input, same spectral radius).",
        "zh": "普通 RNN、LSTM、GRU：可多选以叠加比较梯度曲线（相同的种子、输入和谱半径）。",
    },
    "vanishing.T": {"en": "Sequence length T", "zh": "序列长度 T"},
    "vanishing.T_help": {
        "en": "Number of time steps. The gradient of the loss at step T has to travel back T-1 steps to reach h_1. Ignored for typed text (T = its length).",
        "zh": "时间步数。第 T 步的损失梯度需反向传播 T-1 步才能到达 h_1。输入文字时不使用（T = 文字长度）。",
    },
    "vanishing.H": {"en": "Hidden size H", "zh": "隐藏层大小 H"},
    "vanishing.H_help": {"en": "Number of hidden units in h_t.", "zh": "隐藏状态 h_t 的单元数。"},
    "vanishing.radius": {"en": "Spectral radius of W_hh", "zh": "W_hh 的谱半径"},
    "vanishing.radius_help": {
        "en": "W_hh is rescaled so that its largest |eigenvalue| equals this (each gate block for LSTM/GRU). Below 1 gradients tend to vanish, above 1 they can explode.",
        "zh": "将 W_hh 缩放，使其最大特征值的模等于该值（LSTM/GRU 的每个门块分别缩放）。小于 1 时梯度趋于消失，大于 1 时可能爆炸。",
    },
    "vanishing.activation": {"en": "RNN activation φ", "zh": "RNN 激活函数 φ"},
    "vanishing.activation_help": {
        "en": "Activation of the vanilla RNN. max|φ'| is 1 for tanh, ReLU and identity, 1/4 for sigmoid: it enters the bound (‖W_hh‖₂·max|φ'|)^(T-k).",
        "zh": "普通 RNN 的激活函数。tanh、ReLU、恒等函数的 max|φ'| 为 1，sigmoid 为 1/4，它出现在上界 (‖W_hh‖₂·max|φ'|)^(T-k) 中。",
    },
    "vanishing.init": {"en": "W_hh initialisation", "zh": "W_hh 初始化"},
    "vanishing.init_help": {
        "en": "Before rescaling to the spectral radius: PyTorch's uniform default, a random orthogonal matrix (all singular values equal), or the identity with zero biases (IRNN).",
        "zh": "缩放到谱半径之前的初始化：PyTorch 默认均匀分布、随机正交矩阵（所有奇异值相同），或单位矩阵加零偏置（IRNN）。",
    },
    "vanishing.init_default": {"en": "PyTorch default", "zh": "PyTorch 默认"},
    "vanishing.init_orthogonal": {"en": "orthogonal", "zh": "正交"},
    "vanishing.init_identity": {"en": "identity (IRNN)", "zh": "单位矩阵 (IRNN)"},
    "vanishing.forget_bias": {"en": "LSTM forget-gate bias", "zh": "LSTM 遗忘门偏置"},
    "vanishing.forget_bias_help": {
        "en": "Bias of the LSTM forget gate f_t = σ(… + b_f). A larger bias pushes f_t towards 1 (σ(1) ≈ 0.73, σ(3) ≈ 0.95), so more of the cell state c_t, and of its gradient, is carried from one step to the next; the readout under the chart gives the rate.",
        "zh": "LSTM 遗忘门 f_t = σ(… + b_f) 的偏置。偏置越大，f_t 越接近 1（σ(1) ≈ 0.73，σ(3) ≈ 0.95），细胞状态 c_t 及其梯度从一步传到下一步时保留得越多；图下方的读数给出速率。",
    },
    "vanishing.input_kind": {"en": "Input x_t", "zh": "输入 x_t"},
    "vanishing.input_kind_help": {
        "en": "Random: standard normal × scale. Zeros: no input at all. Text: each character of the typed text as a one-hot vector.",
        "zh": "随机：标准正态分布乘以缩放系数。零：没有输入。文字：把输入文字的每个字符编码为 one-hot 向量。",
    },
    "vanishing.input_random": {"en": "random", "zh": "随机"},
    "vanishing.input_zeros": {"en": "zeros", "zh": "全零"},
    "vanishing.input_text": {"en": "typed text", "zh": "输入文字"},
    "vanishing.input_scale": {"en": "Input scale", "zh": "输入缩放"},
    "vanishing.input_scale_help": {
        "en": "Standard deviation of the random input. Large inputs drive tanh into saturation (φ' ≈ 0), which itself shrinks gradients.",
        "zh": "随机输入的标准差。较大的输入会让 tanh 饱和（φ' ≈ 0），这本身也会使梯度变小。",
    },
    "vanishing.text": {"en": "Text", "zh": "文字"},
    "vanishing.text_help": {
        "en": "Typed characters become one-hot inputs over the text's own alphabet (at most 500 characters).",
        "zh": "输入的字符按该文字自身的字母表编码为 one-hot 向量（最多 500 个字符）。",
    },
    "vanishing.loss": {"en": "Loss", "zh": "损失"},
    "vanishing.loss_help": {
        "en": "Last step: L = Σ_j h_T,j, the gradient enters only at t = T. Every step: L = Σ_t Σ_j h_t,j, every step gets a direct gradient too.",
        "zh": "仅最后一步：L = Σ_j h_T,j，梯度只在 t = T 进入。每一步：L = Σ_t Σ_j h_t,j，每一步都有直接梯度。",
    },
    "vanishing.loss_last": {"en": "last step", "zh": "仅最后一步"},
    "vanishing.loss_every": {"en": "every step", "zh": "每一步"},
    "vanishing.clip": {"en": "Clip threshold (0 = off)", "zh": "裁剪阈值（0 = 不裁剪）"},
    "vanishing.clip_help": {
        "en": "Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_: if ‖g‖ > threshold, every parameter gradient is multiplied by threshold/‖g‖. The direction is kept.",
        "zh": "按全局范数裁剪梯度，与 torch.nn.utils.clip_grad_norm_ 相同：若 ‖g‖ 超过阈值，所有参数梯度乘以 阈值/‖g‖，方向不变。",
    },
    # presets
    "vanishing.preset_vanish": {"en": "Vanishing (tanh, ρ = 0.9)", "zh": "梯度消失（tanh，ρ = 0.9）"},
    "vanishing.preset_vanish_help": {"en": "Vanilla tanh RNN with spectral radius 0.9 (seed 0): within 40 steps back the gradient falls below 1/1000 of its value at t=T.", "zh": "谱半径 0.9 的 tanh RNN（种子 0）：回溯不到 40 步，梯度就降到 t=T 处的 1/1000 以下。"},
    "vanishing.preset_explode": {"en": "Exploding (ρ = 1.5)", "zh": "梯度爆炸（ρ = 1.5）"},
    "vanishing.preset_explode_help": {
        "en": "A linear RNN (φ = identity) with an orthogonal W_hh scaled to 1.5: every step back multiplies the gradient by exactly 1.5, right on the dashed bound. Switch φ to tanh and watch saturation tame the explosion.",
        "zh": "线性 RNN（φ 为恒等函数），正交 W_hh 缩放到 1.5：每向前回溯一步梯度恰好乘以 1.5，与虚线上界重合。把 φ 换成 tanh，观察饱和如何抑制爆炸。",
    },
    "vanishing.preset_lstm": {"en": "LSTM, forget bias 1", "zh": "LSTM，遗忘门偏置 1"},
    "vanishing.preset_lstm_help": {
        "en": "A vanilla RNN next to an LSTM with forget-gate bias 1, same radius 0.9 (seed 0): relative to t=T, the LSTM keeps over 100 times more gradient at t=1 (the readout under the chart gives the factor). Drag the forget bias to 3: the LSTM's gradient at t=1 then stays within a factor of 20 of its value at t=T.",
        "zh": "谱半径同为 0.9 的普通 RNN 与遗忘门偏置为 1 的 LSTM 对比（种子 0）：相对于 t=T，LSTM 在 t=1 处保留的梯度多 100 倍以上（图下方的读数给出具体倍数）。把遗忘门偏置拖到 3：LSTM 在 t=1 处的梯度与 t=T 处相差不超过 20 倍。",
    },
    "vanishing.preset_irnn": {"en": "IRNN (ReLU, identity init)", "zh": "IRNN（ReLU，单位矩阵初始化）"},
    "vanishing.preset_irnn_help": {"en": "ReLU RNN with W_hh = I and zero biases (Le et al., 2015), seed 0: over 200 steps the gradient at t=1 stays within a factor of 10 of its value at t=T.", "zh": "W_hh = I、偏置为零的 ReLU RNN（Le 等，2015），种子 0：经过 200 步，t=1 处的梯度与 t=T 处相差不超过 10 倍。"},
    # readouts
    "vanishing.read_vanish": {
        "en": "**{cell}**: the gradient at t=1 is **{ratio}** of its value at t=T; each step back multiplies it by about **{factor}**: it halves every **{steps}** steps.",
        "zh": "**{cell}**：t=1 处的梯度是 t=T 处的 **{ratio}** 倍；每向前回溯一步约乘以 **{factor}**：每 **{steps}** 步减半。",
    },
    "vanishing.read_explode": {
        "en": "**{cell}**: the gradient at t=1 is **{ratio}** times its value at t=T; each step back multiplies it by about **{factor}**: it doubles every **{steps}** steps.",
        "zh": "**{cell}**：t=1 处的梯度是 t=T 处的 **{ratio}** 倍；每向前回溯一步约乘以 **{factor}**：每 **{steps}** 步翻倍。",
    },
    "vanishing.read_flat": {
        "en": "**{cell}**: the gradient at t=1 is **{ratio}** times its value at t=T: it neither vanishes nor explodes on this scale.",
        "zh": "**{cell}**：t=1 处的梯度是 t=T 处的 **{ratio}** 倍：在此尺度上既不消失也不爆炸。",
    },
    "vanishing.read_compare": {
        "en": "Relative to t=T, the **{cell}** keeps **{factor}** times as much gradient at t=1 as the vanilla RNN.",
        "zh": "相对于 t=T，**{cell}** 在 t=1 处保留的梯度是普通 RNN 的 **{factor}** 倍。",
    },
    "vanishing.read_single": {"en": "**{cell}**: T = 1, there is no step to travel back through.", "zh": "**{cell}**：T = 1，没有可以反向传播的时间步。"},
    "vanishing.read_nonfinite": {
        "en": "**{cell}**: the values overflowed float64 (inf/nan) at {n} step(s), first at t={first}: marked ✕ on the chart. The network has exploded.",
        "zh": "**{cell}**：在 {n} 个时间步上数值超出 float64 范围（inf/nan），最早在 t={first}：图中以 ✕ 标出。网络已经爆炸。",
    },
    "vanishing.read_zero": {
        "en": "**{cell}**: the gradient underflowed to exactly 0 even in float64 at {n} step(s) (▼ on the chart).",
        "zh": "**{cell}**：即使在 float64 下，梯度也在 {n} 个时间步下溢为 0（图中 ▼）。",
    },
    "vanishing.read_clip": {
        "en": "Parameter-gradient norm ‖∇θL‖ = **{norm}**; clipping at {clip} multiplies every gradient by **{coef}**.",
        "zh": "参数梯度范数 ‖∇θL‖ = **{norm}**；以 {clip} 裁剪时所有梯度乘以 **{coef}**。",
    },
    "vanishing.read_noclip": {
        "en": "Parameter-gradient norm ‖∇θL‖ = **{norm}**, below the threshold {clip}: nothing is clipped.",
        "zh": "参数梯度范数 ‖∇θL‖ = **{norm}**，低于阈值 {clip}：不裁剪。",
    },
    "vanishing.read_clip_off": {"en": "Parameter-gradient norm ‖∇θL‖ = **{norm}** (clipping off).", "zh": "参数梯度范数 ‖∇θL‖ = **{norm}**（未裁剪）。"},
    "vanishing.text_info": {"en": "Text input: T = {T} characters, one-hot over an alphabet of {V} symbols.", "zh": "文字输入：T = {T} 个字符，one-hot 编码，字母表共 {V} 个符号。"},
    # figures
    "vanishing.fig_grad_title": {"en": "‖∂L/∂h_t‖ through time (log scale)", "zh": "‖∂L/∂h_t‖ 随时间的变化（对数坐标）"},
    "vanishing.fig_grad_y": {"en": "‖∂L/∂h_t‖", "zh": "‖∂L/∂h_t‖"},
    "vanishing.fig_t": {"en": "time step t", "zh": "时间步 t"},
    "vanishing.fig_unit": {"en": "hidden unit", "zh": "隐藏单元"},
    "vanishing.fig_envelope": {"en": "bound ‖∂L/∂h_T‖·γ^(T-t)", "zh": "上界 ‖∂L/∂h_T‖·γ^(T-t)"},
    "vanishing.live_gamma": {"en": "{cell} bound (dashed): γ = ‖W_hh‖₂·max|φ′| = {gamma}",
                             "zh": "{cell} 上界（虚线）：γ = ‖W_hh‖₂·max|φ′| = {gamma}"},
    "vanishing.live_over": {"en": "{cell}: {n} step(s) overflowed (inf/nan, ✕ at the top)",
                            "zh": "{cell}：{n} 个时间步溢出（inf/nan，顶部 ✕）"},
    "vanishing.live_zero": {"en": "{cell}: {n} step(s) underflowed to 0 (▼ at the bottom)",
                            "zh": "{cell}：{n} 个时间步下溢为 0（底部 ▼）"},
    "vanishing.live_sep": {"en": " · ", "zh": " · "},
    "vanishing.live_bound_off": {"en": ", above the chart for t ≤ {n} (▲)", "zh": "，t ≤ {n} 时在图上方（▲）"},
    "vanishing.fig_bound_off": {"en": "the bound continues above the chart", "zh": "上界在图上方继续"},
    "vanishing.fig_overflow": {"en": "{cell}: overflow (inf/nan)", "zh": "{cell}：溢出 (inf/nan)"},
    "vanishing.fig_underflow": {"en": "{cell}: underflow (0)", "zh": "{cell}：下溢 (0)"},
    "vanishing.fig_heat_title": {"en": "{cell}: log₁₀|∂L/∂h_t| per unit", "zh": "{cell}：每个单元的 log₁₀|∂L/∂h_t|"},
    "vanishing.fig_jac_title": {"en": "‖∂h_T/∂h_k‖: how much h_k still moves h_T", "zh": "‖∂h_T/∂h_k‖：h_k 对 h_T 还有多大影响"},
    "vanishing.fig_jac_y": {"en": "‖∂h_T/∂h_k‖", "zh": "‖∂h_T/∂h_k‖"},
    "vanishing.fig_bound": {"en": "bound (‖W_hh‖₂ max|φ'|)^(T-k)", "zh": "上界 (‖W_hh‖₂ max|φ'|)^(T-k)"},
    "vanishing.heatmaps": {"en": "Per-unit gradients", "zh": "每个单元的梯度"},
    "vanishing.jacobian": {"en": "Jacobian norms ‖∂h_T/∂h_k‖", "zh": "雅可比范数 ‖∂h_T/∂h_k‖"},
    "vanishing.jacobian_costly": {
        "en": "For T = {T} and H = {H} the Jacobian chain takes a moment ({cells}). Compute it?",
        "zh": "T = {T}、H = {H} 时雅可比连乘需要一些时间（{cells}）。要计算吗？",
    },
    "vanishing.jacobian_button": {"en": "Compute ‖∂h_T/∂h_k‖", "zh": "计算 ‖∂h_T/∂h_k‖"},
    "vanishing.jacobian_button_help": {
        "en": "Multiplies the T step Jacobians ∂h_t/∂h_(t-1) from the right and takes the spectral norm (at up to 80 steps k) and the Frobenius norm (at every k).",
        "zh": "从右侧依次连乘 T 个单步雅可比 ∂h_t/∂h_(t-1)，并在最多 80 个时间步 k 上计算谱范数，在每个 k 上计算 Frobenius 范数。",
    },
    "vanishing.jacobian_lstm_note": {
        "en": "For the LSTM the state is (h, c): the plotted Jacobian is ∂h_T/∂h_k with c_k held fixed.",
        "zh": "LSTM 的状态是 (h, c)：图中雅可比为保持 c_k 不变时的 ∂h_T/∂h_k。",
    },
    "vanishing.computing": {"en": "Computing…", "zh": "计算中…"},
    "vanishing.what": {
        "en": (
            "A one-layer recurrent network reads the input x_1…x_T. The loss L (the sum of the last hidden state, or of all of them) "
            "is backpropagated through time, and the top chart shows the size of the gradient ‖∂L/∂h_t‖ that reaches each step. "
            "Going back one step multiplies the gradient by the transposed step Jacobian diag(φ'(a_t)) W_hh, so its size changes "
            "roughly geometrically: with ‖W_hh‖ small or φ saturated it shrinks (vanishing: early inputs get no learning signal); "
            "with ‖W_hh‖ large in the linear range it grows (exploding: one update can wreck the weights, which clipping prevents). "
            "The LSTM's cell state adds a path c_(t-1) → c_t with factor f_t: the larger the forget bias, the closer f_t gets to 1 and the more gradient this path carries back (the readout gives the rate for the current setting). "
            "The dashed line is the textbook bound, the heatmap shows every unit, and ‖∂h_T/∂h_k‖ is the product of Jacobians itself. "
            "With the loss on every step, L is their sum (texts that average over T get gradients T times smaller; the decay rates are the same). "
            "Every number is computed in float64 by the hand-derived recursion and checked against PyTorch autograd in the tests."
        ),
        "zh": (
            "一个单层循环网络读入 x_1…x_T。损失 L（最后一个隐藏状态之和，或所有隐藏状态之和）沿时间反向传播，上图显示到达每个时间步的梯度大小 ‖∂L/∂h_t‖。"
            "每向前回溯一步，梯度都要乘以单步雅可比的转置 diag(φ'(a_t)) W_hh，因此其大小大致按几何级数变化："
            "‖W_hh‖ 较小或 φ 饱和时梯度缩小（梯度消失：早期输入得不到学习信号）；‖W_hh‖ 较大且处于线性区时梯度增长（梯度爆炸：一次更新就可能破坏权重，梯度裁剪可以防止）。"
            "LSTM 的细胞状态提供了一条 c_(t-1) → c_t、系数为 f_t 的通路：遗忘门偏置越大，f_t 越接近 1，这条通路带回的梯度就越多（读数给出当前设置下的速率）。"
            "虚线是教科书中的上界，热力图显示每个单元，‖∂h_T/∂h_k‖ 就是雅可比连乘本身。"
            "每步都有损失时，L 是各步之和（按 T 取平均的教材梯度小 T 倍；衰减速率相同）。"
            "所有数值都由手工推导的递推公式以 float64 计算，并在测试中与 PyTorch 自动求导逐一核对。"
        ),
    },
}
