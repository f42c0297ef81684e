"""`offgrid bench latency --backend remote` replays its session against a (stand-in) server and splits the time."""

import asyncio
import math

import pytest
from offgrid.bench.remote_latency import bench_remote, detect_kind
from offgrid.bench.session import build_session

from tests.support.stand_in_server import StandIn


async def test_remote_bench_reports_round_trip_server_time_and_overhead():
    server = await StandIn().start()
    try:
        assert await asyncio.to_thread(detect_kind, server.url) == "openai"  # no llama-server /props
        out = await bench_remote("infill", server.url, 8, 10, "qwen2.5-coder-0.5b")
    finally:
        await server.stop()
    made = len(build_session(8)[1])  # one request per edit of the replayed session
    assert made >= 8
    assert out["requests"] == out["keystrokes"] == out["answered_by_server"] == made and out["errors"] == 0
    assert len([p for p, _ in server.requests if p == "/infill"]) == made  # nothing from memory
    assert (out["backend"], out["url"]) == ("infill", server.url)
    assert out["server_compute_ms_p50"] == out["server_compute_ms_p95"] == 3.0  # the stand-in's timings
    for name in ("editor_ms", "round_trip_ms", "offgrid_overhead_ms"):
        p50, p95 = out[f"{name}_p50"], out[f"{name}_p95"]
        assert isinstance(p50, float) and isinstance(p95, float), (name, p50, p95)
        assert 0 < p50 <= p95 and math.isfinite(p95), (name, p50, p95)
    assert out["editor_ms_p50"] > out["round_trip_ms_p50"]  # the editor waits for the HTTP exchange and more
    # the round trip less the server's own (constant) 3 ms, whatever its sign on a fast loopback
    assert out["http_and_server_queue_ms_p50"] == pytest.approx(out["round_trip_ms_p50"] - 3.0)
    assert out["http_and_server_queue_ms_p95"] == pytest.approx(out["round_trip_ms_p95"] - 3.0)
