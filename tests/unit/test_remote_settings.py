"""Backend settings: parsing, validation, and the API key read from the environment only."""

from offgrid.config import RemoteSettings, Settings, parse_settings
from offgrid.engine.backends.remote import api_key, make_remote_backend


def test_remote_settings_parse_from_camel_case():
    s, problem = parse_settings(
        {"backend": "infill", "remote": {"url": "https://gpu:8080", "apiKeyEnv": "TEAM_KEY", "readTimeoutMs": 900}}
    )
    assert problem is None and s.backend == "infill"
    assert s.remote == RemoteSettings(url="https://gpu:8080", api_key_env="TEAM_KEY", read_timeout_ms=900)
    assert s.remote.verify_tls is True  # on unless turned off


def test_unknown_backend_falls_back_with_a_message_that_lists_the_choices():
    s, problem = parse_settings({"backend": "cloud"})
    assert s == Settings() and "local, infill, openai" in problem


def test_the_key_comes_from_the_named_environment_variable(monkeypatch):
    monkeypatch.setenv("TEAM_KEY", "sekret")
    assert api_key(RemoteSettings(api_key_env="TEAM_KEY")) == ("sekret", None)
    monkeypatch.delenv("TEAM_KEY")
    key, warning = api_key(RemoteSettings(api_key_env="TEAM_KEY"))
    assert key is None and "TEAM_KEY" in warning
    s, _ = parse_settings({"remote": {"apiKey": "sekret"}})  # not a setting: ignored, never stored
    assert "sekret" not in repr(s)


def test_backend_status_shows_no_key(monkeypatch):
    monkeypatch.setenv("TEAM_KEY", "sekret")
    backend, warnings = make_remote_backend(
        "infill", RemoteSettings(url="http://10.1.2.3:8080", api_key_env="TEAM_KEY"), "qwen2.5-coder-0.5b"
    )
    try:
        assert "sekret" not in repr(backend.describe())
        assert len(warnings) == 1 and "unencrypted" in warnings[0]
    finally:
        backend.close()
