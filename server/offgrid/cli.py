"""The `offgrid` command: serve, complete, doctor, fetch."""

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from offgrid import __version__, log_privacy
from offgrid.config import DEFAULT_PREFIX_TOKENS, LAYOUTS, ContextSettings
from offgrid.models.presets import AUTO_PRESET, DEFAULT_PRESET, PRESETS

DEFAULT_BENCH_PACKAGES = "cattrs,pygls,huggingface_hub,gguf,jinja2,click,requests,urllib3,_pytest,packaging"


def _remote_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--backend", choices=["local", "infill", "openai"], help="where completions come from (default local)"
    )
    p.add_argument("--url", help="the model server's base URL (backends infill and openai)")
    p.add_argument("--fim", help="openai backend: FIM format or preset name (default: from the model's name)")
    p.add_argument("--api-key-env", help="name of the environment variable that holds the server's API key")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="offgrid", description="Local code completion over LSP; your code never leaves.")
    p.add_argument("--version", action="version", version=f"offgrid {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    model_help = (
        f"GGUF path or preset ({', '.join(PRESETS)}, or auto: the largest this machine runs fast, see `offgrid"
        " doctor`); default: $OFFGRID_MODEL, then the settings' preset (auto)"
    )
    bench_model_help = f"GGUF path or preset ({', '.join(PRESETS)}); default: {DEFAULT_PRESET}"

    serve = sub.add_parser("serve", help="speak LSP over stdio (what editors launch)")
    serve.add_argument("--model", help=model_help)
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead of stdio (loopback by default)")
    serve.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])

    comp = sub.add_parser("complete", help="print the suggestion the server would show at FILE:LINE:COL (1-based)")
    comp.add_argument("location", metavar="FILE:LINE:COL")
    comp.add_argument("--model", help=model_help)
    comp.add_argument("--max-tokens", type=int, help="cap on generated tokens")
    comp.add_argument("-v", "--verbose", action="store_true", help="print timings and token counts to stderr")
    _remote_args(comp)

    doctor = sub.add_parser("doctor", help="check that completions can work here")
    doctor.add_argument("--model", help=model_help)
    doctor.add_argument(
        "--settings", type=Path, help="a JSON file of offgrid settings (as an editor sends them) to check with"
    )
    _remote_args(doctor)

    bench = sub.add_parser("bench", help="measure offgrid (prints figures)")
    bench_sub = bench.add_subparsers(dest="bench", required=True)
    lat = bench_sub.add_parser("latency", help="replay an editing session keystroke by keystroke")
    lat.add_argument("--model", default=DEFAULT_PRESET, help=bench_model_help)
    lat.add_argument("--keystrokes", type=int, default=300)
    lat.add_argument("--pace-ms", type=int, default=150, help="typical time between keystrokes")
    lat.add_argument(
        "--modes",
        default="sequential,nvim,vscode",
        help="client behaviours for offgrid's own run: sequential (waits for each answer), nvim "
        "(never cancels), vscode (cancels the previous request)",
    )
    lat.add_argument(
        "--no-reuse-every",
        type=int,
        default=10,
        help="ask the slow no-reuse baseline only every N keystrokes (its per-request cost is the same)",
    )
    lat.add_argument(
        "--accepts", type=int, default=10, help="suggestions to accept, with prefetch on and off (0: skip)"
    )
    lat.add_argument("--no-baselines", action="store_true", help="only offgrid's run (for long memory soaks)")
    lat.add_argument(
        "--opened", type=int, default=5, help="files to time the first keystroke in, 3 s after opening (0: skip)"
    )
    lat.add_argument(
        "--compare-layout", action="append", default=[], choices=LAYOUTS, help="offgrid again with this prompt layout"
    )
    lat.add_argument("--json", action="store_true")
    lat.add_argument(
        "--backend",
        default="local",
        choices=["local", "remote", "infill", "openai"],
        help="remote: replay against the model server at --url (infill for llama-server, else openai) and report "
        "offgrid's overhead on top of the server's own time",
    )
    lat.add_argument("--url", help="the model server's base URL (with --backend remote, infill or openai)")
    soak = bench_sub.add_parser("soak", help="a long session through the server: memory, latency, stale answers")
    soak.add_argument("--model", default=DEFAULT_PRESET, help=bench_model_help)
    soak.add_argument("--keystrokes", type=int, default=10_000)
    soak.add_argument("--threads", type=int, help="llama.cpp threads (default: the physical cores)")
    soak.add_argument("--pace-ms", type=int, default=80, help="typical time between keystrokes")
    soak.add_argument("--max-request-s", type=float, default=60, help="a request unanswered this long fails the run")
    soak.add_argument("--json", action="store_true")
    cons = bench_sub.add_parser("consistency", help="how often cache reuse changes the greedy suggestion")
    cons.add_argument("--model", default=DEFAULT_PRESET, help=bench_model_help)
    cons.add_argument("--edits", type=int, default=200)
    cons.add_argument("--seed", type=int, default=1)
    cons.add_argument("--reuse", default="chunks", choices=["chunks", "prefix"], help="the cache reuse to check")
    cons.add_argument("--repair", action="store_true", help="recompute shifted cache after each edit (a user pause)")
    cons.add_argument("--threads", type=int, help="llama.cpp threads (default: the physical cores)")

    ctx = bench_sub.add_parser("context", help="repository-level completion with and without the context pack")
    ctx.add_argument("--model", default=DEFAULT_PRESET, help=bench_model_help)
    ctx.add_argument("--packages", default=DEFAULT_BENCH_PACKAGES, help="Python packages; npm:X, go:X, rust:X")
    ctx.add_argument("--cases", type=int, default=150)
    ctx.add_argument("--seed", type=int, default=1)
    ctx.add_argument("--budget", type=int, default=512, help="the context pack's token budget")
    ctx.add_argument("--formats", default="repo,comments", help="pack formats to compare against no context")
    ctx.add_argument(
        "--prefix-tokens",
        type=int,
        default=DEFAULT_PREFIX_TOKENS,  # the server's windows: offgrid is measured as a user runs it
        help="local prefix window (suffix: a quarter); default: the server's",
    )
    ctx.add_argument("--index-files", type=int, default=1000, help="files for the indexing figures")
    ctx.add_argument("--threads", type=int, default=1, help="llama.cpp threads (1 on a shared machine)")
    ctx.add_argument("--cuts", default="line,name", help="where lines are cut: at the indentation, at the name")
    ctx.add_argument("--log", type=Path, help="write each case's answers here (JSON lines)")
    ctx.add_argument(
        "--similar-tokens", default="0,256", help="budgets for similar code from other files to compare (0: none)"
    )
    ctx.add_argument("--layout", default="psm", choices=LAYOUTS, help="the prompt layout of offgrid's rows")
    gates = ContextSettings()
    ctx.add_argument("--recent-min-overlap", type=float, default=gates.recent_min_overlap, help="recent chunks' gate")
    ctx.add_argument("--similar-min-score", type=float, default=gates.similar_min_score, help="similar code's gate")
    ctx.add_argument("--shard", default="1/1", help="K/N: the K-th of every N lines, to run one seed in N processes")
    ctx.add_argument(
        "--no-context-row", action=argparse.BooleanOptionalAction, default=True, help="offgrid without the pack too"
    )

    qual = bench_sub.add_parser("quality", help="HumanEval-infilling pass@1: offgrid's pipeline against the raw model")
    qual.add_argument("--model", default=DEFAULT_PRESET, help=bench_model_help)
    qual.add_argument(
        "--subset",
        action="append",
        choices=["single-line", "multi-line", "random-span", "random-span-light"],
        help="repeatable; default: single-line, multi-line, random-span-light",
    )
    qual.add_argument("--limit", type=int, help="tasks per subset, spread evenly over the file")
    qual.add_argument("--data", help="the human-eval-infilling folder (default: ../shared/bench-data/...)")
    qual.add_argument("--details", help="write each task's suggestions and results to this JSON-lines file")
    qual.add_argument("--threads", type=int, help="llama.cpp threads (default: the physical cores)")
    qual.add_argument("--layout", action="append", choices=LAYOUTS, help="an offgrid side's prompt layout (repeatable)")
    qual.add_argument("--no-context", action="store_true", help="complete without the context service")
    qual.add_argument("--seed", type=int, default=1, help="the order the tasks are opened in")
    qual.add_argument("--split", default="all", choices=("all", "dev", "held-out"), help="even or odd problems")
    qual.add_argument(
        "--offset", type=float, default=0.0, help="with --limit: pick other tasks, this share of a step on (0 to 1)"
    )
    qual.add_argument(
        "--ablate",
        action="store_true",
        help="two more sides: offgrid's prompt with the plain cut, and the plain prompt with offgrid's cut",
    )
    qual.add_argument("--json", action="store_true")

    act = bench_sub.add_parser("actions", help="how long a completion waits while a code action runs")
    act.add_argument("--model", default=DEFAULT_PRESET, help=model_help)
    act.add_argument("--requests", type=int, default=5, help="completions idle, and while the action runs")
    act.add_argument("--max-tokens", type=int, default=400, help="the action's answer length")

    fetch = sub.add_parser("fetch", help="download and verify a preset's model")
    fetch.add_argument(
        "preset", nargs="?", default=AUTO_PRESET, choices=[AUTO_PRESET, *sorted(PRESETS)], help="default: auto"
    )
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = _parser().parse_args(argv)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log_privacy.install(handler)  # no source text in other libraries' records unless logSourceText is on
    logging.basicConfig(level=getattr(args, "log_level", "WARNING"), handlers=[handler])
    logging.getLogger("pygls").setLevel(logging.WARNING)  # it logs every message, source text included
    logging.getLogger("httpx2").setLevel(logging.WARNING)  # a line per completion request
    if args.command == "serve":
        from offgrid.commands.serve import run_serve

        return run_serve(args.model, args.tcp)
    if args.command == "complete":
        from offgrid.commands.complete import run_complete

        return run_complete(args.location, args.model, args.max_tokens, args.verbose, _remote_settings(args))
    if args.command == "doctor":
        from offgrid.commands.doctor import run_doctor

        options = _settings_file(args.settings) if args.settings else {}
        if options is None:
            return 2
        return run_doctor(args.model, options | _remote_settings(args))
    if args.command == "bench" and args.bench == "consistency":
        from offgrid.bench.consistency import run_bench_consistency

        return run_bench_consistency(args.model, args.edits, args.seed, args.reuse, args.repair, args.threads)
    if args.command == "bench" and args.bench == "latency" and args.backend != "local":
        from offgrid.bench.remote_latency import run_bench_remote

        if not args.url:
            print("offgrid: --backend remote needs --url", file=sys.stderr)
            return 2
        return run_bench_remote(args.backend, args.url, args.keystrokes, args.pace_ms, args.json, args.model)
    if args.command == "bench" and args.bench == "context":
        from offgrid.bench.repo_context import run_bench_context

        return run_bench_context(
            args.model,
            args.packages,
            args.cases,
            args.seed,
            args.budget,
            args.formats.split(","),
            args.prefix_tokens,
            args.index_files,
            args.threads,
            tuple(c for c in args.cuts.split(",") if c),
            args.log,
            [int(n) for n in args.similar_tokens.split(",") if n],
            args.layout,
            args.recent_min_overlap,
            args.similar_min_score,
            _shard(args.shard),
            args.no_context_row,
        )
    if args.command == "bench" and args.bench == "quality":
        from offgrid.bench.humaneval import DEFAULT_SUBSETS, default_data_dir
        from offgrid.bench.quality import run_bench_quality

        data = Path(args.data) if args.data else default_data_dir()
        subsets = args.subset or list(DEFAULT_SUBSETS)
        details = Path(args.details) if args.details else None
        return run_bench_quality(
            args.model,
            subsets,
            args.limit,
            args.json,
            data,
            details,
            args.threads,
            args.layout,
            not args.no_context,
            args.seed,
            args.split,
            args.offset,
            args.ablate,
        )
    if args.command == "bench" and args.bench == "soak":
        from offgrid.bench.soak import run_bench_soak

        return run_bench_soak(args.model, args.keystrokes, args.threads, args.pace_ms, args.max_request_s, args.json)
    if args.command == "bench" and args.bench == "actions":
        from offgrid.bench.action_wait import run_bench_actions

        return run_bench_actions(args.model, args.requests, args.max_tokens)
    if args.command == "bench":
        from offgrid.bench.latency import run_bench_latency

        return run_bench_latency(
            args.model,
            args.keystrokes,
            args.pace_ms,
            args.modes.split(","),
            args.no_reuse_every,
            args.json,
            args.accepts,
            not args.no_baselines,
            tuple(args.compare_layout),
            args.opened,
        )
    from offgrid.commands.fetch import run_fetch

    return run_fetch(args.preset)


def _settings_file(path: Path) -> dict[str, Any] | None:
    """The settings in a JSON file, or None (with a message) when it cannot be read as a JSON object."""
    try:
        options = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        print(f"offgrid: cannot read the settings file {path}: {e}", file=sys.stderr)
        return None
    if not isinstance(options, dict):
        print(f"offgrid: the settings file {path} must hold a JSON object", file=sys.stderr)
        return None
    return options


def _remote_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The remote backend options given on the command line, as settings keys."""
    out: dict[str, Any] = {}
    if args.backend:
        out["backend"] = args.backend
    remote = {k: v for k, v in (("url", args.url), ("fim", args.fim), ("apiKeyEnv", args.api_key_env)) if v}
    if remote:
        out["remote"] = remote
    return out


def _shard(text: str) -> tuple[int, int]:
    """'K/N' as (K, N), 1 <= K <= N; a clear message for anything else."""
    k, _, of = text.partition("/")
    if not (k.isdigit() and of.isdigit() and 1 <= int(k) <= int(of)):
        raise SystemExit(f"--shard wants K/N with 1 <= K <= N, not {text!r}")
    return int(k), int(of)
