"""Token healing at a blank line's indentation, with the real 0.5B model's tokenizer: only the last space is held
back, as the model saw indentation in training (n-1 spaces, then " word"). Held back whole, the 8-space token led
the model to rewrite it as 3 + 5 spaces and then write spaces until its token cap: an empty suggestion on the line
where users most often ask for one."""

from pathlib import Path

import pytest
from offgrid.complete.pipeline import Completer
from offgrid.complete.prompt import held_back
from offgrid.complete.request import CompletionRequest
from offgrid.config import CompletionSettings
from offgrid.engine.llama_engine import LlamaEngine
from offgrid.engine.model import Model

pytestmark = pytest.mark.model

# offgrid's own lsp/limits.py, where holding back the whole 8-space token gave 48 tokens of spaces at row 30
FILE = Path(__file__).parents[1] / "fixtures" / "healing" / "limits.py.txt"
ROW = 30


@pytest.fixture(scope="module")
def qwen(qwen_model):
    model = Model(qwen_model, n_ctx=2048, n_threads=2, n_seq_max=2)
    yield model
    model.close()


def test_indentation_is_split_as_the_model_was_trained(qwen):
    kept, healed = held_back(qwen.tokenize, qwen.piece, " " * 8)
    assert [qwen.piece(t) for t in kept] == [b" " * 7] and healed == b" "
    kept, healed = held_back(qwen.tokenize, qwen.piece, "    x = ")
    assert b"".join(qwen.piece(t) for t in kept) + healed == b"    x = " and healed == b" "
    kept, healed = held_back(qwen.tokenize, qwen.piece, "    resu")  # mid-word: the last token, as before
    assert b"".join(qwen.piece(t) for t in kept) + healed == b"    resu" and healed.endswith(b"u")


def test_a_blank_indented_line_gets_code_not_spaces(qwen):
    lines = FILE.read_text().split("\n")
    text = "\n".join([*lines[:ROW], " " * 8, *lines[ROW + 1 :]])  # the row blanked to its indentation
    engine = LlamaEngine(qwen, adaptive_pieces=False)
    settings = CompletionSettings(
        prefix_tokens=384, suffix_tokens=96, max_tokens=48, prompt_time_ms=None, generate_time_ms=None, prefetch=False
    )
    s = Completer(engine, settings).complete(CompletionRequest(text, ROW, 8, slot="a", language="python"))
    first = s.text.split("\n")[0]
    assert first.strip() and not first[0].isspace(), s  # code, at the line's own indentation
    engine.close()
