"""Other libraries' log records keep no source text unless logSourceText is on (pygls logs a failed
notification's params, which for didOpen and didChange are the document's text)."""

import io
import logging

import pytest
from offgrid import log_privacy

SECRET = "def qzxPrivmark(): return 'top secret'"


@pytest.fixture
def stream():
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    log_privacy.install(handler)
    root = logging.getLogger()
    root.addHandler(handler)
    old = root.level
    root.setLevel(logging.DEBUG)
    yield out
    root.removeHandler(handler)
    root.setLevel(old)
    log_privacy.allow_source_text(False)


def _pygls_failure() -> None:
    params = {"textDocument": {"uri": "file:///a.py", "text": SECRET}}
    logging.getLogger("pygls.protocol.json_rpc").error("Failed to handle notification %r: %s", "didOpen", params)
    logging.getLogger("pygls.protocol.json_rpc").warning(f"Unknown message {params}")


def test_other_libraries_records_keep_their_shape_but_not_the_code(stream):
    _pygls_failure()
    logging.getLogger("offgrid.lsp.server").warning("the document is not open")
    out = stream.getvalue()
    assert "qzxPrivmark" not in out and "top secret" not in out
    assert "Failed to handle notification 'didOpen': <withheld" in out  # the method name stays: it is not code
    assert "Unknown message <withheld" in out
    assert "the document is not open" in out


def test_with_log_source_text_on_they_are_logged_whole(stream):
    log_privacy.allow_source_text(True)
    assert log_privacy.source_text_allowed()
    assert logging.getLogger("pygls").level == logging.NOTSET  # pygls may now log every message at the chosen level
    _pygls_failure()
    assert stream.getvalue().count("qzxPrivmark") == 2
    log_privacy.allow_source_text(False)
    assert logging.getLogger("pygls").level == logging.WARNING
