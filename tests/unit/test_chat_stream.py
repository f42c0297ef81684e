"""The chat request for a code action on a model server, and the prefill some servers send back."""

from offgrid.engine.backends.chat_stream import ChatRequest, EchoFilter, chat_body


def feed(prefill: str, pieces: list[str]) -> str:
    f = EchoFilter(prefill)
    return "".join(f.feed(p) for p in pieces)


def test_an_echoed_prefill_is_dropped_however_it_is_split():
    assert feed("```python\n", ["```python\nfound", " = []"]) == "found = []"
    assert feed("```python\n", ["``", "`py", "thon\n", "x", "\n"]) == "x\n"


def test_an_answer_that_only_continues_the_prefill_is_kept_whole():
    assert feed("```python\n", ["found", " = []"]) == "found = []"
    assert feed("```python\n", ["``", "x"]) == "``x"  # started like the prefill, then did not
    assert feed("", ["```python\n", "x"]) == "```python\nx"  # nothing was prefilled: nothing to drop


def test_the_prefill_is_the_last_message_only_when_there_is_one():
    body = chat_body(ChatRequest("sys", "do it", prefill="```go\n", max_tokens=9), "m")
    assert body["messages"] == [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "do it"},
        {"role": "assistant", "content": "```go\n"},
    ]
    assert body["model"] == "m" and body["max_tokens"] == 9 and body["stream"] and body["temperature"] == 0
    assert [m["role"] for m in chat_body(ChatRequest("sys", "do it"), "")["messages"]] == ["system", "user"]
    assert "model" not in chat_body(ChatRequest("sys", "do it"), "")
