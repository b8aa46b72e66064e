"""Without the server extension, the handshake's route answers 404 — what the frontend turns into advice.

The frontend's ``checkServer`` (jest: api.spec.ts) maps exactly this 404 to
"run `jupyter server extension enable phasebook` and restart JupyterLab".
"""

from __future__ import annotations

import pytest
from tornado.httpclient import HTTPClientError


@pytest.fixture
def jp_server_config():
    return {"ServerApp": {"jpserver_extensions": {"phasebook": False}}}


async def test_info_is_404_when_the_server_extension_is_disabled(jp_fetch):
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("phasebook", "info")
    assert caught.value.code == 404
