"""`offgrid bench actions`: how long a completion waits while a code action runs on the same model.

For each scheduling (the action preempted by completions between tokens, or not), starts `offgrid serve`, measures
completions on an idle server, then starts a long action (Explain on a function of a real source file) and, while
it runs, types a character and asks for a completion, one after the other. Prints the completions' latencies idle
and during the action, and how long the action took.
"""

import asyncio
import logging
import statistics
import time
from typing import Any

from lsprotocol import types

from offgrid.bench.lsp_client import BenchClient, lsp_position
from offgrid.bench.session import module_file

URI = "file:///bench/text_document.py"


def _figures(ms: list[float]) -> str:
    if not ms:
        return "none"
    return f"n={len(ms)} median {statistics.median(ms):.0f} ms, max {max(ms):.0f} ms"


async def _typing(
    bench: BenchClient, cursor: int, n: int, until: "asyncio.Future[Any] | None"
) -> tuple[list[float], list[float]]:
    """Type a character and ask for a completion, `n` times (stopping once `until` is done). Returns each answer's
    latency, and how long it waited for the model (the server's time less its own prompt and generation time)."""
    latency, waited = [], []
    for _ in range(n):
        if until is not None and until.done():
            break
        bench.edit(URI, cursor, cursor, "x")
        cursor += 1
        seen = len(bench.metrics)
        ms, _ = await bench.request(URI, cursor).future  # sent while the action ran: its wait is what we measure
        latency.append(ms)
        m = bench.metrics[-1] if len(bench.metrics) > seen else {}
        if "promptMs" in m:
            waited.append(m["serverMs"] - m["promptMs"] - m["generateMs"])
    return latency, waited


async def _one(model: str, preempt: bool, requests: int, max_tokens: int) -> dict[str, Any]:
    bench = BenchClient()
    options = {
        "actions": {"preempt": preempt, "maxTokens": max_tokens},
        # small windows and short answers: the figure of interest is the wait, not the completion's own cost;
        # no prompt time cap: on a busy machine the first, cold prompt may take long
        "completion": {
            "promptTimeMs": None,
            "prefetch": False,
            "reuseSuggestions": False,
            "maxTokens": 8,
            "prefixLines": 24,
            "suffixLines": 8,
        },
    }
    await bench.start(model, options)
    try:
        text = module_file("pygls.workspace.text_document").read_text()
        bench.open(URI, text)
        target = text.index("    def apply_change(")
        target_end = text.index("\n    def ", target + 1) + 1  # the whole method, selected
        body = text.index("\n", text.index("    def offset_at_position(")) + 1
        cursor = text.index("\n", body)  # the end of the method's first line: typing there costs a few tokens
        await _typing(bench, cursor, 2, None)  # warm the document's cache
        idle, idle_wait = await _typing(bench, cursor + 2, requests, None)
        args = {"uri": URI, "range": {"start": lsp_position(text, target), "end": lsp_position(text, target_end)}}
        params = types.ExecuteCommandParams(command="offgrid.explain", arguments=[args])
        t0 = time.perf_counter()
        action = asyncio.ensure_future(bench.client.workspace_execute_command_async(params))
        await asyncio.sleep(1.0)  # the action is under way
        during, during_wait = await _typing(bench, cursor + 2 + requests, requests, action)
        answer = await action
        if not answer:
            raise RuntimeError("the action failed: see the server log in the temp folder")
        return {
            "idle": idle,
            "idle_wait": idle_wait,
            "during": during,
            "during_wait": during_wait,
            "action_s": time.perf_counter() - t0,
        }
    finally:
        await bench.stop()


async def bench_actions(model: str, requests: int, max_tokens: int) -> int:
    for preempt in (False, True):
        r = await _one(model, preempt, requests, max_tokens)
        name = "preempted between tokens" if preempt else "not preempted (runs to its end)"
        print(f"action {name}:")
        print(f"  completions idle:          {_figures(r['idle'])}; waited for the model {_figures(r['idle_wait'])}")
        print(f"  completions during action: {_figures(r['during'])}; waited {_figures(r['during_wait'])}")
        print(f"  the action took {r['action_s']:.1f} s")
    return 0


def run_bench_actions(model: str, requests: int, max_tokens: int) -> int:
    logging.getLogger("pygls").setLevel(logging.CRITICAL)
    return asyncio.run(bench_actions(model, requests, max_tokens))
