from offgrid.config import Settings, parse_settings, with_model_flag


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


def test_model_order_is_flag_environment_settings_preset(monkeypatch):
    monkeypatch.setenv("OFFGRID_MODEL", "/env.gguf")
    client = Settings(model="/opt.gguf")  # initializationOptions or workspace settings
    assert with_model_flag(client, "/flag.gguf").model_choice() == "/flag.gguf"
    assert with_model_flag(client, None).model_choice() == "/env.gguf"
    monkeypatch.delenv("OFFGRID_MODEL")
    assert with_model_flag(client, None).model_choice() == "/opt.gguf"
    assert with_model_flag(Settings(preset="smollm2-135m"), None).model_choice() == "smollm2-135m"


def test_doctor_model_flag_beats_the_environment(monkeypatch, tmp_path, capsys):
    from offgrid.commands.doctor import run_doctor

    monkeypatch.setenv("OFFGRID_MODEL", str(tmp_path / "env.gguf"))
    assert run_doctor(str(tmp_path / "flag.gguf")) == 1  # neither file exists: nothing is loaded
    out = capsys.readouterr().out
    assert "flag.gguf" in out and "env.gguf" not in out


def test_flag_model_survives_later_settings(monkeypatch):
    monkeypatch.setenv("OFFGRID_MODEL", "/env.gguf")
    s, problem = parse_settings({"backend": "infill"}, with_model_flag(Settings(), "/flag.gguf"))
    assert problem is None and s.model_choice() == "/flag.gguf"


def test_context_settings_are_read_in_camel_case():
    s, problem = parse_settings({"context": {"maxTokens": 256, "format": "repo", "indexWorkspace": False}})
    assert problem is None
    assert s.context.max_tokens == 256 and s.context.format == "repo" and not s.context.index_workspace
    assert s.context.enabled  # untouched defaults stay
