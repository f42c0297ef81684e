"""Write a tiny random-weight llama GGUF with a byte-level BPE vocabulary and, optionally, Qwen-style FIM tokens.

It loads in llama.cpp in milliseconds and generates nonsense quickly: right for protocol, cancellation and
cache-accounting tests, where what matters is which tokens get evaluated, not what the model says.
"""

from pathlib import Path

import gguf
import numpy as np

FIM_TOKENS = ["<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>"]


def _byte_tokens() -> list[str]:
    """GPT-2's byte-to-unicode table: every byte has a printable stand-in, so any text tokenizes."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), 256))
    chars, n = list(keep), 0
    for b in range(256):
        if b not in keep:
            keep.append(b)
            chars.append(256 + n)
            n += 1
    table = dict(zip(keep, chars, strict=True))
    return [chr(table[b]) for b in range(256)]


def write_tiny_gguf(
    path: Path,
    fim: bool = True,
    n_embd: int = 64,
    n_layer: int = 2,
    seed: int = 0,
    n_ctx_train: int = 32768,
    arch: str = "llama",
    letters_only: bool = False,
) -> Path:
    """Write the model and return its path. `arch` other than llama gives a file llama.cpp refuses.

    `letters_only` makes it write only lowercase letters: no newline, fence or end token can stop a generation,
    so it runs to its token limit on every machine (float sums differ by CPU, and so does random output).
    """
    rng = np.random.default_rng(seed)
    tokens = _byte_tokens()
    merges = ["Ġ Ġ", "ĠĠ ĠĠ", "e r", "i n", "Ġ t", "r e", "o n", "Ġ a"]
    tokens += [m.replace(" ", "") for m in merges]
    types = [gguf.TokenType.NORMAL] * len(tokens)
    specials = ["<|endoftext|>"] + (FIM_TOKENS if fim else [])
    tokens += specials
    types += [gguf.TokenType.CONTROL] * len(specials)
    eos = tokens.index("<|endoftext|>")
    n_vocab, n_head, n_ff = len(tokens), 4, n_embd * 2

    w = gguf.GGUFWriter(str(path), arch)
    w.add_name("offgrid-tiny-test")
    w.add_context_length(n_ctx_train)
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_head)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_rope_dimension_count(n_embd // n_head)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("default")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    w.add_bos_token_id(eos)
    w.add_eos_token_id(eos)
    w.add_add_bos_token(False)

    def t(name: str, *shape: int) -> None:
        w.add_tensor(name, (rng.standard_normal(shape) * 0.2).astype(np.float32))

    # Dimension 0 of every embedding is large, so it dominates the normalized final state; its output weight is
    # negative for control tokens, so random weights never end a generation early and tests stay deterministic.
    embd = (rng.standard_normal((n_vocab, n_embd)) * 0.2).astype(np.float32)
    embd[:, 0] = 3.0 * (n_embd / 64) ** 0.5  # dominant at any width, so wider models never stop early either
    w.add_tensor("token_embd.weight", embd)
    w.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    out = (rng.standard_normal((n_vocab, n_embd)) * 0.2).astype(np.float32)
    out[:, 0] = [-8.0 if ty == gguf.TokenType.CONTROL else 1.0 for ty in types]
    if letters_only:
        out[:, 0] = [1.0 if tok.isascii() and tok.isalpha() and tok.islower() else -8.0 for tok in tokens]
    w.add_tensor("output.weight", out)
    for i in range(n_layer):
        w.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(n_embd, dtype=np.float32))
        w.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
        for name in ("attn_q", "attn_k", "attn_v"):
            t(f"blk.{i}.{name}.weight", n_embd, n_embd)
        t(f"blk.{i}.ffn_gate.weight", n_ff, n_embd)
        t(f"blk.{i}.ffn_up.weight", n_ff, n_embd)
        for name, n_in in (("attn_output", n_embd), ("ffn_down", n_ff)):
            m = (rng.standard_normal((n_embd, n_in)) * 0.2).astype(np.float32)
            m[0, :] = 0.0  # layers never write to dimension 0, so it stays positive to the end
            w.add_tensor(f"blk.{i}.{name}.weight", m)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path
