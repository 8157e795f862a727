"""sh.send_drawn waits until Streamlit has sent what a script run drew, reading private Streamlit state
(sh._outgoing_queue). Each piece it reads is pinned here on the installed Streamlit, so an upgrade that renames
one fails this test instead of silently turning send_drawn into a fixed sleep."""
from __future__ import annotations

import dataclasses
import inspect

from rnnviz import streamlit_helpers as sh


def test_the_private_pieces_send_drawn_reads_exist():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime import Runtime
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.forward_msg_queue import ForwardMsgQueue
    from streamlit.runtime.session_manager import SessionInfo, SessionManager

    assert "self._session_mgr = " in inspect.getsource(Runtime.__init__)
    assert callable(SessionManager.get_session_info)
    assert "session" in {f.name for f in dataclasses.fields(SessionInfo)}
    assert "self._browser_queue = ForwardMsgQueue()" in inspect.getsource(AppSession.__init__)
    q = ForwardMsgQueue()  # what send_drawn polls: empty until a message is queued, empty again once flushed
    assert q.is_empty()
    msg = ForwardMsg()
    msg.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    q.enqueue(msg)
    assert not q.is_empty()
    q.flush()
    assert q.is_empty()


def test_no_session_no_queue():
    """Outside a served session (a bare script, AppTest) there is no queue: send_drawn only sleeps a moment."""
    assert sh._outgoing_queue() is None
    sh.send_drawn(timeout=0.05)
