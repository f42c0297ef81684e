"""One `offgrid serve` (tiny random-weight model) per fuzz module, driven over raw stdio."""

import pytest

from tests.support.raw_lsp import SyncServer


@pytest.fixture(scope="module")
def fuzz_server(tiny_model):
    server = SyncServer(str(tiny_model))
    server.call(server.client.initialize())
    yield server
    stderr = server.client.stderr_text()
    server.close()
    assert "Traceback" not in stderr, stderr[-4000:]
