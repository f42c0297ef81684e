"""`offgrid bench latency --backend remote --url URL`: the same replayed session against a model server, every
keystroke answered by the server (no answers from memory), and what offgrid adds on top of the server's own time.

Per request: the editor's latency (request to answer, at the LSP client), the HTTP round trip offgrid measured,
and the server's own prompt + generation time where it reports one (llama-server does; llama-cpp-python does not).
"""

import asyncio
import json
import logging
from typing import Any
from urllib.error import URLError
from urllib.request import urlopen

from offgrid.bench.latency import NO_MEMORY, WINDOW, _pct, _replay, intervals
from offgrid.bench.session import build_session


def detect_kind(url: str) -> str:
    """ "infill" for a llama.cpp server (it answers /props), else "openai"."""
    try:
        with urlopen(url.rstrip("/") + "/props", timeout=5) as r:
            return "infill" if r.status == 200 and "default_generation_settings" in r.read().decode() else "openai"
    except (URLError, OSError, ValueError):
        return "openai"


def summarize(latencies: list[tuple[float, dict[str, Any]]]) -> dict[str, Any]:
    """Medians and 95th percentiles of the editor's latency, the round trip, the server's time, and the gaps."""
    answered = [(ms, m) for ms, m in latencies if m.get("roundTripMs") is not None]
    client = [ms for ms, _ in answered]
    trip = [m["roundTripMs"] for _, m in answered]
    server = [m["remoteServerMs"] for _, m in answered if m.get("remoteServerMs") is not None]
    offgrid = [ms - m["roundTripMs"] for ms, m in answered]
    transport = [m["roundTripMs"] - m["remoteServerMs"] for _, m in answered if m.get("remoteServerMs") is not None]
    out: dict[str, Any] = {"requests": len(latencies), "answered_by_server": len(answered)}
    for name, values in (
        ("editor_ms", client),
        ("round_trip_ms", trip),
        ("server_compute_ms", server),
        ("offgrid_overhead_ms", offgrid),
        ("http_and_server_queue_ms", transport),
    ):
        out[f"{name}_p50"] = _pct(values, 50) if values else None
        out[f"{name}_p95"] = _pct(values, 95) if values else None
    return out


async def bench_remote(kind: str, url: str, keystrokes: int, pace_ms: int, model: str) -> dict[str, Any]:
    """Replay the session once, sequentially (each answer awaited), against the server."""
    docs, edits = build_session(keystrokes)
    # a cold 2k-token prompt on a busy CPU server can take longer than the editor default of 15 s
    remote = {"url": url, "readTimeoutMs": 120_000}
    options = {"backend": kind, "remote": remote, "completion": {**WINDOW, **NO_MEMORY}}
    print(f"... remote {kind} at {url} ({len(edits)} requests)", flush=True)
    run = await _replay(model, "remote", "sequential", docs, edits, intervals(edits, pace_ms), 1, options)
    out = summarize(run.pairs)
    out.update(backend=kind, url=url, keystrokes=len(edits), errors=run.requests - out["answered_by_server"])
    return out


def run_bench_remote(kind: str, url: str, keystrokes: int, pace_ms: int, as_json: bool, model: str) -> int:
    """Print the figures (a table, or JSON)."""
    logging.getLogger("pygls").setLevel(logging.CRITICAL)
    if kind == "remote":
        kind = detect_kind(url)
    out = asyncio.run(bench_remote(kind, url, keystrokes, pace_ms, model))
    if as_json:
        print(json.dumps(out, indent=2))
        return 0
    print(
        f"\n{out['keystrokes']} keystrokes against {kind} at {url}; "
        f"{out['answered_by_server']} answered by the server\n"
    )
    for key, value in out.items():
        if key.endswith("_p50"):
            name = key[: -len("_p50")]
            p95 = out[f"{name}_p95"]
            text = "n/a (the server reports no timings)" if value is None else f"p50 {value:8.1f}   p95 {p95:8.1f}"
            print(f"{name:>26}: {text}")
    return 0
