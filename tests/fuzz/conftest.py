"""One `offgrid serve` (tiny random-weight model) per fuzz module, driven over raw stdio."""

import pytest

from tests.support.raw_lsp import SyncServer

# The protocol is under test, not the model: short answers, one thread (the machine is shared).
FAST = {
    "engine": {"threads": 1},
    "completion": {"maxTokens": 12, "prefetch": False, "invokedItems": 2},
    "actions": {"maxTokens": 24},
}


@pytest.fixture(scope="module")
def fuzz_server(tiny_model):
    server = SyncServer(str(tiny_model))
    server.call(server.client.initialize(options=FAST))
    yield server
    stderr = server.client.stderr_text()
    server.close()
    assert "Traceback" not in stderr, stderr[-4000:]
