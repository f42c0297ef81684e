from offgrid.config import Settings, parse_settings


def test_camel_case_keys_and_nesting():
    s, problem = parse_settings({"model": "/m.gguf", "engine": {"contextSize": 4096}, "completion": {"maxTokens": 9}})
    assert problem is None
    assert s.model == "/m.gguf" and s.engine.context_size == 4096 and s.completion.max_tokens == 9
    assert s.completion.suffix_lines == Settings().completion.suffix_lines  # untouched defaults stay


def test_bad_values_fall_back_to_defaults_with_one_message():
    s, problem = parse_settings({"completion": {"maxTokens": "lots"}})
    assert s == Settings() and "max_tokens" in problem
    s, problem = parse_settings("nonsense")
    assert s == Settings() and "object" in problem


def test_unknown_keys_are_ignored():
    s, problem = parse_settings({"futureOption": 1})
    assert problem is None and s == Settings()


def test_environment_model_wins_over_settings(monkeypatch):
    monkeypatch.setenv("OFFGRID_MODEL", "/env.gguf")
    assert Settings(model="/opt.gguf").model_choice() == "/env.gguf"
    monkeypatch.delenv("OFFGRID_MODEL")
    assert Settings(model="/opt.gguf").model_choice() == "/opt.gguf"
    assert Settings().model_choice() == Settings().preset


def test_context_settings_are_read_in_camel_case():
    s, problem = parse_settings({"context": {"maxTokens": 256, "format": "comments", "indexWorkspace": False}})
    assert problem is None
    assert s.context.max_tokens == 256 and s.context.format == "comments" and not s.context.index_workspace
    assert s.context.enabled  # untouched defaults stay
