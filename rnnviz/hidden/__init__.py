r"""Inside the hidden state: what units track, how far back a model looks, what path the state takes.

The compute behind the hidden-state lab (``app_pages/hidden.py``); no Streamlit, no plotting.

- :mod:`rnnviz.hidden.models`: the character language models (shipped, trained this session, uploaded);
- :mod:`rnnviz.hidden.states`: forward states of a text (:func:`run`) and :func:`pca`;
- :mod:`rnnviz.hidden.patterns`: patterns over a text, units ranked by correlation, LSTMVis-style match;
- :mod:`rnnviz.hidden.influence`: :func:`connectivity`, :math:`\|\partial y_t/\partial x_k\|_2` for all ``k <= t``.
"""
from rnnviz.hidden.influence import connectivity, lag_profile
from rnnviz.hidden.models import CharLM
from rnnviz.hidden.states import PCA, States, pca, run

__all__ = ["connectivity", "lag_profile", "CharLM", "PCA", "States", "pca", "run"]
