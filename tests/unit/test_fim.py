from offgrid.engine.fim import detect_fim

NONE = (-1, -1, -1, -1, -1, -1)


def vocab(*texts):
    ids = {t: i + 100 for i, t in enumerate(texts)}
    return ids.get


def test_qwen_tokens_found_by_text_when_metadata_is_missing():
    fim = detect_fim(
        vocab("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>"),
        NONE,
    )
    assert fim is not None and fim.name == "qwen2.5-coder"
    assert (fim.prefix, fim.suffix, fim.middle, fim.repo_name, fim.file_sep) == (100, 101, 102, 104, 105)


def test_starcoder_deepseek_codellama_and_codestral():
    assert detect_fim(vocab("<fim_prefix>", "<fim_suffix>", "<fim_middle>"), NONE).name == "starcoder"
    assert detect_fim(vocab("<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>"), NONE).name == "deepseek-coder"
    assert detect_fim(vocab("▁<PRE>", "▁<SUF>", "▁<MID>"), NONE).name == "codellama"
    codestral = detect_fim(vocab("[PREFIX]", "[SUFFIX]"), NONE)
    assert codestral.name == "codestral" and codestral.spm and codestral.middle is None


def test_declared_ids_win_over_token_text():
    fim = detect_fim(vocab("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"), (1, 2, 3, -1, -1, -1))
    assert (fim.prefix, fim.suffix, fim.middle) == (1, 2, 3)
    fim = detect_fim(vocab(), (7, 8, 9, -1, -1, -1))
    assert fim.name == "gguf-metadata" and fim.middle == 9


def test_model_without_fim():
    assert detect_fim(vocab("<|im_start|>"), NONE) is None
