"""`offgrid bench latency --backend remote` replays its session against a (stand-in) server and splits the time."""

import asyncio

from offgrid.bench.remote_latency import bench_remote, detect_kind

from tests.support.stand_in_server import StandIn


async def test_remote_bench_reports_round_trip_server_time_and_overhead():
    server = await StandIn().start()
    try:
        assert await asyncio.to_thread(detect_kind, server.url) == "openai"  # no llama-server /props
        out = await bench_remote("infill", server.url, 8, 10, "qwen2.5-coder-0.5b")
    finally:
        await server.stop()
    assert out["requests"] == out["keystrokes"] == out["answered_by_server"] and out["errors"] == 0
    assert len([p for p, _ in server.requests if p == "/infill"]) == out["requests"]  # nothing from memory
    assert out["server_compute_ms_p50"] == 3.0  # the stand-in's timings
    assert out["editor_ms_p50"] >= out["round_trip_ms_p50"] >= 0
    assert out["offgrid_overhead_ms_p50"] >= 0
