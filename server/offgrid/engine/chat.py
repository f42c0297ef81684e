"""Chat prompts from the GGUF's own chat template (instruct models), applied by llama.cpp."""

import ctypes

import llama_cpp

from offgrid.engine.model import Model


def chat_prompt(model: Model, messages: list[tuple[str, str]]) -> str | None:
    """The prompt text for (role, content) messages, ending where the assistant's answer starts; None when the
    model has no template or llama.cpp does not recognise it."""
    template = llama_cpp.llama_model_chat_template(model.model, None)
    if not template:
        return None
    encoded = [(role.encode(), content.encode()) for role, content in messages]  # alive during the call
    chat = (llama_cpp.llama_chat_message * len(encoded))()
    for i, (role, content) in enumerate(encoded):
        chat[i].role, chat[i].content = role, content
    size = 1024 + 2 * sum(len(c) for _, c in encoded)
    buf = ctypes.create_string_buffer(size)
    n = llama_cpp.llama_chat_apply_template(template, chat, len(encoded), True, buf, size)
    if n > size:
        buf = ctypes.create_string_buffer(n)
        n = llama_cpp.llama_chat_apply_template(template, chat, len(encoded), True, buf, n)
    if n < 0:
        return None
    return buf.raw[:n].decode("utf-8", errors="replace")


_MARK = "\u2063offgrid-message-{}\u2063"  # stands in for a message's content while the template is applied


def chat_prompt_ids(model: Model, messages: list[tuple[str, str]]) -> list[int] | None:
    """Token ids of the chat prompt: the template's markup as special tokens, each message's content as plain
    text, so special-token text in the user's code (`<|im_end|>`, `<|im_start|>system`) cannot close the message
    and speak as the system. None when the model has no template or the template rewrites the contents."""
    marks = [_MARK.format(i) for i in range(len(messages))]
    chat = chat_prompt(model, [(role, mark) for (role, _), mark in zip(messages, marks, strict=True)])
    if chat is None:
        return None
    ids: list[int] = []
    rest = chat
    for mark, (_, content) in zip(marks, messages, strict=True):
        markup, found, rest = rest.partition(mark)
        if not found:
            return None
        ids += model.tokenize(markup, special=True) + model.tokenize(content)
    return ids + model.tokenize(rest, special=True)
