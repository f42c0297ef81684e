"""`offgrid complete FILE:LINE:COL`: the suggestion the server would show there, printed to stdout."""

import sys
from pathlib import Path
from typing import Any

from offgrid.complete.request import CompletionRequest
from offgrid.config import Settings, parse_settings, with_model_flag
from offgrid.context.service import ContextService
from offgrid.errors import OffgridError, UsageError
from offgrid.host import HostState, ModelHost
from offgrid.models.progress import TerminalProgress

MAX_FILE_BYTES = 8 << 20


def parse_location(location: str) -> tuple[Path, int, int]:
    """FILE:LINE:COL with 1-based LINE and COL (the file name may itself contain colons)."""
    parts = location.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
        raise UsageError(f"expected FILE:LINE:COL (1-based), got {location!r}")
    line, col = int(parts[1]), int(parts[2])
    if line < 1 or col < 1:
        raise UsageError(f"LINE and COL start at 1, got {line}:{col}")
    return Path(parts[0]), line, col


def read_source(path: Path) -> str:
    """The file as text, or a UsageError that says why not."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        raise UsageError(f"{path}: {len(data) >> 20} MB is too large to complete in")
    if b"\0" in data[:8192]:
        raise UsageError(f"{path}: looks like a binary file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise UsageError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None


def workspace_root(path: Path) -> Path | None:
    """The repository holding `path` (the nearest folder above it with .git); None outside one, where indexing
    everything under the file's folder (say, /tmp) could take long for nothing."""
    start = path.resolve().parent
    return next((p for p in (start, *start.parents) if (p / ".git").exists()), None)


def run_complete(
    location: str, model: str | None, max_tokens: int | None, verbose: bool, options: dict[str, Any] | None = None
) -> int:
    try:
        path, line, col = parse_location(location)
        text = read_source(path)
    except UsageError as e:
        print(f"offgrid: {e}", file=sys.stderr)
        return 2
    lines = text.splitlines() or [""]
    if line > len(lines) + 1:
        print(f"offgrid: {path} has {len(lines)} lines; line {line} is past the end", file=sys.stderr)
        return 2
    settings, problem = parse_settings(options or {}, with_model_flag(Settings(), model))
    if problem:
        print(f"offgrid: {problem}", file=sys.stderr)
        return 2
    if max_tokens:
        from dataclasses import replace

        settings = replace(settings, completion=replace(settings.completion, max_tokens=max_tokens))
    root = workspace_root(path)
    context = ContextService(settings.context, [root] if root else [])
    context.index.build()
    progress = TerminalProgress()
    host = ModelHost(settings, progress, context)
    try:
        host.ready.wait()
        progress.close()  # a failed fetch's bar
        if host.state is not HostState.READY:
            print(f"offgrid: {host.error}", file=sys.stderr)
            return 1
        for notice in host.notices:
            print(f"offgrid: warning: {notice}", file=sys.stderr)
        uri = path.resolve().as_uri()
        req = CompletionRequest(text=text, line=line - 1, column=col - 1, slot=str(path), invoked=True, uri=uri)
        suggestion = host.submit_completion(req).future.result()
    except OffgridError as e:
        print(f"offgrid: {e}", file=sys.stderr)
        return 1
    finally:
        host.close()
    print(suggestion.text)
    g = suggestion.generation
    if verbose and g is not None:
        print(
            f"[{g.n_prompt} prompt tokens, {g.n_evaluated} evaluated, {g.n_generated} generated; "
            f"prompt {g.prompt_ms:.0f} ms, generation {g.generate_ms:.0f} ms; stop: {g.stop_reason}]",
            file=sys.stderr,
        )
    for i, more in enumerate(suggestion.more if verbose else (), start=2):
        print(f"[suggestion {i}]\n{more.text}", file=sys.stderr)
    return 0
