"""Strings of the lecture page, the presenter's bar and the shipped lecture."""

STRINGS = {
    "lecture.nav_title": {"en": "Lecture", "zh": "讲稿"},
    "lecture.blurb": {
        "en": "Collect views of the labs into scenes, then present them full screen with a clicker.",
        "zh": "把各实验的视图收集成场景，然后用翻页笔全屏演示。",
    },
    "lecture.title": {"en": "Lecture: scenes to present", "zh": "讲稿：用于演示的场景"},
    "lecture.intro": {
        "en": "A lecture is a list of scenes: a lab page with all its settings, a title and a note for you. "
              "Open any lab, set it up, and press **Add this view** in its sidebar. Present shows the scenes full "
              "screen; Next and Previous also answer PageDown/PageUp and the arrow keys, so a presentation clicker works.",
        "zh": "讲稿是一组场景：一个实验页面及其全部设置、一个标题和一段给你自己的备注。打开任意实验，调好设置，"
              "然后在侧边栏点击 **添加当前视图**。演示模式全屏显示场景；“下一个/上一个”也响应 PageDown/PageUp 和方向键，"
              "因此可以使用翻页笔。",
    },
    "lecture.add_view": {"en": "Add this view to the lecture", "zh": "添加当前视图到讲稿"},
    "lecture.add_view_help": {
        "en": "Append this page with its current settings (everything in the address bar) as a new scene.",
        "zh": "把本页面及其当前设置（地址栏中的全部内容）作为新场景追加到讲稿。",
    },
    "lecture.added": {"en": "Added as scene {n}: {title}", "zh": "已添加为第 {n} 个场景：{title}"},
    "lecture.lecture_title": {"en": "Lecture title", "zh": "讲稿标题"},
    "lecture.lecture_title_help": {"en": "Shown in the file and the link.", "zh": "保存在文件和链接中。"},
    "lecture.empty": {
        "en": "No scenes yet: press **Load the shipped lecture** above, or open a lab and press **Add this view to the lecture** in its sidebar.",
        "zh": "还没有场景：可以点击上方的 **载入自带讲稿**，或打开一个实验并点击侧边栏中的 **添加当前视图到讲稿**。",
    },
    "lecture.scene_title": {"en": "Title of scene {n}", "zh": "第 {n} 个场景的标题"},
    "lecture.scene_title_help": {"en": "Shown in the presenter's bar.", "zh": "显示在演示栏中。"},
    "lecture.scene_note": {"en": "Speaker note of scene {n}", "zh": "第 {n} 个场景的演讲备注"},
    "lecture.scene_note_help": {
        "en": "Plain text for you; in present mode it sits in a collapsed panel.",
        "zh": "给自己看的纯文本；演示模式下放在折叠面板中。",
    },
    "lecture.scene_page": {"en": "Page: {page} · {n} settings", "zh": "页面：{page} · {n} 项设置"},
    "lecture.up": {"en": "Up", "zh": "上移"},
    "lecture.up_help": {"en": "Move this scene one place earlier.", "zh": "将该场景前移一位。"},
    "lecture.down": {"en": "Down", "zh": "下移"},
    "lecture.down_help": {"en": "Move this scene one place later.", "zh": "将该场景后移一位。"},
    "lecture.delete": {"en": "Delete", "zh": "删除"},
    "lecture.delete_help": {"en": "Remove this scene from the lecture.", "zh": "从讲稿中删除该场景。"},
    "lecture.open": {"en": "Open", "zh": "打开"},
    "lecture.open_help": {"en": "Present from this scene on.", "zh": "从该场景开始演示。"},
    "lecture.present": {"en": "Present", "zh": "开始演示"},
    "lecture.present_help": {
        "en": "Full screen, sidebar hidden, from scene 1. Next/Previous: buttons, PageDown/PageUp or arrow keys.",
        "zh": "全屏、隐藏侧边栏，从第 1 个场景开始。下一个/上一个：按钮、PageDown/PageUp 或方向键。",
    },
    "lecture.save": {"en": "Save as JSON", "zh": "保存为 JSON"},
    "lecture.save_help": {"en": "Download the lecture as a small JSON file.", "zh": "将讲稿下载为一个小 JSON 文件。"},
    "lecture.load": {"en": "Load a lecture file", "zh": "载入讲稿文件"},
    "lecture.load_help": {
        "en": "A JSON file saved here. It replaces the current lecture; unknown pages or settings are reported and skipped.",
        "zh": "此处保存的 JSON 文件，会替换当前讲稿；未知的页面或设置会被报告并跳过。",
    },
    "lecture.loaded": {"en": "Loaded {n} scenes.", "zh": "已载入 {n} 个场景。"},
    "lecture.load_error": {"en": "Cannot read this lecture: {msg}", "zh": "无法读取该讲稿：{msg}"},
    "lecture.load_warning": {"en": "Skipped: {msg}", "zh": "已跳过：{msg}"},
    "lecture.default": {"en": "Load the shipped lecture", "zh": "载入自带讲稿"},
    "lecture.default_help": {
        "en": "Eleven scenes from the unrolled forward pass to training a character model live, in the current language.",
        "zh": "从展开的前向传播到实时训练字符模型的十一个场景，使用当前语言。",
    },
    "lecture.share": {"en": "Shareable link", "zh": "分享链接"},
    "lecture.share_note": {
        "en": "This link holds the whole lecture ({n} characters). Open it to load the lecture.",
        "zh": "该链接包含整个讲稿（{n} 个字符），打开即可载入讲稿。",
    },
    "lecture.share_too_long": {
        "en": "The lecture is too long for one link ({n} characters, at most {max}): save it as a file instead.",
        "zh": "讲稿太长，无法放入一个链接（{n} 个字符，最多 {max} 个）：请保存为文件。",
    },
    "lecture.from_link": {"en": "Lecture loaded from the link: {n} scenes.", "zh": "已从链接载入讲稿：{n} 个场景。"},
    "lecture.scene_of": {"en": "Scene {i} of {n}", "zh": "第 {i} / {n} 个场景"},
    "lecture.prev": {"en": "Previous", "zh": "上一个"},
    "lecture.prev_help": {"en": "Previous scene (PageUp, Left or Up arrow).", "zh": "上一个场景（PageUp、左或上方向键）。"},
    "lecture.next": {"en": "Next", "zh": "下一个"},
    "lecture.next_help": {"en": "Next scene (PageDown, Right or Down arrow).", "zh": "下一个场景（PageDown、右或下方向键）。"},
    "lecture.exit": {"en": "Exit", "zh": "退出"},
    "lecture.exit_help": {"en": "Leave present mode and go back to the lecture page.", "zh": "退出演示模式，返回讲稿页面。"},
    "lecture.note": {"en": "Speaker note", "zh": "演讲备注"},
    "lecture.default_title": {"en": "Recurrent networks in eleven scenes", "zh": "循环神经网络十一幕"},
    "lecture.s_forward": {"en": "1. The unrolled forward pass", "zh": "1. 展开的前向传播"},
    "lecture.n_forward": {
        "en": "One weight matrix W_hh used at every step. Press Next on the page to move t; point at h_t = tanh(a_t).",
        "zh": "每一步都使用同一个权重矩阵 W_hh。在页面上点“下一步”移动 t，指出 h_t = tanh(a_t)。",
    },
    "lecture.s_scalar": {"en": "2. BPTT with one number per step", "zh": "2. 标量 BPTT：每步一个数"},
    "lecture.n_scalar": {
        "en": "Scalar U, W, V: every delta is a product of W and tanh' factors; the check against autograd is on screen.",
        "zh": "标量 U、W、V：每个 delta 都是 W 与 tanh' 因子的乘积；与 autograd 的核对结果就在屏幕上。",
    },
    "lecture.s_deltas": {"en": "3. BPTT deltas, step by step", "zh": "3. 逐步查看 BPTT 的 delta"},
    "lecture.n_deltas": {
        "en": "Backward phase: delta_t = direct part from the output + W_hh^T (tanh'(a_{t+1}) * delta_{t+1}).",
        "zh": "反向阶段：delta_t = 来自输出的直接部分 + W_hh^T (tanh'(a_{t+1}) * delta_{t+1})。",
    },
    "lecture.s_vanishing": {"en": "4. Vanishing gradients: tanh, ρ = 0.9", "zh": "4. 梯度消失：tanh，ρ = 0.9"},
    "lecture.n_vanishing": {
        "en": "Read the slope off the log axis; drag the radius and watch the halving rate in the sentence below.",
        "zh": "在对数坐标上读出斜率；拖动谱半径，观察下方句子中的减半步数。",
    },
    "lecture.s_exploding": {"en": "5. Exploding gradients and clipping", "zh": "5. 梯度爆炸与裁剪"},
    "lecture.n_exploding": {
        "en": "Linear RNN, orthogonal W_hh scaled to ρ = 1.5: the norm grows as 1.5^k. Clipping rescales the update, "
              "not the per-step curve.",
        "zh": "线性 RNN，正交 W_hh 缩放到 ρ = 1.5：范数按 1.5^k 增长。裁剪缩放的是参数更新，而不是每一步的曲线。",
    },
    "lecture.s_lstm": {"en": "6. LSTM: the forget-gate path", "zh": "6. LSTM：遗忘门通路"},
    "lecture.n_lstm": {
        "en": "The cell path multiplies forget gates only; compare it with the vanilla RNN path. Try the forget-bias slider.",
        "zh": "细胞状态通路只乘以遗忘门；与普通 RNN 的通路比较。试试遗忘门偏置滑块。",
    },
    "lecture.s_gru": {"en": "7. GRU: the update gate", "zh": "7. GRU：更新门"},
    "lecture.n_gru": {
        "en": "Same task, GRU: the carry is the product of update gates z (PyTorch's convention h = (1-z) n + z h).",
        "zh": "同一任务换成 GRU：携带量是更新门 z 的乘积（PyTorch 的约定 h = (1-z) n + z h）。",
    },
    "lecture.s_truncated": {"en": "8. Truncated BPTT (k = 3)", "zh": "8. 截断 BPTT（k = 3）"},
    "lecture.n_truncated": {
        "en": "Only k steps back: compare the truncated gradient with the full one (cosine and relative difference).",
        "zh": "只向回传播 k 步：比较截断梯度与完整梯度（余弦相似度和相对差）。",
    },
    "lecture.s_attention": {"en": "9. Seq2seq with attention", "zh": "9. 带注意力的序列到序列模型"},
    "lecture.n_attention": {
        "en": "Each output character looks at the input: type your own date in the sidebar.",
        "zh": "每个输出字符都在关注输入：在侧边栏输入你自己的日期。",
    },
    "lecture.s_sampling": {"en": "10. Teacher forcing and scheduled sampling", "zh": "10. 教师强制与计划采样"},
    "lecture.n_sampling": {
        "en": "Training feeds the true previous character; scheduled sampling feeds more and more of the model's own guesses.",
        "zh": "训练时输入真实的上一个字符；计划采样逐渐更多地输入模型自己的猜测。",
    },
    "lecture.s_train": {"en": "11. Train a character model live", "zh": "11. 实时训练字符模型"},
    "lecture.n_train": {
        "en": "Press Start; watch the loss, the gradient norm and the samples improve. Stop before moving on.",
        "zh": "点击“开始”，观察损失、梯度范数和生成样本逐步改善。继续之前先停止训练。",
    },
}
